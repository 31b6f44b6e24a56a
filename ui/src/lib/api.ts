import {
  Client,
  fetchExchange,
  stringifyDocument,
  subscriptionExchange,
  type AnyVariables,
  type OperationResult,
  type TypedDocumentNode,
} from '@urql/core';
import { CloseCode, createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { ApiErrorCode } from '@cloud-cloud/contract/api-errors';
import { CSRF_HEADER, GRAPHQL_PATH } from '@cloud-cloud/contract/http';

export type LinkStatus = 'connecting' | 'online' | 'offline';

export interface ApiCallbacks {
  onStatus(status: LinkStatus): void;
  /** The server refused the session (expired, logged out elsewhere): back to the login. */
  onSignedOut(): void;
}

export interface Api {
  client: Client;
  /** Runs a query or mutation; a GraphQL error becomes an Error with the server's message. */
  request<Data, Variables extends AnyVariables>(
    document: TypedDocumentNode<Data, Variables>,
    ...variables: VariablesArgument<Variables>
  ): Promise<Data>;
  /** Follows a subscription; returns the function that stops it. */
  follow<Data, Variables extends AnyVariables>(
    document: TypedDocumentNode<Data, Variables>,
    onData: (data: Data) => void,
    ...variables: VariablesArgument<Variables>
  ): () => void;
  dispose(): void;
}

/** Variables are optional exactly when the operation declares none that are required. */
type VariablesArgument<Variables> = Record<string, never> extends Variables ? [variables?: Variables] : [variables: Variables];

/**
 * urql for queries and mutations over HTTP (the session cookie rides along), and a graphql-ws
 * connection for subscriptions that reconnects by itself. Every subscription starts with the
 * current state, so after a reconnect the page shows the truth again without a reload.
 */
export function createApi(callbacks: ApiCallbacks): Api {
  const wsUrl = new URL(GRAPHQL_PATH, location.href);
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
    url: GRAPHQL_PATH,
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
    async request<Data, Variables extends AnyVariables>(
      document: TypedDocumentNode<Data, Variables>,
      ...[variables]: VariablesArgument<Variables>
    ) {
      const result = await client.query(document, (variables ?? {}) as Variables).toPromise();
      return unwrap(result, callbacks);
    },
    follow<Data, Variables extends AnyVariables>(
      document: TypedDocumentNode<Data, Variables>,
      onData: (data: Data) => void,
      ...[variables]: VariablesArgument<Variables>
    ) {
      const subscription = client.subscription(document, (variables ?? {}) as Variables).subscribe((result) => {
        if (result.data) onData(result.data);
      });
      return () => subscription.unsubscribe();
    },
    dispose() {
      signedOut = true;
      void ws.dispose();
    },
  };
}

function unwrap<Data, Variables extends AnyVariables>(result: OperationResult<Data, Variables>, callbacks: ApiCallbacks): Data {
  const error = result.error;
  if (error) {
    if (error.graphQLErrors.some((e) => e.extensions?.code === ApiErrorCode.Unauthenticated)) callbacks.onSignedOut();
    throw new Error(error.graphQLErrors[0]?.message ?? error.networkError?.message ?? error.message);
  }
  if (result.data === undefined) throw new Error('the server sent no data');
  return result.data;
}

/** The API closes a graphql-ws connection whose session or token is no longer valid with Forbidden. */
function isForbidden(event: unknown): boolean {
  return typeof event === 'object' && event !== null && (event as { code?: number }).code === CloseCode.Forbidden;
}

/**
 * A GraphQL multipart upload (one file in `variables.file`). Browsers do not preflight
 * multipart posts, so the server wants its CSRF header on them.
 */
export async function uploadFile<Data, Variables extends { file: File }>(
  document: TypedDocumentNode<Data, Variables>,
  file: File,
  variables: Omit<Variables, 'file'>,
): Promise<Data> {
  const form = new FormData();
  form.set('operations', JSON.stringify({ query: stringifyDocument(document), variables: { ...variables, file: null } }));
  form.set('map', JSON.stringify({ 0: ['variables.file'] }));
  form.set('0', file, file.name);
  const response = await fetch(GRAPHQL_PATH, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { [CSRF_HEADER]: '1' },
    body: form,
  });
  const result = (await response.json()) as GraphqlResponse<Data>;
  if (result.errors?.length || !result.data) throw new Error(result.errors?.[0]?.message ?? `upload failed (${response.status})`);
  return result.data;
}

/** The session check and login run before the API above exists: plain fetch. */
export async function postGraphql<Data, Variables extends AnyVariables>(
  document: TypedDocumentNode<Data, Variables>,
  ...[variables]: VariablesArgument<Variables>
): Promise<GraphqlResponse<Data>> {
  const response = await fetch(GRAPHQL_PATH, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: stringifyDocument(document), variables: variables ?? {} }),
  });
  return (await response.json()) as GraphqlResponse<Data>;
}

/** A GraphQL answer as it comes over HTTP. */
export interface GraphqlResponse<Data> {
  data?: Data;
  errors?: { message: string; extensions?: { code?: ApiErrorCode | (string & {}) } }[];
}
