import { ApiErrorCode } from '@cloud-cloud/contract/api-errors';
import { GraphQLError } from 'graphql';

export { ApiErrorCode };

/**
 * Errors a client can act on. Each carries a stable `extensions.code`, and argument errors name
 * the argument (as a path such as `color.r`) and what it allows.
 */
export function invalidArgument(argument: string, message: string, allowed?: string): GraphQLError {
  return new GraphQLError(`${argument}: ${message}`, {
    extensions: { code: ApiErrorCode.BadUserInput, argument, ...(allowed ? { allowed } : {}) },
  });
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ApiErrorCode.Forbidden } });
}

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ApiErrorCode.Unauthenticated, http: { status: 401 } } });
}

/** A subscriber fell so far behind that its stream was ended (see `SubscriberBehind`). */
export function subscriberTooSlow(backlog: number): GraphQLError {
  return new GraphQLError(`this subscriber fell more than ${backlog} events behind; subscribe again to catch up`, {
    extensions: { code: ApiErrorCode.SubscriberTooSlow, limit: backlog },
  });
}
