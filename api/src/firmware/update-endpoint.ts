import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { FirmwareImageRecord, FirmwareStore } from '../store/firmware-store.js';
import type { FirmwareLibrary } from './firmware-library.js';
import type { FirmwareUpdates } from './firmware-updates.js';
import { parseUpdateRequest } from './update-request.js';

export const UPDATE_PATH = '/ota';
/** What the original firmware downloads after `[cc:u:?:?]`: the default image. */
export const LEGACY_FIRMWARE_PATH = '/firmware.bin';

/**
 * The HTTP update endpoint for the ESP8266/ESP32 cores' update clients. Its rules are the
 * cores': 200 with the whole image (Content-Length, no compression or chunking, x-MD5), 304
 * for "no update", 403 for a request that does not identify itself. It needs no API login:
 * lamps may be given update credentials of their own instead.
 */
export function serveFirmwareUpdate(
  request: IncomingMessage,
  response: ServerResponse,
  context: { updates: FirmwareUpdates; library: FirmwareLibrary; store: FirmwareStore; remoteAddress: string; logger: Logger },
): void {
  const path = new URL(request.url ?? '/', 'http://lamp').pathname;
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD', connection: 'close' }).end();
    return;
  }
  if (path === LEGACY_FIRMWARE_PATH) {
    const image = context.store.assignedTo('*');
    if (!image) {
      response.writeHead(404, { 'content-type': 'text/plain', connection: 'close' }).end('no default firmware is assigned\n');
      return;
    }
    sendFirmwareImage(request, response, image, context.library);
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
          sendFirmwareImage(request, response, answer.image, context.library);
          return;
        case 304:
          response.writeHead(304, { connection: 'close' }).end();
          return;
        case 401:
          response.writeHead(401, { 'www-authenticate': 'Basic realm="cloud-cloud firmware"', connection: 'close' }).end();
          return;
      }
    },
    (error: unknown) => {
      context.logger.error({ err: error }, 'update check failed');
      if (!response.headersSent) response.writeHead(500, { connection: 'close' }).end();
    },
  );
}

/** An image as the cores need it: whole, with its length and MD5, never compressed or chunked. */
export function sendFirmwareImage(request: IncomingMessage, response: ServerResponse, image: FirmwareImageRecord, library: FirmwareLibrary): void {
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
    return;
  }
  createReadStream(library.path(image))
    .on('error', () => response.destroy())
    .pipe(response);
}
