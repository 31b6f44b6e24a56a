/**
 * Messages lamps send after the handshake. The handshake's first frame (the secret) is not
 * parsed here: it is compared as a whole, never interpreted.
 */
export type DeviceMessage = { kind: 'ping' } | { kind: 'debug'; text: string } | { kind: 'unexpected'; text: string };

export const PING = 'ping';
export const PONG = 'pong';
export const HANDSHAKE_OK = 'ok';
const DEBUG_PREFIX = 'd:';

export function parseDeviceMessage(text: string): DeviceMessage {
  if (text === PING) return { kind: 'ping' };
  if (text.startsWith(DEBUG_PREFIX)) return { kind: 'debug', text: text.slice(DEBUG_PREFIX.length) };
  return { kind: 'unexpected', text };
}
