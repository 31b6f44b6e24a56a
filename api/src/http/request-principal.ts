import type { IncomingMessage } from 'node:http';
import type { Authenticator } from '../access/authenticator.js';
import { ANONYMOUS, CredentialError, type Principal } from '../access/principal.js';
import { unauthenticated } from '../schema/errors.js';
import { sessionCookie } from './request-origin.js';

/**
 * Who sent an HTTP request: its `Authorization: Bearer` token, else a session cookie sent from
 * the same origin, else nobody. A token that is not valid is an error (UNAUTHENTICATED), not anonymous.
 */
export function principalOfRequest(request: IncomingMessage, authenticator: Authenticator, trustProxy: boolean): Principal {
  const authorization = request.headers.authorization;
  try {
    if (authorization) return authenticator.fromAuthorization(authorization);
  } catch (error) {
    if (error instanceof CredentialError) throw unauthenticated(error.message);
    throw error;
  }
  const cookie = sessionCookie(request, trustProxy);
  if (cookie) return authenticator.fromSessionToken(cookie) ?? ANONYMOUS;
  return ANONYMOUS;
}
