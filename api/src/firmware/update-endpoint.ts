import type { FileHandle } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import type { Logger } from 'pino';
import type { FirmwareImageRecord } from '../store/firmware-store.js';
import { FirmwareFileError, type FirmwareLibrary } from './firmware-library.js';
import type { FirmwareManagement } from './firmware-management.js';
import type { FirmwareUpdates } from './firmware-updates.js';
import { parseUpdateRequest } from './update-request.js';

export const UPDATE_PATH = '/ota';
/** What the original firmware downloads after `[cc:u:?:?]`: the default image. */
export const LEGACY_FIRMWARE_PATH = '/firmware.bin';

/**
 * The HTTP update endpoint for the ESP8266/ESP32 cores' update clients. Its rules are the
 * cores': 200 with the whole image (Content-Length, no compression or chunking, x-MD5), 304
 * for "no update", 403 for a request that does not identify itself. It needs no API login:
 * lamps may be given update credentials of their own instead. Anyone can call it, so it is
 * rate limited per client address (429), before anything is read or recorded.
 */
export function serveFirmwareUpdate(
  request: IncomingMessage,
  response: ServerResponse,
  context: { updates: FirmwareUpdates; library: FirmwareLibrary; firmware: FirmwareManagement; remoteAddress: string; logger: Logger },
): void {
  const path = new URL(request.url ?? '/', 'http://lamp').pathname;
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD', connection: 'close' }).end();
    return;
  }
  const wait = context.updates.admitRequest(context.remoteAddress);
  if (wait > 0) {
    tooManyRequests(response, wait, 'too many update checks from this address');
    return;
  }
  if (path === LEGACY_FIRMWARE_PATH) {
    const image = context.firmware.defaultImage();
    if (!image) {
      response.writeHead(404, { 'content-type': 'text/plain', connection: 'close' }).end('no default firmware is assigned\n');
      return;
    }
    void sendFirmwareImage(request, response, image, context.library, context.logger);
    return;
  }

  const update = parseUpdateRequest(request.headers);
  if (!update) {
    context.logger.warn({ address: context.remoteAddress }, 'update check without identifying headers refused');
    response.writeHead(403, { 'content-type': 'text/plain', connection: 'close' }).end('the request does not identify a lamp\n');
    return;
  }
  context.updates.answer(update, context.remoteAddress).then(
    (answer) => {
      switch (answer.status) {
        case 200:
          streamImage(request, response, answer.image, answer.file, context.logger);
          return;
        case 304:
          response.writeHead(304, { connection: 'close' }).end();
          return;
        case 401:
          response.writeHead(401, { 'www-authenticate': 'Basic realm="cloud-cloud firmware"', connection: 'close' }).end();
          return;
        case 429:
          context.logger.warn(
            { lamp: update.lampId, address: context.remoteAddress },
            'too many wrong update credentials: refused without checking',
          );
          tooManyRequests(response, answer.retryAfterSeconds, 'too many wrong update credentials');
          return;
        case 500:
        case 503:
          context.logger.error(
            { lamp: update.lampId, firmwareId: answer.image.id, file: context.library.path(answer.image), code: answer.code },
            answer.reason,
          );
          cannotServe(response, answer.status, answer.reason);
          return;
      }
    },
    (error: unknown) => {
      context.logger.error({ err: error }, 'update check failed');
      if (!response.headersSent) response.writeHead(500, { connection: 'close' }).end();
    },
  );
}

/**
 * An image as the cores need it: whole, with its length and MD5, never compressed or chunked.
 * The file is opened first, so that one that cannot be read is an error status, not a
 * truncated download.
 */
export async function sendFirmwareImage(
  request: IncomingMessage,
  response: ServerResponse,
  image: FirmwareImageRecord,
  library: FirmwareLibrary,
  logger: Logger,
): Promise<void> {
  let file: FileHandle;
  try {
    file = await library.open(image);
  } catch (error) {
    if (!(error instanceof FirmwareFileError)) throw error;
    logger.error({ firmwareId: image.id, file: library.path(image), code: error.code }, error.message);
    cannotServe(response, error.status, error.message);
    return;
  }
  streamImage(request, response, image, file, logger);
}

function streamImage(
  request: IncomingMessage,
  response: ServerResponse,
  image: FirmwareImageRecord,
  file: FileHandle,
  logger: Logger,
): void {
  response.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': String(image.size),
    'content-disposition': `attachment; filename="firmware-${image.version.replace(/[^\w.-]/g, '_')}.bin"`,
    'x-md5': image.md5,
    'x-sha256': image.sha256,
    connection: 'close',
  });
  if (request.method === 'HEAD') {
    response.end();
    void file.close();
    return;
  }
  pipeline(file.createReadStream(), response, (error) => {
    if (!error) return;
    // The client going away mid-download is its business; a read failing is ours.
    if (error.code === 'ERR_STREAM_PREMATURE_CLOSE') logger.info({ firmwareId: image.id }, 'firmware download cut short by the client');
    else logger.error({ err: error, firmwareId: image.id }, 'reading the firmware file failed during a download');
  });
}

function tooManyRequests(response: ServerResponse, retryAfterSeconds: number, reason: string): void {
  response
    .writeHead(429, { 'content-type': 'text/plain', 'retry-after': String(retryAfterSeconds), connection: 'close' })
    .end(`${reason}; try again in ${retryAfterSeconds} s\n`);
}

function cannotServe(response: ServerResponse, status: 500 | 503, reason: string): void {
  response
    .writeHead(status, { 'content-type': 'text/plain', connection: 'close', ...(status === 503 ? { 'retry-after': '30' } : {}) })
    .end(`${reason}\n`);
}
