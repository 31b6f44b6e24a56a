import { createHash } from 'node:crypto';
import { connect } from 'node:net';

/** The headers the ESP8266 core's ESP8266httpUpdate sends, with its own capitalisation. */
export function esp8266UpdateHeaders(lamp: {
  mac: string;
  version?: string;
  freeSpace?: number;
  sketchMd5?: string;
  chipId?: string;
}): Record<string, string> {
  return {
    'User-Agent': 'ESP8266-http-Update',
    'x-ESP8266-STA-MAC': lamp.mac,
    'x-ESP8266-AP-MAC': lamp.mac.replace(/^..:/, '1A:'),
    'x-ESP8266-Chip-ID': lamp.chipId ?? '1458415',
    'x-ESP8266-free-space': String(lamp.freeSpace ?? 1_000_000),
    'x-ESP8266-sketch-size': '301376',
    'x-ESP8266-sketch-md5': lamp.sketchMd5 ?? md5('running sketch'),
    'x-ESP8266-chip-size': '4194304',
    'x-ESP8266-sdk-version': '2.2.1(cfd48f3)',
    'x-ESP8266-mode': 'sketch',
    ...(lamp.version ? { 'x-ESP8266-version': lamp.version } : {}),
  };
}

/** The headers the ESP32 core's HTTPUpdate sends (newest cores add BASE MAC and SHA-256). */
export function esp32UpdateHeaders(lamp: {
  mac: string;
  baseMac?: string;
  version?: string;
  freeSpace?: number;
  sketchMd5?: string;
}): Record<string, string> {
  return {
    'User-Agent': 'ESP32-http-Update',
    'x-ESP32-STA-MAC': lamp.mac,
    'x-ESP32-AP-MAC': lamp.mac,
    ...(lamp.baseMac ? { 'x-ESP32-BASE-MAC': lamp.baseMac } : {}),
    'x-ESP32-free-space': String(lamp.freeSpace ?? 1_900_000),
    'x-ESP32-sketch-size': '912416',
    'x-ESP32-sketch-md5': lamp.sketchMd5 ?? md5('running sketch'),
    'x-ESP32-sketch-sha256': createHash('sha256').update('running sketch').digest('hex'),
    'x-ESP32-chip-size': '4194304',
    'x-ESP32-sdk-version': 'v4.4.5',
    'x-ESP32-mode': 'sketch',
    ...(lamp.version ? { 'x-ESP32-version': lamp.version } : {}),
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * Sends a request the way the Arduino cores do: HTTP/1.0, `Connection: close`, headers in the
 * case given, over a plain socket, and reads the raw answer. `from` picks another loopback
 * address (127.0.0.2, …) to stand for another machine.
 */
export function updateCheck(port: number, path: string, headers: Record<string, string>, from?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', ...(from ? { localAddress: from } : {}) });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const raw = Buffer.concat(chunks);
      const split = raw.indexOf('\r\n\r\n');
      const [statusLine, ...lines] = raw.subarray(0, split).toString('latin1').split('\r\n');
      const parsed: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        parsed[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(statusLine!.split(' ')[1]), headers: parsed, body: raw.subarray(split + 4) });
    });
    const head = [
      `GET ${path} HTTP/1.0`,
      `Host: 127.0.0.1:${port}`,
      'Connection: close',
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ];
    socket.write(head.join('\r\n') + '\r\n\r\n');
  });
}

export function md5(data: string | Uint8Array): string {
  return createHash('md5').update(data).digest('hex');
}
