import type { Logger } from 'pino';
import type { Access, Principal } from './access/principal.js';
import type { RequestLoaders } from './schema/request-loaders.js';
import type { ApiServices } from './services.js';

/** Where a request came from, as far as the API can tell (see `trustProxy`). */
export interface RequestOrigin {
  remoteAddress: string;
  /** Reached over HTTPS (through a trusted proxy): cookies get `Secure`. */
  secure: boolean;
}

/**
 * What a resolver is given: the domain services (each resolver calls one operation on one of
 * them), who is calling, and this request's batched loads.
 */
export interface ApiContext extends ApiServices {
  /** What carries the operation: HTTP (including server-sent events) or a graphql-ws connection. */
  transport: 'http' | 'graphql-ws';
  principal: Principal;
  access: Access;
  /** Set when the operation came over an adapter's graphql-ws link. */
  adapterId: string | null;
  origin: RequestOrigin;
  /** `Set-Cookie` values for the HTTP response; null over graphql-ws, where none can be set. */
  responseCookies: string[] | null;
  /** Loads that list fields share, so that a list of N items costs one query rather than N. */
  loaders: RequestLoaders;
  logger: Logger;
  /**
   * Set for subscriptions: aborts when the stream must end (credentials revoked, client gone).
   * Subscription resolvers pass it to the event source so that it stops listening at once.
   */
  signal?: AbortSignal;
}
