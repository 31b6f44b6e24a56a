import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** The admin API token test systems accept (as CC_API_TOKEN would set it). */
export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const AS_ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}` };

export interface GraphqlResponse<T = Record<string, any>> {
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, any>; path?: string[] }[];
}

/** A GraphQL request over plain HTTP, as curl or a script would send it; as admin unless `headers` say otherwise. */
export async function graphql<T = Record<string, any>>(
  httpPort: number,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = AS_ADMIN,
): Promise<GraphqlResponse<T>> {
  return (await graphqlResponse(httpPort, query, variables, headers)).body as GraphqlResponse<T>;
}

/** The whole HTTP answer, for tests that look at status and headers. */
export async function graphqlResponse(
  httpPort: number,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = AS_ADMIN,
): Promise<{ status: number; headers: Headers; body: GraphqlResponse }> {
  const response = await fetch(`http://127.0.0.1:${httpPort}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GraphqlResponse };
}

/** Like `graphql`, but fails the test on any GraphQL error. */
export async function graphqlData<T = Record<string, any>>(
  httpPort: number,
  query: string,
  variables?: Record<string, unknown>,
): Promise<T> {
  const result = await graphql<T>(httpPort, query, variables);
  if (result.errors?.length || !result.data) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  return result.data;
}

/** A graphql-ws client; as admin unless other `connectionParams` are given. */
export function wsClient(httpPort: number, connectionParams: Record<string, unknown> = AS_ADMIN): Client {
  return createClient({
    url: `ws://127.0.0.1:${httpPort}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams,
  });
}

/** A live subscription whose events a test takes one by one. */
export interface Subscription<T> {
  next(timeoutMs?: number): Promise<T>;
  stop(): void;
  readonly error: Promise<unknown>;
}

export function subscribe<T = Record<string, any>>(client: Client, query: string, variables?: Record<string, unknown>): Subscription<T> {
  const queue: T[] = [];
  let wake: (() => void) | undefined;
  let fail: (error: unknown) => void = () => {};
  const error = new Promise<unknown>((resolve) => {
    fail = resolve;
  });
  const stop = client.subscribe<T>(
    { query, ...(variables ? { variables } : {}) },
    {
      next: (result) => {
        if (result.errors) fail(result.errors);
        if (result.data) queue.push(result.data);
        wake?.();
      },
      error: (e) => {
        fail(e);
        wake?.();
      },
      complete: () => {},
    },
  );
  return {
    error,
    stop,
    async next(timeoutMs = 3000) {
      const deadline = Date.now() + timeoutMs;
      while (queue.length === 0) {
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw new Error(`no subscription event within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, remaining);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      return queue.shift()!;
    },
  };
}
