import { GraphQLError } from 'graphql';

/** Every `extensions.code` a client may see, so that clients can branch on them. */
export const ApiErrorCode = {
  BadUserInput: 'BAD_USER_INPUT',
  Unauthenticated: 'UNAUTHENTICATED',
  Forbidden: 'FORBIDDEN',
  RateLimited: 'RATE_LIMITED',
  /** Not possible in the present configuration (`extensions.variable` names what decides it). */
  FailedPrecondition: 'FAILED_PRECONDITION',
  /** A browser-style request without the CSRF header, and no `Authorization: Bearer`. */
  CsrfHeaderRequired: 'CSRF_HEADER_REQUIRED',
  /** The operation is too large: depth, aliases or tokens past the limit (`extensions.limit`). */
  QueryTooComplex: 'QUERY_TOO_COMPLEX',
  /** Too many subscriptions held open at once. */
  LimitExceeded: 'LIMIT_EXCEEDED',
  /** A subscriber read so slowly that its stream was ended; subscribe again. */
  SubscriberTooSlow: 'SUBSCRIBER_TOO_SLOW',
  InternalServerError: 'INTERNAL_SERVER_ERROR',
} as const;
export type ApiErrorCode = (typeof ApiErrorCode)[keyof typeof ApiErrorCode];

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
