import { defaultFieldResolver, GraphQLError, type GraphQLSchema } from 'graphql';
import type { ApiContext } from '../context.js';
import { StorageNotSynced } from '../store/durability.js';
import { ApiErrorCode } from './errors.js';

/**
 * Makes every mutation of `schema` answer only once what it changed is synced to disk, whatever
 * carries it (HTTP, server-sent events, graphql-ws, an adapter's link): the one place that holds
 * for all of them, so no resolver can forget it. A mutation that fails still waits, since it may
 * have changed something before failing. Mutations run one after another within an operation,
 * and each waits for its own changes.
 */
export function answerWhenSynced(schema: GraphQLSchema): GraphQLSchema {
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = async (source, args, context: ApiContext, info) => {
      let result: unknown;
      try {
        result = await resolve(source, args, context, info);
      } catch (error) {
        await synced(context);
        throw error;
      }
      await synced(context);
      return result;
    };
  }
  return schema;
}

async function synced(context: ApiContext): Promise<void> {
  try {
    await context.durability.synced();
  } catch (error) {
    if (!(error instanceof StorageNotSynced)) throw error;
    // Passed on as it is (a GraphQLError is not masked): the caller must know the change may not last.
    throw new GraphQLError(`${error.message}; the change was made but may be lost if the machine stops now`, {
      extensions: { code: ApiErrorCode.InternalServerError },
    });
  }
}
