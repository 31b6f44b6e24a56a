import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import { createYoga, type Plugin, type YogaInitialContext, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import { accessOf, type Principal } from '../access/principal.js';
import { useRequireCredentials } from '../access/require-credentials.js';
import type { ApiContext, RequestOrigin } from '../context.js';
import { RequestLoaders } from '../schema/request-loaders.js';
import type { ApiServices } from '../services.js';
import { maskError } from './error-masking.js';
import { queryLimitPlugins, useCsrfPrevention } from './request-guards.js';
import { requestOrigin } from './request-origin.js';
import { principalOfRequest } from './request-principal.js';
import { useSubscriptionLifetime } from './subscription-lifetime.js';
import { GRAPHQL_PATH } from '@cloud-cloud/contract/http';

export { GRAPHQL_PATH };

/**
 * What yoga is handed with each operation: the HTTP request (and response), or for an
 * operation over graphql-ws its upgrade request and the principal its connection authenticated.
 */
export interface ApiServerContext {
  req: IncomingMessage;
  res?: ServerResponse;
  link?: { principal: Principal };
}

export type ApiYoga = YogaServerInstance<ApiServerContext, ApiContext>;

interface YogaOptions {
  schema: GraphQLSchema;
  services: ApiServices;
  logger: Logger;
  trustProxy: boolean;
}

/**
 * The GraphQL server for HTTP and graphql-ws alike: the request guards, error masking, and
 * the context each resolver gets (who is calling, the domain services, this request's loaders).
 */
export function buildYoga({ schema, services, logger, trustProxy }: YogaOptions): ApiYoga {
  const responseCookies = new WeakMap<IncomingMessage, string[]>();

  function context(principal: Principal, origin: RequestOrigin, cookies: string[] | null): Omit<ApiContext, keyof YogaInitialContext> {
    return {
      ...services,
      transport: cookies ? 'http' : 'graphql-ws',
      principal,
      access: accessOf(principal),
      adapterId: principal.kind === 'authenticated' ? principal.adapterId : null,
      origin,
      responseCookies: cookies,
      loaders: new RequestLoaders(services),
      logger,
    };
  }

  return createYoga<ApiServerContext, ApiContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    landingPage: false,
    // Same-origin pages only; scripts and servers are not affected by CORS.
    cors: false,
    // The body's size is checked before yoga sees the request (routes.ts: a declared length
    // within the limit, which Node's parser holds the body to), so yoga need not stream every
    // body through a byte-counting transform again.
    maxRequestBodySize: false,
    maskedErrors: { maskError: (error, message, isDev) => maskError(error, message, logger, isDev ?? false) },
    logging: {
      debug: (...args) => logger.debug(args.join(' ')),
      info: (...args) => logger.info(args.join(' ')),
      warn: (...args) => logger.warn(args.join(' ')),
      error: (...args) => logger.error(args.join(' ')),
    },
    // GraphiQL's page and files are built ahead and served by the router (routes.ts).
    graphiql: false,
    plugins: [
      useCsrfPrevention(),
      ...queryLimitPlugins(),
      useRequireCredentials(),
      useSubscriptionLifetime(services.authenticator),
      useResponseCookies(responseCookies),
    ],
    context: (initial) => {
      const origin = requestOrigin(initial.req, trustProxy);
      if (initial.link) return context(initial.link.principal, origin, null);
      const cookies: string[] = [];
      responseCookies.set(initial.req, cookies);
      return context(principalOfRequest(initial.req, services.authenticator, trustProxy), origin, cookies);
    },
  });
}

/** Adds the cookies a resolver set (login, logout) to the HTTP response. */
function useResponseCookies(cookies: WeakMap<IncomingMessage, string[]>): Plugin<object, Partial<ApiServerContext>> {
  return {
    onResponse({ serverContext, response }) {
      const req = serverContext?.req;
      for (const cookie of (req && cookies.get(req)) ?? []) response.headers.append('set-cookie', cookie);
    },
  };
}
