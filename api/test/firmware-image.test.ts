import { describe, expect, it } from 'vitest';
import { FirmwareImageError, inspectFirmwareImage } from '../src/firmware/firmware-image.js';
import { compareFirmwareVersions } from '../src/firmware/firmware-version.js';
import { gzipSync } from 'node:zlib';
import { esp32Image, esp8266Image, gzippedEsp8266Image } from '../../test/support/firmware-images.js';

const LIMIT = 64 * 1024;
const inspect = (bytes: Uint8Array) => inspectFirmwareImage(bytes, LIMIT);

describe('reading an uploaded image', () => {
  it('reads chip and app descriptor from an ESP32-family image', () => {
    const bytes = esp32Image({ chipId: 9, version: '2.0.1', project: 'cloud-s3' });
    expect(inspect(bytes)).toEqual({
      format: 'esp',
      sketch: bytes,
      target: 'ESP32-S3',
      descriptor: { version: '2.0.1', projectName: 'cloud-s3', compiledAt: 'Apr 30 2020 05:33:11', idfVersion: 'v4.4.5' },
    });
    expect(inspect(esp32Image({ chipId: 0 })).target).toBe('ESP32');
    expect(inspect(esp32Image({ chipId: 5 })).target).toBe('ESP32-C3');
  });

  it('takes an ESP8266 image, which names no chip, and a gzipped one', () => {
    expect(inspect(esp8266Image())).toEqual({ format: 'esp', target: null, descriptor: null, sketch: esp8266Image() });
    expect(inspect(gzippedEsp8266Image())).toEqual({ format: 'gzip', target: 'ESP8266', descriptor: null, sketch: esp8266Image() });
  });

  it.each([
    ['an empty file', new Uint8Array(0), /empty/],
    ['a file of the wrong kind', Buffer.from('PK\u0003\u0004 a zip file'), /starts with 0x50/],
    ['a header alone', Buffer.from([0xe9, 2, 2, 0x20]), /truncated/],
    ['a cut-off ESP32 image', esp32Image().subarray(0, 300), /truncated: segment 1 of 2/],
    ['an ESP32 image missing its end', esp32Image().subarray(0, 2000), /truncated: segment 2 of 2/],
    ['a cut-off ESP8266 image', esp8266Image().subarray(0, 1000), /truncated: segment 1 of 1/],
    ['a header announcing no segments', Buffer.concat([Buffer.from([0xe9, 0]), Buffer.alloc(40)]), /0 segments/],
    ['the gzip magic alone', Buffer.from([0x1f, 0x8b]), /gzipped, but does not unpack: the compressed data is truncated/],
    [
      'gzip that is no image inside',
      gzipSync(Buffer.from('<html>not firmware</html>')),
      /unpacks to is not an ESP image: it starts with 0x3c/,
    ],
    ['a gzipped truncated image', gzipSync(esp8266Image().subarray(0, 1000)), /truncated: segment 1 of 1/],
    ['a gzipped ESP32 image', gzipSync(esp32Image()), /gzipped ESP32 image: only ESP8266 lamps/],
    [
      'gzip that unpacks beyond the limit',
      gzipSync(Buffer.concat([esp8266Image(), Buffer.alloc(100 * LIMIT)])),
      /unpacks to more than the limit of 65536 bytes/,
    ],
  ])('refuses %s', (_name, bytes, message) => {
    expect(() => inspect(bytes)).toThrow(FirmwareImageError);
    expect(() => inspect(bytes)).toThrow(message);
  });
});

describe('comparing versions', () => {
  it.each([
    ['1.4.3', '1.4.2', 'newer'],
    ['v1.4.2', '1.4.2', 'same'],
    ['1.10.0', '1.9.9', 'newer'],
    ['1.4', '1.4.1', 'older'],
    ['2.0.0-rc.1', '1.9.0', 'newer'],
    ['May  3 2020;05:33:11', 'Apr 30 2020;05:33:11', 'newer'],
    ['Apr  3 2020;05:33:11', 'Apr 30 2020;05:33:11', 'older'],
    ['Apr 30 2020;05:33:11', 'Apr 30 2020;05:33:11', 'same'],
    ['Apr 30 2020;05:33:12', 'Apr 30 2020;05:33:11', 'newer'],
    ['1.4.2', 'Apr 30 2020;05:33:11', 'unknown'],
    ['nightly', 'nightly', 'same'],
    ['nightly-b', 'nightly-a', 'unknown'],
  ])('%s against a lamp running %s is %s', (candidate, running, expected) => {
    expect(compareFirmwareVersions(candidate, running)).toBe(expected);
  });
});
