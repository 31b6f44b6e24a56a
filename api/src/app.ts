import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { GraphQLError } from 'graphql';
import { createYoga, type Plugin, type YogaInitialContext } from 'graphql-yoga';
import type { Logger } from 'pino';
import sirv from 'sirv';
import { WebSocketServer } from 'ws';
import { Authenticator } from './access/authenticator.js';
import { accessOf, ANONYMOUS, CredentialError, type Principal } from './access/principal.js';
import { useRequireCredentials } from './access/require-credentials.js';
import { systemClock, type Clock } from './clock.js';
import { CommandDispatch, type CommandEvents } from './commands/command-dispatch.js';
import type { ApiContext, ApiServices } from './context.js';
import { DeviceRegistry, type DeviceEvents } from './devices/device-registry.js';
import { LampCredentials, resolveDeviceSecret, type DeviceSecret } from './devices/lamp-credentials.js';
import { DisplayControl, type DisplayEvents } from './display/display-control.js';
import { PubSub, SubscriberBehind } from './events/pubsub.js';
import { serveGraphqlWs, type LinkServerContext } from './http/graphql-ws-link.js';
import { requestOrigin, sessionCookie, sameOrigin } from './http/request-origin.js';
import { inProcessServerContext } from './http/in-process-request.js';
import { refuseOversizedBody } from './http/request-limits.js';
import { queryLimitPlugins, useCsrfPrevention } from './http/request-guards.js';
import { useSubscriptionLifetime } from './http/subscription-lifetime.js';
import { LampCloseCode } from '@cloud-cloud/protocol/close-codes';
import { GRAPHQL_PATH } from '@cloud-cloud/contract/http';
import { buildSchema } from './schema/index.js';
import { ApiErrorCode, subscriberTooSlow, unauthenticated } from './schema/errors.js';
import { CredentialStore } from './store/credential-store.js';
import type { SqliteDatabase } from './store/database.js';
import { LampStore } from './store/lamp-store.js';
import { SqliteStateStore } from './store/sqlite-state-store.js';
import { WeatherService, type WeatherEvents } from './weather/weather-service.js';
import type { WeatherSettings } from './weather/weather-settings.js';
import { DEFAULT_MAX_FIRMWARE_BYTES, FirmwareLibrary } from './firmware/firmware-library.js';
import { FirmwareUpdates, type FirmwareEvents, type FirmwareLimits } from './firmware/firmware-updates.js';
import { LEGACY_FIRMWARE_PATH, sendFirmwareImage, serveFirmwareUpdate, UPDATE_PATH } from './firmware/update-endpoint.js';
import { FirmwareStore } from './store/firmware-store.js';
import { FIRMWARE_DOWNLOAD_PATH } from './schema/firmware.js';

export { GRAPHQL_PATH };

export interface ApiOptions {
  /** Bind address. */
  host: string;
  /** HTTP port; 0 picks a free one. */
  port: number;
  /** The open, migrated database (see `openDatabase`). */
  database: SqliteDatabase;
  /** Where firmware images are kept (by content hash). */
  firmwareDirectory: string;
  /** Largest firmware image accepted. Default 4 MiB. */
  maxFirmwareBytes?: number;
  /** Limits on the lamps' update endpoint (checks per address, credential attempts, records kept). */
  firmwareLimits?: Partial<FirmwareLimits>;
  logger: Logger;
  /** The bearer token device adapters authenticate with. */
  adapterToken: string;
  /** The shared lamp secret (CC_DEVICE_SECRET); stored or generated when omitted. */
  deviceSecret?: string | undefined;
  /** Sets the admin password (CC_ADMIN_PASSWORD); generated on first start when omitted. */
  adminPassword?: string | undefined;
  /** Replace the admin password with a new generated one on start. */
  regenerateAdminPassword?: boolean;
  /** An extra admin API token (CC_API_TOKEN). */
  apiToken?: string | undefined;
  /** Believe X-Forwarded-For/-Proto/-Host from a reverse proxy. Default false. */
  trustProxy?: boolean;
  clock?: Clock;
  /** A built web UI to serve at `/`; none when omitted. */
  uiDirectory?: string;
  /** How long `sendCommand` waits for adapters to confirm delivery. Default 3000 ms. */
  commandConfirmTimeoutMs?: number;
  /** Largest request body accepted. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Events a subscriber may leave unread before its stream is ended. Default 1000. */
  maxSubscriberBacklog?: number;
  /** Weather settings from the environment; changes made through the API override them. */
  weather?: Partial<WeatherSettings>;
  /** Weather timing, for tests: first retry delay, display recompute period, fetch timeout. */
  weatherTiming?: { retryBaseMs?: number; recomputeEveryMs?: number; timeoutMs?: number };
}

export interface ApiStarted {
  port: number;
  /** Set when this start generated the admin password: show it once, it is stored hashed. */
  generatedAdminPassword: string | null;
}

export interface Api {
  services: ApiServices;
  /** The shared lamp secret in force, and where it came from. */
  readonly deviceSecret: DeviceSecret;
  start(): Promise<ApiStarted>;
  /** Closes every connection and stops listening. */
  stop(): Promise<void>;
  /** The bound port, once started. */
  readonly port: number;
  /** Events published and not yet read by their subscribers (slow readers hold these). */
  readonly subscriberBacklog: number;
  /** Answers a GraphQL request in-process, as the HTTP port would, without listening. */
  fetch(request: Request): Promise<Response>;
}

type Events = DisplayEvents & DeviceEvents & CommandEvents & WeatherEvents & FirmwareEvents;
type HttpServerContext = { req: IncomingMessage; res: ServerResponse };

export function buildApi(options: ApiOptions): Api {
  const clock = options.clock ?? systemClock;
  const logger = options.logger;
  const trustProxy = options.trustProxy ?? false;
  const pubsub = new PubSub<Events>(options.maxSubscriberBacklog);
  const store = new SqliteStateStore(options.database);
  const lamps = new LampStore(options.database);
  const deviceSecret = resolveDeviceSecret(store, options.deviceSecret);
  const display = new DisplayControl(store, pubsub, clock);
  const firmwareStore = new FirmwareStore(options.database);
  const firmwareLibrary = new FirmwareLibrary(firmwareStore, options.firmwareDirectory, clock, options.maxFirmwareBytes ?? DEFAULT_MAX_FIRMWARE_BYTES);
  const services: ApiServices = {
    display,
    devices: new DeviceRegistry(pubsub, lamps, clock),
    commands: new CommandDispatch(pubsub, clock, options.commandConfirmTimeoutMs),
    lampCredentials: new LampCredentials(deviceSecret, lamps, clock, store),
    lamps,
    authenticator: new Authenticator(new CredentialStore(options.database), store, {
      adapterToken: options.adapterToken,
      configuredAdminToken: options.apiToken,
      clock,
    }),
    weather: new WeatherService({
      store,
      display,
      pubsub,
      clock,
      logger,
      defaults: options.weather ?? {},
      ...options.weatherTiming,
    }),
    firmware: {
      store: firmwareStore,
      library: firmwareLibrary,
      updates: new FirmwareUpdates(firmwareStore, firmwareLibrary, pubsub, clock, options.firmwareLimits),
    },
    store,
    clock,
    logger,
  };
  services.lampCredentials.on('revoked', (lampId) => {
    const ids = services.devices.ofLamp(lampId).map((device) => device.id);
    services.commands.disconnect(ids, LampCloseCode.Revoked, 'secret revoked');
  });

  const responseCookies = new WeakMap<IncomingMessage, string[]>();
  const yoga = createYoga<HttpServerContext & Partial<LinkServerContext>, ApiContext>({
    schema: buildSchema(),
    graphqlEndpoint: GRAPHQL_PATH,
    landingPage: false,
    // Same-origin pages only; scripts and servers are not affected by CORS.
    cors: false,
    maskedErrors: { maskError: (error, message, isDev) => maskError(error, message, isDev ?? false, logger) },
    logging: {
      debug: (...args) => logger.debug(args.join(' ')),
      info: (...args) => logger.info(args.join(' ')),
      warn: (...args) => logger.warn(args.join(' ')),
      error: (...args) => logger.error(args.join(' ')),
    },
    graphiql: {
      title: 'cloud-cloud GraphiQL',
      subscriptionsProtocol: 'WS',
      defaultQuery: DEFAULT_GRAPHIQL_QUERY,
    },
    renderGraphiQL,
    plugins: [
      useCsrfPrevention(),
      ...queryLimitPlugins(),
      useRequireCredentials(),
      useSubscriptionLifetime(services.authenticator),
      useResponseCookies(responseCookies),
    ],
    context: (initial: YogaInitialContext & HttpServerContext & Partial<LinkServerContext>) => {
      const origin = requestOrigin(initial.req, trustProxy);
      if (initial.link) {
        const { principal } = initial.link;
        return context(principal, origin, null);
      }
      const cookies: string[] = [];
      responseCookies.set(initial.req, cookies);
      return context(principalOfRequest(initial.req), origin, cookies);
    },
  });

  function context(principal: Principal, origin: ApiContext['origin'], cookies: string[] | null): Omit<ApiContext, keyof YogaInitialContext> {
    return {
      services,
      transport: cookies ? 'http' : 'graphql-ws',
      principal,
      access: accessOf(principal),
      adapterId: principal.kind === 'authenticated' ? principal.adapterId : null,
      origin,
      responseCookies: cookies,
    };
  }

  function principalOfRequest(request: IncomingMessage): Principal {
    const authorization = request.headers.authorization;
    try {
      if (authorization) return services.authenticator.fromAuthorization(authorization);
    } catch (error) {
      if (error instanceof CredentialError) throw unauthenticated(error.message);
      throw error;
    }
    const cookie = sessionCookie(request);
    if (cookie && sameOrigin(request, trustProxy)) return services.authenticator.fromSessionToken(cookie) ?? ANONYMOUS;
    return ANONYMOUS;
  }

  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  // A firmware upload is a multipart body: the image plus a little GraphQL around it.
  const maxUploadBytes = services.firmware.library.maxBytes + 64 * 1024;
  const serveUi = options.uiDirectory ? sirv(options.uiDirectory, { single: true, etag: true }) : undefined;
  const updateLogger = logger.child({ component: 'firmware-updates' });
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://host').pathname;
    if (path === UPDATE_PATH || path === LEGACY_FIRMWARE_PATH) {
      const { remoteAddress } = requestOrigin(req, trustProxy);
      serveFirmwareUpdate(req, res, { ...services.firmware, remoteAddress, logger: updateLogger });
      return;
    }
    if (path.startsWith(FIRMWARE_DOWNLOAD_PATH)) {
      downloadFirmware(req, res, path.slice(FIRMWARE_DOWNLOAD_PATH.length));
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
  });

  /** Image downloads for people and programs: the same credentials as the API. */
  function downloadFirmware(req: IncomingMessage, res: ServerResponse, file: string): void {
    let principal: Principal;
    try {
      principal = principalOfRequest(req);
    } catch {
      principal = ANONYMOUS;
    }
    if (!accessOf(principal).observe) {
      res.writeHead(401, { 'content-type': 'text/plain' }).end('log in, or send an API token\n');
      return;
    }
    const image = services.firmware.store.image(file.replace(/\.bin$/, ''));
    if (!image) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no such firmware image\n');
      return;
    }
    void sendFirmwareImage(req, res, image, services.firmware.library, updateLogger);
  }

  // Upgrades are routed by hand: attached to the HTTP server, ws would re-emit its listen errors.
  const wsServer = new WebSocketServer({ noServer: true, maxPayload: maxBodyBytes });
  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://host').pathname !== GRAPHQL_PATH) {
      socket.destroy();
      return;
    }
    wsServer.handleUpgrade(req, socket, head, (ws) => wsServer.emit('connection', ws, req));
  });
  const wsLink = serveGraphqlWs({
    yoga: yoga as never,
    wsServer,
    authenticator: services.authenticator,
    devices: services.devices,
    trustProxy,
    logger,
  });

  let port = 0;
  return {
    services,
    get deviceSecret() {
      return services.lampCredentials.sharedSecret;
    },
    get port() {
      return port;
    },
    get subscriberBacklog() {
      return pubsub.backlog;
    },
    fetch: async (request) => yoga.fetch(request, inProcessServerContext(request)),
    start: async () => {
      const generatedAdminPassword = await services.authenticator.ensureAdminPassword(
        options.adminPassword,
        options.regenerateAdminPassword ?? false,
      );
      port = await new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, options.host, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      });
      services.weather.start();
      return { port, generatedAdminPassword };
    },
    stop: async () => {
      services.weather.stop();
      await wsLink.dispose();
      for (const client of wsServer.clients) client.terminate();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await yoga.dispose();
    },
  };
}

/** Adds the cookies a resolver set (login, logout) to the HTTP response. */
function useResponseCookies(cookies: WeakMap<IncomingMessage, string[]>): Plugin<object, HttpServerContext> {
  return {
    onResponse({ serverContext, response }) {
      const req = (serverContext as Partial<HttpServerContext> | undefined)?.req;
      for (const cookie of (req && cookies.get(req)) ?? []) response.headers.append('set-cookie', cookie);
    },
  };
}

/**
 * Errors a client can act on (GraphQL errors: validation, not allowed, bad input) pass
 * unchanged. Anything else is a fault of ours: logged in full, answered with a generic
 * message and `INTERNAL_SERVER_ERROR`; the detail is added only in development.
 */
function maskError(error: unknown, message: string, isDev: boolean, logger: Logger): Error {
  const original = error instanceof GraphQLError ? error.originalError : error;
  if (error instanceof GraphQLError && (!original || original instanceof GraphQLError)) return error;
  if (original instanceof SubscriberBehind) return subscriberTooSlow(original.backlog);
  logger.error({ err: original }, 'internal error');
  return new GraphQLError(message, {
    ...(error instanceof GraphQLError ? { nodes: error.nodes, path: error.path } : {}),
    extensions: {
      code: ApiErrorCode.InternalServerError,
      ...(isDev && original instanceof Error ? { detail: original.message } : {}),
    },
  });
}

const DEFAULT_GRAPHIQL_QUERY = /* GraphQL */ `# Welcome to cloud-cloud. Run an operation with the ▶ button.
# Not logged in yet? Run Login first (the password was printed on first start).

mutation Login {
  login(password: "…") { expiresAt }
}

query Now {
  displayState { mode color { r g b hex } pulse weather { state intensity } frame updatedAt }
  devices { id name remoteAddress connectedAt lastSeenAt }
}

mutation Pink {
  setColor(color: { hex: "#ff41ae" }) { frame }
}

subscription Watch {
  displayState { mode frame updatedAt }
}
`;
