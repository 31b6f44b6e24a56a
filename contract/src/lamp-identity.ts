/*
 * What a lamp may say about itself in its connection URL (`?mac=…&version=…`). The adapter
 * reads the URL and the API checks what the adapter passes on, so both read the rules here.
 */

const MAC = /^[0-9A-F]{2}(:[0-9A-F]{2}){5}$/;
export const LAMP_MAC_RULE = 'mac must be six hex pairs separated by ":", such as 5C:CF:7F:12:34:56';

/** The MAC in its one stored form (upper case), or null when it is not a MAC. */
export function normalizeMac(text: string): string | null {
  const upper = text.trim().toUpperCase();
  return MAC.test(upper) ? upper : null;
}

export const MAX_FIRMWARE_VERSION_LENGTH = 64;
export const FIRMWARE_VERSION_RULE = `version must be 1 to ${MAX_FIRMWARE_VERSION_LENGTH} printable characters`;

/**
 * The version as kept (trimmed), or null when it is not one. Versions are semver (`1.4.2`) or
 * a compile stamp (`Apr 30 2020;05:33:11`), so spaces are allowed; control characters are not.
 */
export function normalizeFirmwareVersion(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_FIRMWARE_VERSION_LENGTH) return null;
  return /^[\x20-\x7e]+$/.test(trimmed) ? trimmed : null;
}

/** A lamp connection as its adapter reports it to the API, with what the lamp said in its handshake. */
export interface LampReport {
  connectionId: string;
  secret: string;
  remoteAddress: string;
  connectedAt: Date;
  lastSeenAt: Date;
  /** From the connection URL when the lamp gave a valid one, normalised by `normalizeMac`. */
  mac: string | null;
  firmwareVersion: string | null;
}

/**
 * Most lamps one batched request (`admitLamps`, `reportLampsDisconnected`) may carry: the
 * adapter sends a burst in requests of at most this many, and the API refuses a longer list.
 */
export const MAX_LAMPS_PER_BATCH = 250;
