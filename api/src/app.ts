import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { ADAPTER_GRAPHQL_PATH, serveAdapterEndpoint, type AdapterEndpoint } from './adapter-schema/adapter-endpoint.js';
import type { DeviceSecret } from './lamps/lamp-credentials.js';
import { serveGraphqlWs } from './http/graphql-ws-link.js';
import { routeRequests } from './http/routes.js';
import { inProcessServerContext } from './http/in-process-request.js';
import { buildYoga, GRAPHQL_PATH } from './http/yoga.js';
import { buildSchema } from './schema/index.js';
import { buildServices, type ApiServices, type ServiceOptions } from './services.js';

export { GRAPHQL_PATH };

export interface ApiOptions extends ServiceOptions {
  /** Bind address. */
  host: string;
  /** HTTP port; 0 picks a free one. */
  port: number;
  /** Sets the admin password (CC_ADMIN_PASSWORD); generated on first start when omitted. */
  adminPassword?: string | undefined;
  /** Replace the admin password with a new generated one on start. */
  regenerateAdminPassword?: boolean;
  /** Believe X-Forwarded-For/-Proto/-Host from a reverse proxy. Default false. */
  trustProxy?: boolean;
  /** A built web UI to serve at `/`; none when omitted. */
  uiDirectory?: string;
  /** GraphiQL's built page and files (dist/graphiql), served at /graphql; none when omitted. */
  graphiqlDirectory?: string;
  /** Largest request body accepted. Default 1 MiB. */
  maxBodyBytes?: number;
  /** How often online lamps' last-seen times are stored. Default 60 s. */
  onlineTimesEveryMs?: number;
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
  /**
   * A WebSocket class (graphql-ws's `webSocketImpl`) whose instances link to the adapter
   * endpoint within this process: what an adapter sharing the process follows the API through.
   */
  readonly adapterLinks: AdapterEndpoint['inProcessLinks'];
}

/** How often sessions past their time are ended, with what they opened. */
const SESSION_EXPIRY_CHECK_MS = 60_000;

/** The API process: the domain services behind HTTP (GraphQL, update endpoint, web UI) and graphql-ws. */
export function buildApi(options: ApiOptions): Api {
  const { logger } = options;
  const trustProxy = options.trustProxy ?? false;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const { services, pubsub } = buildServices(options);
  const schema = buildSchema();
  const yoga = buildYoga({ schema, services, logger, trustProxy });
  const routes = routeRequests({
    services,
    yoga,
    logger,
    trustProxy,
    maxBodyBytes,
    uiDirectory: options.uiDirectory,
    graphiqlDirectory: options.graphiqlDirectory,
  });
  const adapterEndpoint = serveAdapterEndpoint({ services, logger, trustProxy, maxBodyBytes });
  const server = createServer((req, res) => {
    if (new URL(req.url ?? '/', 'http://host').pathname === ADAPTER_GRAPHQL_PATH) adapterEndpoint.request(req, res);
    else routes(req, res);
  });

  // Upgrades are routed by hand: attached to the HTTP server, ws would re-emit its listen errors.
  const wsServer = new WebSocketServer({ noServer: true, maxPayload: maxBodyBytes });
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://host').pathname;
    if (path === ADAPTER_GRAPHQL_PATH) {
      adapterEndpoint.upgrade(req, socket, head);
      return;
    }
    if (path !== GRAPHQL_PATH) {
      socket.destroy();
      return;
    }
    wsServer.handleUpgrade(req, socket, head, (ws) => wsServer.emit('connection', ws, req));
  });
  const wsLink = serveGraphqlWs({
    yoga,
    schema,
    wsServer,
    authenticator: services.authenticator,
    trustProxy,
  });

  // A failed write (a full disk, say) is logged and tried again next time; it never stops the API.
  const storeOnlineTimes = () => {
    try {
      services.lampConnections.storeOnlineTimes();
    } catch (error) {
      logger.error({ err: error }, "could not store the lamps' last-seen times");
    }
  };

  let port = 0;
  let sessionExpiry: NodeJS.Timeout | undefined;
  let onlineTimes: NodeJS.Timeout | undefined;
  return {
    services,
    get deviceSecret() {
      return services.lamps.sharedSecret;
    },
    get port() {
      return port;
    },
    get subscriberBacklog() {
      return pubsub.backlog;
    },
    fetch: async (request) => yoga.fetch(request, inProcessServerContext(request)),
    adapterLinks: adapterEndpoint.inProcessLinks,
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
      services.fades.start();
      await services.schedules.start();
      services.mqtt.start();
      sessionExpiry = setInterval(() => services.authenticator.expireSessions(), SESSION_EXPIRY_CHECK_MS);
      sessionExpiry.unref();
      onlineTimes = setInterval(storeOnlineTimes, options.onlineTimesEveryMs ?? 60_000);
      onlineTimes.unref();
      // What opening wrote (migrations, a generated password) is on disk before anyone is told it started.
      await services.durability.synced();
      return { port, generatedAdminPassword };
    },
    stop: async () => {
      services.weather.stop();
      services.fades.stop();
      services.schedules.stop();
      await services.mqtt.stop();
      clearInterval(sessionExpiry);
      clearInterval(onlineTimes);
      await wsLink.dispose();
      await adapterEndpoint.dispose();
      for (const client of wsServer.clients) client.terminate();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await yoga.dispose();
      // A failure is logged where it happens; stopping goes on.
      await services.durability.synced().catch(() => {});
      await services.durability.dispose();
    },
  };
}
