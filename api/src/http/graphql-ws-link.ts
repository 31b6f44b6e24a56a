import type { IncomingMessage } from 'node:http';
import { GraphQLError, type DocumentNode, type ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { YogaServerInstance } from 'graphql-yoga';
import type { WebSocketServer } from 'ws';
import { authenticate, CredentialError, type Principal } from '../access/principal.js';
import type { DeviceRegistry } from '../devices/device-registry.js';
import type { Logger } from 'pino';

/** What the API knows about one graphql-ws connection once it is authenticated. */
export interface LinkIdentity {
  principal: Principal;
  adapterId: string | null;
}

/** The server context yoga sees for an operation over graphql-ws. */
export interface LinkServerContext {
  link: LinkIdentity;
  req: IncomingMessage;
}

const ADAPTER_ID = /^[A-Za-z0-9._:-]{1,100}$/;

interface LinkOptions {
  yoga: YogaServerInstance<LinkServerContext, object>;
  wsServer: WebSocketServer;
  adapterToken: string;
  devices: DeviceRegistry;
  logger: Logger;
}

/**
 * Serves GraphQL over graphql-ws through yoga's envelop, so queries, mutations and
 * subscriptions behave the same as over HTTP. Credentials are checked once, when the
 * connection opens; an adapter's lamps are reported gone when its last link closes.
 */
export function serveGraphqlWs({ yoga, wsServer, adapterToken, devices, logger }: LinkOptions) {
  const openAdapterLinks = new Map<string, number>();
  const identities = new WeakMap<object, LinkIdentity>();

  return useServer<Record<string, unknown> | undefined>(
    {
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args),
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args),
      onConnect: (ctx) => {
        const params = ctx.connectionParams ?? {};
        const authorization = typeof params.authorization === 'string' ? params.authorization : undefined;
        const adapterId = typeof params.adapterId === 'string' ? params.adapterId : undefined;
        try {
          const principal = authenticate({ authorization, adapterId }, adapterToken);
          if (principal.kind === 'adapter' && principal.adapterId !== null) {
            if (!ADAPTER_ID.test(principal.adapterId)) return false;
            openAdapterLinks.set(principal.adapterId, (openAdapterLinks.get(principal.adapterId) ?? 0) + 1);
            logger.info({ adapterId: principal.adapterId }, 'adapter linked');
          }
          identities.set(ctx, { principal, adapterId: principal.kind === 'adapter' ? principal.adapterId : null });
          return true;
        } catch (error) {
          if (error instanceof CredentialError) return false;
          throw error;
        }
      },
      onClose: (ctx) => {
        const identity = identities.get(ctx);
        if (!identity?.adapterId) return;
        const remaining = (openAdapterLinks.get(identity.adapterId) ?? 1) - 1;
        if (remaining > 0) {
          openAdapterLinks.set(identity.adapterId, remaining);
          return;
        }
        openAdapterLinks.delete(identity.adapterId);
        logger.warn({ adapterId: identity.adapterId }, 'adapter link closed');
        devices.detachAdapter(identity.adapterId, 'the adapter serving this lamp lost its link to the API');
      },
      onSubscribe: async (ctx, _id, payload) => {
        const link = identities.get(ctx);
        if (!link) return [new GraphQLError('the connection is not authenticated', { extensions: { code: 'UNAUTHENTICATED' } })];
        const enveloped = yoga.getEnveloped({ link, req: ctx.extra.request, params: payload });
        let document: DocumentNode;
        try {
          document = enveloped.parse(payload.query);
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        const args: ExecutionArgs = {
          schema: enveloped.schema,
          operationName: payload.operationName ?? null,
          document,
          variableValues: payload.variables ?? null,
          contextValue: await enveloped.contextFactory(),
          rootValue: { execute: enveloped.execute, subscribe: enveloped.subscribe } satisfies EnvelopedRoot,
        };
        const errors = enveloped.validate(args.schema, args.document);
        if (errors.length > 0) return errors;
        return args;
      },
    },
    wsServer,
  );
}

interface EnvelopedRoot {
  execute: (args: ExecutionArgs) => ReturnType<typeof import('graphql').execute>;
  subscribe: (args: ExecutionArgs) => ReturnType<typeof import('graphql').subscribe>;
}
