import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/*
 * Builds firmware files with the real ESP image layout (header, segments, and for ESP32 the
 * ESP-IDF app descriptor), small enough for tests. Each call can differ by `seed`, so tests get
 * distinct bytes without copying real firmware.
 */

interface Segment {
  loadAddress: number;
  data: Uint8Array;
}

function image(header: Uint8Array, segments: Segment[]): Buffer {
  const parts: Uint8Array[] = [header];
  for (const segment of segments) {
    const segmentHeader = Buffer.alloc(8);
    segmentHeader.writeUInt32LE(segment.loadAddress, 0);
    segmentHeader.writeUInt32LE(segment.data.length, 4);
    parts.push(segmentHeader, segment.data);
  }
  // Checksum byte after 16-byte padding, as esptool writes it.
  const body = Buffer.concat(parts);
  const padding = 15 - (body.length % 16);
  let checksum = 0xef;
  for (const segment of segments) for (const byte of segment.data) checksum ^= byte;
  return Buffer.concat([body, Buffer.alloc(padding), Buffer.from([checksum])]);
}

function filler(length: number, seed: string): Buffer {
  const out = Buffer.alloc(length);
  let block = createHash('sha256').update(seed).digest();
  for (let offset = 0; offset < length; offset += block.length) {
    block.copy(out, offset);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

function fixed(text: string, length: number): Buffer {
  const field = Buffer.alloc(length);
  field.write(text, 'utf8');
  return field;
}

export function esp32Image(options: { chipId?: number; version?: string; project?: string; size?: number; seed?: string } = {}): Buffer {
  const header = Buffer.alloc(24);
  header[0] = 0xe9;
  header[1] = 2; // segments
  header[2] = 2; // DIO
  header[3] = 0x20; // 4 MB, 40 MHz
  header.writeUInt32LE(0x40081000, 4);
  header[8] = 0xee; // write-protect pin disabled
  header.writeUInt16LE(options.chipId ?? 0, 12);
  const descriptor = Buffer.concat([
    Buffer.from([0x32, 0x54, 0xcd, 0xab]),
    Buffer.alloc(12),
    fixed(options.version ?? '1.4.2', 32),
    fixed(options.project ?? 'cloud-lamp', 32),
    fixed('05:33:11', 16),
    fixed('Apr 30 2020', 16),
    fixed('v4.4.5', 32),
    Buffer.alloc(32 + 80),
  ]);
  const drom = Buffer.concat([descriptor, filler(256, `drom${options.seed ?? ''}`)]);
  const iram = filler(options.size ?? 4096, `iram${options.seed ?? ''}`);
  return image(header, [
    { loadAddress: 0x3f400020, data: drom },
    { loadAddress: 0x40080000, data: iram },
  ]);
}

export function esp8266Image(options: { size?: number; seed?: string } = {}): Buffer {
  const header = Buffer.alloc(8);
  header[0] = 0xe9;
  header[1] = 1;
  header[2] = 0;
  header[3] = 0x40;
  header.writeUInt32LE(0x40100000, 4);
  return image(header, [{ loadAddress: 0x40100000, data: filler(options.size ?? 3000, `esp8266${options.seed ?? ''}`) }]);
}

export function gzippedEsp8266Image(seed = ''): Buffer {
  return gzipSync(esp8266Image({ seed }));
}
