/** Where the API answers GraphQL: HTTP, server-sent events and graphql-ws alike. */
export const GRAPHQL_PATH = '/graphql';

/**
 * Browsers must send this header (any value) on requests that skip the CORS preflight, such as
 * multipart uploads; another site's page cannot add it without a preflight the API refuses.
 */
export const CSRF_HEADER = 'x-graphql-yoga-csrf';

/**
 * Where adapters (and only adapters) reach the adapter schema: admitting lamps, reports, room
 * frames and their command stream. HTTP and graphql-ws alike.
 */
export const ADAPTER_GRAPHQL_PATH = '/adapter/graphql';
