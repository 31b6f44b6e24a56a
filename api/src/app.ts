import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { createYoga, type YogaInitialContext } from 'graphql-yoga';
import type { Logger } from 'pino';
import sirv from 'sirv';
import { WebSocketServer } from 'ws';
import { accessOf, authenticate, CredentialError, type Principal } from './access/principal.js';
import { systemClock, type Clock } from './clock.js';
import { CommandDispatch, type CommandEvents } from './commands/command-dispatch.js';
import type { ApiContext, ApiServices } from './context.js';
import { DeviceRegistry, type DeviceEvents } from './devices/device-registry.js';
import { LampCredentials } from './devices/lamp-credentials.js';
import { DisplayControl, type DisplayEvents } from './display/display-control.js';
import { PubSub } from './events/pubsub.js';
import { serveGraphqlWs, type LinkServerContext } from './http/graphql-ws-link.js';
import { buildSchema } from './schema/index.js';
import { unauthenticated } from './schema/errors.js';
import type { StateStore } from './store/state-store.js';

export const GRAPHQL_PATH = '/graphql';

export interface ApiOptions {
  /** Bind address. */
  host: string;
  /** HTTP port; 0 picks a free one. */
  port: number;
  store: StateStore;
  /** The shared secret lamps send in their handshake. */
  deviceSecret: string;
  /** The bearer token device adapters authenticate with. */
  adapterToken: string;
  logger: Logger;
  clock?: Clock;
  /** A built web UI to serve at `/`; none when omitted. */
  uiDirectory?: string;
  /** How long `sendCommand` waits for adapters to confirm delivery. Default 3000 ms. */
  commandConfirmTimeoutMs?: number;
}

export interface Api {
  services: ApiServices;
  /** Listens; resolves with the actual port. */
  start(): Promise<number>;
  /** Closes every connection and stops listening. */
  stop(): Promise<void>;
  /** The bound port, once started. */
  readonly port: number;
}

type Events = DisplayEvents & DeviceEvents & CommandEvents;
type HttpServerContext = { req: IncomingMessage; res: ServerResponse };

export function buildApi(options: ApiOptions): Api {
  const clock = options.clock ?? systemClock;
  const logger = options.logger;
  const pubsub = new PubSub<Events>();
  const services: ApiServices = {
    display: new DisplayControl(options.store, pubsub, clock),
    devices: new DeviceRegistry(pubsub, clock),
    commands: new CommandDispatch(pubsub, clock, options.commandConfirmTimeoutMs),
    lampCredentials: new LampCredentials(options.deviceSecret),
    store: options.store,
    clock,
    logger,
  };

  const yoga = createYoga<HttpServerContext & Partial<LinkServerContext>, ApiContext>({
    schema: buildSchema(),
    graphqlEndpoint: GRAPHQL_PATH,
    landingPage: false,
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
    context: (initial: YogaInitialContext & Partial<LinkServerContext>): Omit<ApiContext, keyof YogaInitialContext> => {
      const principal = initial.link?.principal ?? principalOfRequest(initial.request, options.adapterToken);
      return {
        services,
        principal,
        access: accessOf(principal),
        adapterId: initial.link?.adapterId ?? null,
      };
    },
  });

  const serveUi = options.uiDirectory ? sirv(options.uiDirectory, { single: true, etag: true }) : undefined;
  const server = createServer((req, res) => {
    if (req.url?.startsWith(GRAPHQL_PATH) || !serveUi) {
      void yoga(req, res);
      return;
    }
    serveUi(req, res, () => {
      res.statusCode = 404;
      res.end('not found');
    });
  });

  const wsServer = new WebSocketServer({ server, path: GRAPHQL_PATH, maxPayload: 1024 * 1024 });
  const wsLink = serveGraphqlWs({
    yoga: yoga as never,
    wsServer,
    adapterToken: options.adapterToken,
    devices: services.devices,
    logger,
  });

  let port = 0;
  return {
    services,
    get port() {
      return port;
    },
    start: () =>
      new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, options.host, () => {
          server.off('error', reject);
          port = (server.address() as AddressInfo).port;
          resolve(port);
        });
      }),
    stop: async () => {
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

function principalOfRequest(request: Request, adapterToken: string): Principal {
  try {
    return authenticate({ authorization: request.headers.get('authorization') ?? undefined }, adapterToken);
  } catch (error) {
    if (error instanceof CredentialError) throw unauthenticated(error.message);
    throw error;
  }
}

const DEFAULT_GRAPHIQL_QUERY = /* GraphQL */ `# Welcome to cloud-cloud. Run an operation with the ▶ button.

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
