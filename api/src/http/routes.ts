import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Principal } from '../access/principal.js';
import { downloadFirmware, FIRMWARE_DOWNLOAD_PATH } from '../firmware/firmware-download.js';
import { LEGACY_FIRMWARE_PATH, serveFirmwareUpdate, UPDATE_PATH } from '../firmware/update-endpoint.js';
import type { ApiServices } from '../services.js';
import { serveBuiltFiles } from './built-files.js';
import { GRAPHIQL_ASSETS_PATH } from './graphiql-page.js';
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
  /** GraphiQL's built page and files. */
  graphiqlDirectory: string | undefined;
}

/** What yoga itself would render GraphiQL for: a browser opening the GraphQL path. */
function wantsGraphiQL(req: IncomingMessage, path: string): boolean {
  return req.method === 'GET' && (path === GRAPHQL_PATH || path === `${GRAPHQL_PATH}/`) && (req.headers.accept ?? '').includes('text/html');
}

/**
 * The HTTP request router: the lamps' update endpoint (/ota, /firmware.bin), firmware image
 * downloads, GraphiQL's page and files, GraphQL, and the web UI for everything else.
 */
export function routeRequests({ services, yoga, logger, trustProxy, maxBodyBytes, uiDirectory, graphiqlDirectory }: RouteOptions) {
  // A firmware upload is a multipart body: the image plus a little GraphQL around it.
  const maxUploadBytes = services.firmware.maxBytes + 64 * 1024;
  // Vite names what it writes under assets/ by content; GraphiQL's build names all but its page.
  const serveUi = uiDirectory ? serveBuiltFiles(uiDirectory, { single: true, hashed: (path) => path.startsWith('/assets/') }) : undefined;
  const serveGraphiQL = graphiqlDirectory
    ? serveBuiltFiles(graphiqlDirectory, { single: false, hashed: (path) => path !== '/index.html' })
    : undefined;
  const firmwareLogger = logger.child({ component: 'firmware-updates' });

  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'http://host').pathname;
    const notFound = () => {
      res.statusCode = 404;
      res.end('not found');
    };
    if (wantsGraphiQL(req, path) || path.startsWith(GRAPHIQL_ASSETS_PATH)) {
      if (!serveGraphiQL) {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('GraphiQL is not built here: run `npm run build`.\n');
        return;
      }
      const file = path.startsWith(GRAPHIQL_ASSETS_PATH) ? path.slice(GRAPHIQL_ASSETS_PATH.length - 1) : '/index.html';
      serveGraphiQL(req, res, file, notFound);
      return;
    }
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
    serveUi(req, res, path, notFound);
  };
}
