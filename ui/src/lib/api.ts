import { Client, fetchExchange, subscriptionExchange, type AnyVariables, type OperationResult } from '@urql/core';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';

export type LinkStatus = 'connecting' | 'online' | 'offline';

export interface ApiCallbacks {
  onStatus(status: LinkStatus): void;
  /** The server refused the session (expired, logged out elsewhere): back to the login. */
  onSignedOut(): void;
}

export interface Api {
  client: Client;
  /** Runs a query or mutation; a GraphQL error becomes an Error with the server's message. */
  request<T>(query: string, variables?: AnyVariables): Promise<T>;
  /** Follows a subscription; returns the function that stops it. */
  follow<T>(query: string, onData: (data: T) => void): () => void;
  dispose(): void;
}

const FORBIDDEN = 4403;

/**
 * urql for queries and mutations over HTTP (the session cookie rides along), and a graphql-ws
 * connection for subscriptions that reconnects by itself. Every subscription starts with the
 * current state, so after a reconnect the page shows the truth again without a reload.
 */
export function createApi(callbacks: ApiCallbacks): Api {
  const wsUrl = new URL('/graphql', location.href);
  wsUrl.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  let signedOut = false;
  const ws: WsClient = createWsClient({
    url: wsUrl.toString(),
    lazy: false,
    keepAlive: 10_000,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: (event) => !isForbidden(event),
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 300 * 2 ** retries))),
    onNonLazyError: () => {},
    on: {
      connecting: () => callbacks.onStatus('connecting'),
      connected: () => callbacks.onStatus('online'),
      closed: (event) => {
        if (isForbidden(event)) {
          if (!signedOut) {
            signedOut = true;
            callbacks.onSignedOut();
          }
          return;
        }
        callbacks.onStatus('offline');
      },
    },
  });

  const client = new Client({
    url: '/graphql',
    // POST for everything: the server refuses GETs without a CSRF header.
    preferGetMethod: false,
    fetchOptions: { credentials: 'same-origin' },
    requestPolicy: 'network-only',
    exchanges: [
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({ unsubscribe: ws.subscribe({ ...request, query: request.query ?? '' }, sink) }),
        }),
      }),
    ],
  });

  return {
    client,
    async request<T>(query: string, variables: AnyVariables = {}) {
      const result = await client.query(query, variables).toPromise();
      return unwrap<T>(result, callbacks);
    },
    follow<T>(query: string, onData: (data: T) => void) {
      const { unsubscribe } = client.subscription(query, {}).subscribe((result) => {
        if (result.data) onData(result.data as T);
      });
      return unsubscribe;
    },
    dispose() {
      signedOut = true;
      void ws.dispose();
    },
  };
}

function unwrap<T>(result: OperationResult, callbacks: ApiCallbacks): T {
  const error = result.error;
  if (error) {
    if (error.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) callbacks.onSignedOut();
    throw new Error(error.graphQLErrors[0]?.message ?? error.networkError?.message ?? error.message);
  }
  return result.data as T;
}

function isForbidden(event: unknown): boolean {
  return typeof event === 'object' && event !== null && (event as { code?: number }).code === FORBIDDEN;
}

/**
 * A GraphQL multipart upload (one file in `variables.file`). Browsers do not preflight
 * multipart posts, so the server wants its CSRF header on them.
 */
export async function uploadFile<T>(query: string, file: File, variables: Record<string, unknown>): Promise<T> {
  const form = new FormData();
  form.set('operations', JSON.stringify({ query, variables: { ...variables, file: null } }));
  form.set('map', JSON.stringify({ 0: ['variables.file'] }));
  form.set('0', file, file.name);
  const response = await fetch('/graphql', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'x-graphql-yoga-csrf': '1' },
    body: form,
  });
  const result = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (result.errors?.length || !result.data) throw new Error(result.errors?.[0]?.message ?? `upload failed (${response.status})`);
  return result.data;
}

/** The session check and login run before the API above exists: plain fetch. */
export async function postGraphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<{ data?: T; errors?: { message: string; extensions?: { code?: string } }[] }> {
  const response = await fetch('/graphql', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
}
