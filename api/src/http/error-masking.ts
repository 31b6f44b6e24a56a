import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import { SubscriberBehind } from '../events/pubsub.js';
import { InvalidInput } from '../invalid-input.js';
import { ApiErrorCode, invalidArgument, subscriberTooSlow } from '../schema/errors.js';

/**
 * What a caller of either GraphQL endpoint learns of an error. Errors a client can act on
 * (GraphQL errors: validation, not allowed, bad input, and inputs a domain operation refused)
 * pass, the latter as BAD_USER_INPUT. Anything else is a fault of ours: logged in full, answered
 * with a generic message and `INTERNAL_SERVER_ERROR`; its detail is added only in development.
 */
export function maskError(error: unknown, message: string, logger: Logger, showDetail = false): Error {
  const original = error instanceof GraphQLError ? error.originalError : error;
  if (error instanceof GraphQLError && (!original || original instanceof GraphQLError)) return error;
  const located = error instanceof GraphQLError ? { nodes: error.nodes, path: error.path } : {};
  if (original instanceof InvalidInput) {
    const refusal = invalidArgument(original.argument, original.message, original.allowed);
    return new GraphQLError(refusal.message, { ...located, extensions: refusal.extensions });
  }
  if (original instanceof SubscriberBehind) return subscriberTooSlow(original.backlog);
  logger.error({ err: original }, 'internal error');
  return new GraphQLError(message, {
    ...located,
    extensions: {
      code: ApiErrorCode.InternalServerError,
      ...(showDetail && original instanceof Error ? { detail: original.message } : {}),
    },
  });
}
