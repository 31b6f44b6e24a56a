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
