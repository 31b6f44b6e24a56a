import type { IncomingMessage } from 'node:http';
import { ADAPTER_ID } from '@cloud-cloud/contract/ids';
import {
  GraphQLError,
  type DocumentNode,
  type ExecutionArgs,
  type execute as graphqlExecute,
  type GraphQLSchema,
  type subscribe as graphqlSubscribe,
} from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import type { WebSocket, WebSocketServer } from 'ws';
import type { Authenticator } from '../access/authenticator.js';
import { CredentialError, type Principal } from '../access/principal.js';
import { adapterLinkIdentity } from '../devices/adapter-identity.js';
import type { DeviceRegistry } from '../devices/device-registry.js';
import { ApiErrorCode } from '../schema/errors.js';
import { sessionCookie } from './request-origin.js';
import type { ApiYoga } from './yoga.js';

/** Operations (mostly subscriptions) one graphql-ws connection may run at once. */
export const MAX_OPERATIONS_PER_CONNECTION = 50;
/** WebSocket "policy violation": the client read too slowly to keep up. */
const SLOW_CONSUMER_CLOSE_CODE = 1008;

interface LinkOptions {
  yoga: ApiYoga;
  /** The schema yoga serves, passed typed (the envelop's own `schema` is `any`). */
  schema: GraphQLSchema;
  wsServer: WebSocketServer;
  authenticator: Authenticator;
  devices: DeviceRegistry;
  trustProxy: boolean;
  logger: Logger;
}

/**
 * Serves GraphQL over graphql-ws through yoga's envelop, so queries, mutations and
 * subscriptions behave as over HTTP. Credentials are checked when the connection opens
 * (a connection without them is refused with 4403), and again by each operation's auth
 * scopes when it starts. Revoking the credential closes the connection. An adapter link is
 * known by the identity its key gives it (see adapter-identity), and that adapter's lamps are
 * reported gone when its last link closes.
 */
export function serveGraphqlWs({ yoga, schema, wsServer, authenticator, devices, trustProxy, logger }: LinkOptions) {
  const openAdapterLinks = new Map<string, number>();
  const principals = new WeakMap<object, Principal>();
  const socketsByCredential = new Map<string, Set<WebSocket>>();

  const onRevoked = (credentialId: string) => {
    for (const socket of socketsByCredential.get(credentialId) ?? []) socket.close(CloseCode.Forbidden, 'credentials revoked');
  };
  authenticator.on('revoked', onRevoked);

  function authenticate(params: Record<string, unknown>, request: IncomingMessage): Principal {
    const authorization = connectionParam(params, 'authorization');
    const claimedAdapterId = connectionParam(params, 'adapterId');
    const adapterId = claimedAdapterId && ADAPTER_ID.test(claimedAdapterId) ? claimedAdapterId : null;
    if (authorization !== undefined) return authenticator.fromAuthorization(authorization, adapterId);
    const cookie = sessionCookie(request, trustProxy);
    if (cookie) {
      const principal = authenticator.fromSessionToken(cookie);
      if (!principal) throw new CredentialError('the session has ended: log in again');
      return principal;
    }
    throw new CredentialError('send connectionParams { authorization: "Bearer <token>" }, or log in first');
  }

  const server = useServer<Record<string, unknown> | undefined>(
    {
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
        if (principal.adapterId) {
          // From here on the adapter is known by its link identity, not by the name it gave.
          const link = adapterLinkIdentity(principal.adapterId, ctx.connectionParams?.adapterKey);
          if ('error' in link) {
            ctx.extra.socket.close(CloseCode.BadRequest, link.error);
            return false;
          }
          principal = { ...principal, adapterId: link.identity };
        }
        principals.set(ctx, principal);
        if (principal.credentialId) {
          const sockets = socketsByCredential.get(principal.credentialId) ?? new Set();
          sockets.add(ctx.extra.socket);
          socketsByCredential.set(principal.credentialId, sockets);
        }
        if (principal.adapterId) {
          openAdapterLinks.set(principal.adapterId, (openAdapterLinks.get(principal.adapterId) ?? 0) + 1);
          logger.info({ adapterId: principal.adapterId }, 'adapter linked');
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
        const adapterId = principal.adapterId;
        if (!adapterId) return;
        const remaining = (openAdapterLinks.get(adapterId) ?? 1) - 1;
        if (remaining > 0) {
          openAdapterLinks.set(adapterId, remaining);
          return;
        }
        openAdapterLinks.delete(adapterId);
        logger.warn({ adapterId }, 'adapter link closed');
        devices.detachAdapter(adapterId, 'the adapter serving this lamp lost its link to the API');
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
    },
    wsServer,
  );
  return {
    dispose: async () => {
      authenticator.off('revoked', onRevoked);
      await server.dispose();
    },
  };
}

/** A connection parameter, whatever the case of its name (`Authorization` works too). */
function connectionParam(params: Record<string, unknown>, name: string): string | undefined {
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
