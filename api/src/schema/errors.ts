import { GraphQLError } from 'graphql';

/**
 * Errors a client can act on. Each carries a stable `extensions.code`, and argument errors name
 * the argument (as a path such as `color.r`) and what it allows.
 */
export function invalidArgument(argument: string, message: string, allowed?: string): GraphQLError {
  return new GraphQLError(`${argument}: ${message}`, {
    extensions: { code: 'BAD_USER_INPUT', argument, ...(allowed ? { allowed } : {}) },
  });
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
}

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

export function requireIntegerInRange(argument: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalidArgument(argument, `must be an integer from ${min} to ${max}, got ${value}`, `${min}-${max}`);
  }
  return value;
}
