import type { IncomingHttpHeaders } from 'node:http';

/**
 * An update check as the ESP8266 and ESP32 Arduino cores send it: identifying headers named
 * `x-ESP8266-…` or `x-ESP32-…`. Node lowercases header names, so any case on the wire works.
 */
export interface UpdateRequest {
  family: 'ESP8266' | 'ESP32';
  /** STA MAC, else BASE MAC (when the STA one is all zeros), else the ESP8266 chip id. */
  lampId: string;
  freeSpace: number | null;
  sketchMd5: string | null;
  sdkVersion: string | null;
  mode: string;
  version: string | null;
  authorization: string | null;
}

const MAC = /^[0-9A-F]{2}(:[0-9A-F]{2}){5}$/;
const ZERO_MAC = '00:00:00:00:00:00';

/** Reads an update check; null when the request does not identify itself. */
export function parseUpdateRequest(headers: IncomingHttpHeaders): UpdateRequest | null {
  const family =
    headers['x-esp32-sta-mac'] !== undefined || headers['x-esp32-base-mac'] !== undefined
      ? 'ESP32'
      : headers['x-esp8266-sta-mac'] !== undefined || headers['x-esp8266-chip-id'] !== undefined
        ? 'ESP8266'
        : null;
  if (!family) return null;
  const prefix = family === 'ESP32' ? 'x-esp32-' : 'x-esp8266-';
  const header = (name: string) => {
    const value = headers[prefix + name];
    const text = (Array.isArray(value) ? value[0] : value)?.trim();
    return text ? text : null;
  };
  const mac = (name: string) => {
    const value = header(name)?.toUpperCase() ?? null;
    return value && MAC.test(value) && value !== ZERO_MAC ? value : null;
  };
  const chipId = header('chip-id');
  const lampId = mac('sta-mac') ?? mac('base-mac') ?? (chipId && /^\d{1,10}$/.test(chipId) ? `ESP8266-${chipId}` : null);
  if (!lampId) return null;
  const number = (name: string) => {
    const value = header(name);
    return value && /^\d{1,12}$/.test(value) ? Number(value) : null;
  };
  const md5 = header('sketch-md5')?.toLowerCase() ?? null;
  const authorization = headers.authorization;
  return {
    family,
    lampId,
    freeSpace: number('free-space'),
    sketchMd5: md5 && /^[0-9a-f]{32}$/.test(md5) ? md5 : null,
    sdkVersion: header('sdk-version')?.slice(0, 64) ?? null,
    mode: header('mode')?.toLowerCase() ?? 'sketch',
    version: header('version')?.slice(0, 64) ?? null,
    authorization: authorization ?? null,
  };
}
