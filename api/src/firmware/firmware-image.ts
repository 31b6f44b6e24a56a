import { gunzipSync } from 'node:zlib';

/**
 * What an uploaded firmware file is, read from its bytes: pure functions, no I/O.
 *
 * Every ESP application image starts with 0xE9 and a segment count; ESP32-family images
 * extend the header to 24 bytes with a chip id, and ESP-IDF (and Arduino-ESP32) builds carry an
 * app descriptor with the version. ESP8266 images may also be uploaded gzipped.
 */

export const ESP_IMAGE_MAGIC = 0xe9;
const GZIP_MAGIC = [0x1f, 0x8b] as const;
const APP_DESCRIPTOR_MAGIC = 0xabcd5432;
const ESP32_HEADER_BYTES = 24;
const ESP8266_HEADER_BYTES = 8;
const SEGMENT_HEADER_BYTES = 8;
const MAX_SEGMENTS = 16;
/** esptool writes 0xEE ("disabled") into the ESP32 header's write-protect pin byte. */
const ESP32_WP_PIN_DISABLED = 0xee;

/** Chip ids of the ESP32 family, as in the image header. */
export const ESP32_CHIPS: ReadonlyMap<number, string> = new Map([
  [0, 'ESP32'],
  [2, 'ESP32-S2'],
  [5, 'ESP32-C3'],
  [9, 'ESP32-S3'],
  [12, 'ESP32-C2'],
  [13, 'ESP32-C6'],
  [16, 'ESP32-H2'],
]);
export const TARGETS = ['ESP8266', ...ESP32_CHIPS.values()] as const;

export interface AppDescriptor {
  version: string;
  projectName: string;
  compiledAt: string;
  idfVersion: string;
}

export interface FirmwareImageInfo {
  format: 'esp' | 'gzip';
  /** The chip the image is for, when its header says. */
  target: string | null;
  descriptor: AppDescriptor | null;
  /**
   * The image as it ends up in the lamp's flash: the file itself, or for a gzipped image what
   * it unpacks to. The sketch MD5 a lamp reports after flashing is the MD5 of these bytes.
   */
  sketch: Uint8Array;
}

export class FirmwareImageError extends Error {
  override name = 'FirmwareImageError';
}

/**
 * Reads what the bytes say; throws FirmwareImageError for anything that is not a whole ESP image,
 * or (gzipped) does not unpack to one of at most `maxBytes`.
 */
export function inspectFirmwareImage(bytes: Uint8Array, maxBytes: number): FirmwareImageInfo {
  if (bytes.length === 0) throw new FirmwareImageError('the file is empty');
  if (bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1]) {
    const sketch = gunzipImage(bytes, maxBytes);
    if (sketch[0] !== ESP_IMAGE_MAGIC) {
      throw new FirmwareImageError(
        `gzipped, but what it unpacks to is not an ESP image: it starts with 0x${hex(sketch[0] ?? 0)}, an image starts with 0xe9`,
      );
    }
    const inner = inspectEspImage(sketch);
    // Only the ESP8266 core unpacks gzipped images while flashing.
    if (inner.target !== null) throw new FirmwareImageError(`gzipped ${inner.target} image: only ESP8266 lamps can unpack gzipped images`);
    return { format: 'gzip', target: 'ESP8266', descriptor: null, sketch };
  }
  return { ...inspectEspImage(bytes), sketch: bytes };
}

/** Unpacks at most `maxBytes`: a small file that inflates to gigabytes is refused, not unpacked. */
function gunzipImage(bytes: Uint8Array, maxBytes: number): Uint8Array {
  try {
    return gunzipSync(bytes, { maxOutputLength: maxBytes });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') throw new FirmwareImageError(`gzipped, and unpacks to more than the limit of ${maxBytes} bytes`);
    throw new FirmwareImageError(
      `gzipped, but does not unpack: ${code === 'Z_BUF_ERROR' ? 'the compressed data is truncated' : (error as Error).message}`,
    );
  }
}

function inspectEspImage(bytes: Uint8Array): Omit<FirmwareImageInfo, 'format' | 'sketch'> & { format: 'esp' } {
  if (bytes[0] !== ESP_IMAGE_MAGIC) {
    throw new FirmwareImageError(
      `not an ESP firmware image: it starts with 0x${hex(bytes[0]!)}, an image starts with 0xe9 (or 1f 8b when gzipped)`,
    );
  }
  if (bytes.length < ESP32_HEADER_BYTES) throw new FirmwareImageError(`truncated: ${bytes.length} bytes is shorter than an image header`);

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const looksEsp32 = bytes[8] === ESP32_WP_PIN_DISABLED && ESP32_CHIPS.has(view.getUint16(12, true));
  checkSegments(view, looksEsp32 ? ESP32_HEADER_BYTES : ESP8266_HEADER_BYTES);
  if (!looksEsp32) return { format: 'esp', target: null, descriptor: null };

  const target = ESP32_CHIPS.get(view.getUint16(12, true))!;
  const descriptor =
    bytes.length >= 0xb0 && view.getUint32(0x20, true) === APP_DESCRIPTOR_MAGIC
      ? {
          version: cString(bytes, 0x30, 32),
          projectName: cString(bytes, 0x50, 32),
          compiledAt: `${cString(bytes, 0x80, 16)} ${cString(bytes, 0x70, 16)}`.trim(),
          idfVersion: cString(bytes, 0x90, 32),
        }
      : null;
  return { format: 'esp', target, descriptor };
}

/** Every segment the header announces must lie inside the file. */
function checkSegments(view: DataView, headerBytes: number): void {
  const count = view.getUint8(1);
  if (count === 0 || count > MAX_SEGMENTS) {
    throw new FirmwareImageError(`not a valid ESP image: the header announces ${count} segments`);
  }
  let offset = headerBytes;
  for (let segment = 1; segment <= count; segment++) {
    if (offset + SEGMENT_HEADER_BYTES > view.byteLength) {
      throw new FirmwareImageError(`truncated: segment ${segment} of ${count} starts past the end of the file`);
    }
    const size = view.getUint32(offset + 4, true);
    offset += SEGMENT_HEADER_BYTES + size;
    if (offset > view.byteLength) {
      throw new FirmwareImageError(`truncated: segment ${segment} of ${count} needs ${offset} bytes, the file has ${view.byteLength}`);
    }
  }
}

function cString(bytes: Uint8Array, offset: number, length: number): string {
  const field = bytes.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return new TextDecoder().decode(end === -1 ? field : field.subarray(0, end)).trim();
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
