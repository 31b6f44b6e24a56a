import { ADAPTER_GRAPHQL_PATH } from '@cloud-cloud/contract/http';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { GraphqlResponse } from './graphql.js';
import { ADAPTER_TOKEN } from './system.js';

export const AS_ADAPTER = { authorization: `Bearer ${ADAPTER_TOKEN}` };

/** A request to the adapter endpoint over plain HTTP, as the adapter token unless `headers` say otherwise. */
export async function adapterRequest(
  httpPort: number,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = AS_ADAPTER,
): Promise<{ status: number; body: GraphqlResponse }> {
  const response = await fetch(`http://127.0.0.1:${httpPort}${ADAPTER_GRAPHQL_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as GraphqlResponse };
}

/** A graphql-ws client of the adapter endpoint; as an adapter named `adapterId` unless other params are given. */
export function adapterClient(
  httpPort: number,
  connectionParams: Record<string, unknown> = { ...AS_ADAPTER, adapterId: 'test-adapter' },
): Client {
  return createClient({
    url: `ws://127.0.0.1:${httpPort}${ADAPTER_GRAPHQL_PATH}`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams,
  });
}

/** One operation over a graphql-ws client, with its errors; rejects with the close event if the link is refused. */
export function execute(client: Client, query: string, variables?: Record<string, unknown>): Promise<GraphqlResponse> {
  return new Promise((resolve, reject) => {
    let result: GraphqlResponse = {};
    client.subscribe(
      { query, ...(variables ? { variables } : {}) },
      {
        next: (value) => {
          result = value as GraphqlResponse;
        },
        error: reject,
        complete: () => resolve(result),
      },
    );
  });
}
