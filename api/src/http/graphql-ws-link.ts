import type { IncomingMessage } from 'node:http';
import { MAX_OPERATIONS_PER_CONNECTION } from '@cloud-cloud/contract/http';
import {
  GraphQLError,
  type DocumentNode,
  type ExecutionArgs,
  type execute as graphqlExecute,
  type GraphQLSchema,
  type subscribe as graphqlSubscribe,
} from 'graphql';
import { CloseCode, makeServer, type ServerOptions } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { WebSocketServer } from 'ws';
import type { Authenticator } from '../access/authenticator.js';
import { CredentialError, type Principal } from '../access/principal.js';
import { ApiErrorCode } from '../schema/errors.js';
import { inMemoryLinks, type InMemoryLinks, type LinkExtra, type LinkSocket } from './in-memory-link.js';
import { sessionCookie } from './request-origin.js';
import type { ApiYoga } from './yoga.js';

export { MAX_OPERATIONS_PER_CONNECTION };
/** WebSocket "policy violation": the client read too slowly to keep up. */
const SLOW_CONSUMER_CLOSE_CODE = 1008;

/**
 * What an endpoint adds to who may open a link, and what happens when one closes: the adapter
 * endpoint lets ADAPTER credentials in only, and knows each adapter by its link.
 */
export interface LinkPolicy {
  /**
   * Given the authenticated caller and its connectionParams, the principal the link's operations
   * run as, or why the link is refused (closed with `code`).
   */
  open(
    principal: AuthenticatedPrincipal,
    params: Record<string, unknown>,
  ): { principal: AuthenticatedPrincipal } | { code: number; reason: string };
  /** A link `open` let in has closed. */
  closed(principal: Principal): void;
}

export type AuthenticatedPrincipal = Extract<Principal, { kind: 'authenticated' }>;

interface LinkOptions {
  yoga: ApiYoga;
  /** The schema yoga serves, passed typed (the envelop's own `schema` is `any`). */
  schema: GraphQLSchema;
  wsServer: WebSocketServer;
  authenticator: Authenticator;
  trustProxy: boolean;
  /** What this endpoint asks of a link beyond credentials; none for the public endpoint. */
  policy?: LinkPolicy;
}

export interface GraphqlWsLinks {
  /**
   * Links in this process (graphql-ws's `webSocketImpl`): served by the same code as the
   * WebSocket server's, without a network socket.
   */
  readonly inMemory: InMemoryLinks['WebSocket'];
  dispose(): Promise<void>;
}

/**
 * Serves GraphQL over graphql-ws through yoga's envelop, so queries, mutations and
 * subscriptions behave as over HTTP. Credentials are checked when the connection opens
 * (a connection without them is refused with 4403), and again by each operation's auth
 * scopes when it starts. Revoking the credential closes the connection. An endpoint's `policy`
 * may refuse a link or change the principal it runs as (the adapter endpoint does both).
 * Links come from `wsServer` or, in this process, from `inMemory`: one set of rules for both
 * (the same size limit too: the WebSocket server's `maxPayload`).
 */
export function serveGraphqlWs({ yoga, schema, wsServer, authenticator, trustProxy, policy }: LinkOptions): GraphqlWsLinks {
  const principals = new WeakMap<object, Principal>();
  const socketsByCredential = new Map<string, Set<LinkSocket>>();

  const onRevoked = (credentialId: string) => {
    for (const socket of socketsByCredential.get(credentialId) ?? []) socket.close(CloseCode.Forbidden, 'credentials revoked');
  };
  authenticator.on('revoked', onRevoked);

  function authenticate(params: Record<string, unknown>, request: IncomingMessage): Principal {
    const authorization = connectionParam(params, 'authorization');
    if (authorization !== undefined) return authenticator.fromAuthorization(authorization);
    const cookie = sessionCookie(request, trustProxy);
    if (cookie) {
      const principal = authenticator.fromSessionToken(cookie);
      if (!principal) throw new CredentialError('the session has ended: log in again');
      return principal;
    }
    throw new CredentialError('send connectionParams { authorization: "Bearer <token>" }, or log in first');
  }

  const options: ServerOptions<Record<string, unknown> | undefined, LinkExtra> = {
    // As in yoga's graphql-ws recipe: onSubscribe puts the operation's enveloped execute and
    // subscribe (with every yoga plugin around them) in its root value.
    execute: (args) => envelopedRoot(args).execute(args),
    subscribe: (args) => envelopedRoot(args).subscribe(args),
    onConnect: (ctx) => {
      let principal: Principal;
      try {
        principal = authenticate(ctx.connectionParams ?? {}, ctx.extra.request);
      } catch (error) {
        if (!(error instanceof CredentialError)) throw error;
        // graphql-ws would close with a bare "Forbidden"; the client deserves the reason.
        ctx.extra.socket.close(CloseCode.Forbidden, closeReason(error.message));
        return false;
      }
      if (principal.kind === 'anonymous') return false;
      if (policy) {
        const opened = policy.open(principal, ctx.connectionParams ?? {});
        if ('code' in opened) {
          ctx.extra.socket.close(opened.code, closeReason(opened.reason));
          return false;
        }
        principal = opened.principal;
      }
      principals.set(ctx, principal);
      if (principal.credentialId) {
        const sockets = socketsByCredential.get(principal.credentialId) ?? new Set();
        sockets.add(ctx.extra.socket);
        socketsByCredential.set(principal.credentialId, sockets);
      }
      return true;
    },
    onClose: (ctx) => {
      const principal = principals.get(ctx);
      if (principal?.kind !== 'authenticated') return;
      if (principal.credentialId) {
        const sockets = socketsByCredential.get(principal.credentialId);
        sockets?.delete(ctx.extra.socket);
        if (sockets?.size === 0) socketsByCredential.delete(principal.credentialId);
      }
      policy?.closed(principal);
    },
    onSubscribe: async (ctx, _id, payload) => {
      const principal = principals.get(ctx);
      if (!principal)
        return [new GraphQLError('the connection is not authenticated', { extensions: { code: ApiErrorCode.Unauthenticated } })];
      // graphql-ws has already counted this one.
      if (Object.keys(ctx.subscriptions).length > MAX_OPERATIONS_PER_CONNECTION) return [tooManyOperations()];
      const enveloped = yoga.getEnveloped({ link: { principal }, req: ctx.extra.request, params: payload });
      let args: ExecutionArgs;
      try {
        // envelop's parse and validate are untyped; these are graphql-js's.
        const document = enveloped.parse(payload.query) as DocumentNode;
        args = {
          schema,
          operationName: payload.operationName ?? null,
          document,
          variableValues: payload.variables ?? null,
          contextValue: await enveloped.contextFactory(),
          rootValue: new EnvelopedRoot(enveloped.execute, enveloped.subscribe),
        };
        const errors = enveloped.validate(args.schema, args.document) as readonly GraphQLError[];
        if (errors.length > 0) return errors;
      } catch (error) {
        // Parsing and the query limits report a bad operation by throwing: answer it, keep the connection.
        if (error instanceof GraphQLError) return [error];
        throw error;
      }
      return args;
    },
    onError: (ctx, _id, _payload, errors) => {
      // A subscriber that fell behind is a client that stopped reading: once it is told, drop
      // the connection, so that it reconnects and starts again from the current state.
      if (errors.some((error) => error.extensions.code === ApiErrorCode.SubscriberTooSlow)) {
        setImmediate(() => ctx.extra.socket.close(SLOW_CONSUMER_CLOSE_CODE, 'fell too far behind; reconnect to catch up'));
      }
    },
  };
  const server = useServer(options, wsServer);
  const inProcess = inMemoryLinks(makeServer(options), {
    maxMessageBytes: wsServer.options.maxPayload ?? Number.POSITIVE_INFINITY,
    onInternalError: (error) => yoga.logger.error('graphql-ws link failed on a message', error),
  });
  return {
    inMemory: inProcess.WebSocket,
    dispose: async () => {
      authenticator.off('revoked', onRevoked);
      inProcess.dispose();
      await server.dispose();
    },
  };
}

/** A connection parameter, whatever the case of its name (`Authorization` works too). */
export function connectionParam(params: Record<string, unknown>, name: string): string | undefined {
  const key = Object.keys(params).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? undefined : params[key];
  return typeof value === 'string' ? value : undefined;
}

/** Close reasons are limited to 123 bytes. */
function closeReason(message: string): string {
  return Buffer.byteLength(message) <= 123 ? message : `${Buffer.from(message).subarray(0, 120).toString('utf8')}...`;
}

function tooManyOperations(): GraphQLError {
  return new GraphQLError(
    `too many operations on this connection (at most ${MAX_OPERATIONS_PER_CONNECTION} at once); complete some first`,
    { extensions: { code: ApiErrorCode.LimitExceeded, limit: MAX_OPERATIONS_PER_CONNECTION } },
  );
}

/** An operation's execute and subscribe, wrapped by yoga's plugins. */
class EnvelopedRoot {
  constructor(
    readonly execute: typeof graphqlExecute,
    readonly subscribe: typeof graphqlSubscribe,
  ) {}
}

function envelopedRoot(args: ExecutionArgs): EnvelopedRoot {
  if (args.rootValue instanceof EnvelopedRoot) return args.rootValue;
  throw new Error('a graphql-ws operation reached execution without going through onSubscribe');
}
