import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { accessOf, type Principal } from '../access/principal.js';
import type { FirmwareLibrary } from './firmware-library.js';
import type { FirmwareManagement } from './firmware-management.js';
import { sendFirmwareImage } from './update-endpoint.js';

/** Where people and programs download an image: `<path><id>.bin`. */
export const FIRMWARE_DOWNLOAD_PATH = '/firmware/images/';

/**
 * Image downloads for people and programs, with the same credentials as the API (observers
 * may download). `principal` is who sent the request, or null when its credentials were not valid.
 */
export function downloadFirmware(
  request: IncomingMessage,
  response: ServerResponse,
  context: { principal: Principal | null; firmware: FirmwareManagement; library: FirmwareLibrary; logger: Logger },
): void {
  if (!context.principal || !accessOf(context.principal).observe) {
    response.writeHead(401, { 'content-type': 'text/plain' }).end('log in, or send an API token\n');
    return;
  }
  const path = new URL(request.url ?? '/', 'http://host').pathname;
  const image = context.firmware.image(path.slice(FIRMWARE_DOWNLOAD_PATH.length).replace(/\.bin$/, ''));
  if (!image) {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('no such firmware image\n');
    return;
  }
  void sendFirmwareImage(request, response, image, context.library, context.logger);
}
