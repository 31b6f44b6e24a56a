import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Principal } from '../access/principal.js';
import sirv from 'sirv';
import { downloadFirmware, FIRMWARE_DOWNLOAD_PATH } from '../firmware/firmware-download.js';
import { LEGACY_FIRMWARE_PATH, serveFirmwareUpdate, UPDATE_PATH } from '../firmware/update-endpoint.js';
import type { ApiServices } from '../services.js';
import { requestOrigin } from './request-origin.js';
import { refuseOversizedBody } from './request-limits.js';
import { principalOfRequest } from './request-principal.js';
import { GRAPHQL_PATH, type ApiYoga } from './yoga.js';

interface RouteOptions {
  services: ApiServices;
  yoga: ApiYoga;
  logger: Logger;
  trustProxy: boolean;
  /** Largest request body accepted; a firmware upload may be as large as an image, and a little more. */
  maxBodyBytes: number;
  /** A built web UI to serve at `/`. */
  uiDirectory: string | undefined;
}

/**
 * The HTTP request router: the lamps' update endpoint (/ota, /firmware.bin), firmware image
 * downloads, GraphQL, and the web UI for everything else.
 */
export function routeRequests({ services, yoga, logger, trustProxy, maxBodyBytes, uiDirectory }: RouteOptions) {
  // A firmware upload is a multipart body: the image plus a little GraphQL around it.
  const maxUploadBytes = services.firmware.maxBytes + 64 * 1024;
  const serveUi = uiDirectory ? sirv(uiDirectory, { single: true, etag: true }) : undefined;
  const firmwareLogger = logger.child({ component: 'firmware-updates' });

  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'http://host').pathname;
    if (path === UPDATE_PATH || path === LEGACY_FIRMWARE_PATH) {
      const { remoteAddress } = requestOrigin(req, trustProxy);
      serveFirmwareUpdate(req, res, {
        updates: services.firmwareUpdates,
        library: services.firmwareLibrary,
        firmware: services.firmware,
        remoteAddress,
        logger: firmwareLogger,
      });
      return;
    }
    if (path.startsWith(FIRMWARE_DOWNLOAD_PATH)) {
      let principal: Principal | null;
      try {
        principal = principalOfRequest(req, services.authenticator, trustProxy);
      } catch {
        principal = null;
      }
      downloadFirmware(req, res, { principal, firmware: services.firmware, library: services.firmwareLibrary, logger: firmwareLogger });
      return;
    }
    if (path.startsWith(GRAPHQL_PATH) || !serveUi) {
      const multipart = req.headers['content-type']?.toLowerCase().startsWith('multipart/') ?? false;
      if (refuseOversizedBody(req, res, multipart ? maxUploadBytes : maxBodyBytes)) return;
      void yoga(req, res);
      return;
    }
    serveUi(req, res, () => {
      res.statusCode = 404;
      res.end('not found');
    });
  };
}
