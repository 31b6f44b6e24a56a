import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { ADAPTER_GRAPHQL_PATH } from '@cloud-cloud/contract/http';
import { GraphQLError } from 'graphql';
import { createYoga, type YogaInitialContext } from 'graphql-yoga';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import { accessOf, type Principal } from '../access/principal.js';
import type { ApiContext } from '../context.js';
import { maskError } from '../http/error-masking.js';
import { serveGraphqlWs, type GraphqlWsLinks } from '../http/graphql-ws-link.js';
import { refuseOversizedBody } from '../http/request-limits.js';
import { queryLimitPlugins } from '../http/request-guards.js';
import { requestOrigin } from '../http/request-origin.js';
import { principalOfRequest } from '../http/request-principal.js';
import { useSubscriptionLifetime } from '../http/subscription-lifetime.js';
import type { ApiServerContext, ApiYoga } from '../http/yoga.js';
import { ApiErrorCode } from '../schema/errors.js';
import { RequestLoaders } from '../schema/request-loaders.js';
import type { ApiServices } from '../services.js';
import { adapterLinkPolicy, NOT_AN_ADAPTER } from './adapter-link-policy.js';
import { buildAdapterSchema } from './index.js';

export { ADAPTER_GRAPHQL_PATH };

interface EndpointOptions {
  services: ApiServices;
  logger: Logger;
  trustProxy: boolean;
  /** Largest request body (and graphql-ws message) accepted. */
  maxBodyBytes: number;
}

export interface AdapterEndpoint {
  /** Answers an HTTP request (POST, GET or server-sent events) to the adapter endpoint. */
  request(req: IncomingMessage, res: ServerResponse): void;
  /** Takes a WebSocket upgrade to the adapter endpoint (graphql-ws). */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** graphql-ws links to this endpoint from within the process, under the same rules. */
  readonly inProcessLinks: GraphqlWsLinks['inMemory'];
  /** Closes every adapter link. */
  dispose(): Promise<void>;
}

/**
 * The adapter schema at its own endpoint, over HTTP and graphql-ws, with the limits and
 * subscription lifetimes the public endpoint has. Only ADAPTER credentials get in: anything
 * else is refused before an operation is read (401 without credentials, 403 with others; 4403
 * over graphql-ws), so neither the operations nor the schema's shape are shown to anyone else.
 */
export function serveAdapterEndpoint({ services, logger, trustProxy, maxBodyBytes }: EndpointOptions): AdapterEndpoint {
  const schema = buildAdapterSchema();
  const endpointLogger = logger.child({ component: 'adapter-endpoint' });
  const yoga: ApiYoga = createYoga<ApiServerContext, ApiContext>({
    schema,
    graphqlEndpoint: ADAPTER_GRAPHQL_PATH,
    landingPage: false,
    graphiql: false,
    cors: false,
    // Checked before yoga sees the request (`request` below), as on the public endpoint.
    maxRequestBodySize: false,
    maskedErrors: { maskError: (error, message, isDev) => maskError(error, message, endpointLogger, isDev ?? false) },
    logging: {
      debug: (...args) => endpointLogger.debug(args.join(' ')),
      info: (...args) => endpointLogger.info(args.join(' ')),
      warn: (...args) => endpointLogger.warn(args.join(' ')),
      error: (...args) => endpointLogger.error(args.join(' ')),
    },
    plugins: [...queryLimitPlugins(), useSubscriptionLifetime(services.authenticator)],
    context: (initial): Omit<ApiContext, keyof YogaInitialContext> => {
      const principal = initial.link?.principal ?? principalOfRequest(initial.req, services.authenticator, trustProxy);
      return {
        ...services,
        transport: initial.link ? 'graphql-ws' : 'http',
        principal,
        access: accessOf(principal),
        adapterId: principal.kind === 'authenticated' ? principal.adapterId : null,
        origin: requestOrigin(initial.req, trustProxy),
        responseCookies: initial.link ? null : [],
        loaders: new RequestLoaders(services),
        logger,
      };
    },
  });

  const wsServer = new WebSocketServer({ noServer: true, maxPayload: maxBodyBytes });
  const link = serveGraphqlWs({
    yoga,
    schema,
    wsServer,
    authenticator: services.authenticator,
    trustProxy,
    policy: adapterLinkPolicy(services.lampConnections, endpointLogger),
  });

  return {
    request: (req, res) => {
      if (refuseOversizedBody(req, res, maxBodyBytes)) return;
      let principal: Principal;
      try {
        principal = principalOfRequest(req, services.authenticator, trustProxy);
      } catch (error) {
        if (error instanceof GraphQLError) return refuse(res, 401, ApiErrorCode.Unauthenticated, error.message);
        throw error;
      }
      if (principal.kind === 'anonymous') {
        return refuse(res, 401, ApiErrorCode.Unauthenticated, 'send an ADAPTER token as "Authorization: Bearer <token>"');
      }
      if (principal.role !== 'ADAPTER') return refuse(res, 403, ApiErrorCode.Forbidden, NOT_AN_ADAPTER);
      void yoga(req, res);
    },
    upgrade: (req, socket, head) => {
      wsServer.handleUpgrade(req, socket, head, (ws) => wsServer.emit('connection', ws, req));
    },
    inProcessLinks: link.inMemory,
    dispose: async () => {
      await link.dispose();
      for (const client of wsServer.clients) client.terminate();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
      await yoga.dispose();
    },
  };
}

function refuse(response: ServerResponse, status: number, code: string, message: string): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}
