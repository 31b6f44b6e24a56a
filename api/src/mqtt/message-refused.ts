/** An incoming MQTT message the bridge will not act on, and why (logged with its topic). */
export class MessageRefused extends Error {
  override name = 'MessageRefused';
}

/** Longest payload read on a command topic; anything longer is refused unread. */
export const MAX_COMMAND_PAYLOAD_BYTES = 4096;

/** The payload as a JSON object; throws MessageRefused naming what it is instead. */
export function objectPayload(payload: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    throw new MessageRefused(`must be a JSON object, got ${describePayload(payload)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MessageRefused(`must be a JSON object, got ${describePayload(payload)}`);
  }
  return value as Record<string, unknown>;
}

/** The payload as it can be quoted in a log line: short. */
export function describePayload(payload: string): string {
  if (payload === '') return 'an empty payload';
  return JSON.stringify(payload.length > 60 ? `${payload.slice(0, 60)}…` : payload);
}
