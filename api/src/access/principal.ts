import { secretMatches } from './secret.js';

/** Who is calling the API. */
export type Principal =
  | { kind: 'adapter'; adapterId: string | null }
  | { kind: 'anyone' };

/** What the caller may do; the schema's auth scopes read this. */
export interface Access {
  observe: boolean;
  control: boolean;
  adapter: boolean;
}

export class CredentialError extends Error {
  override name = 'CredentialError';
}

export interface Credentials {
  /** The `Authorization` header, or `authorization` in graphql-ws connection params. */
  authorization?: string | undefined;
  /** Adapters name their link so the API can tell their lamps apart. */
  adapterId?: string | undefined;
}

const BEARER = /^Bearer\s+(\S+)$/i;

/**
 * Resolves credentials to a principal. Without credentials the caller may observe and control
 * (the API has no user accounts yet); adapter operations need the adapter token.
 */
export function authenticate(credentials: Credentials, adapterToken: string): Principal {
  if (!credentials.authorization) return { kind: 'anyone' };
  const token = BEARER.exec(credentials.authorization)?.[1];
  if (!token) throw new CredentialError('the Authorization header must be "Bearer <token>"');
  if (!secretMatches(token, adapterToken)) throw new CredentialError('the bearer token is not valid');
  return { kind: 'adapter', adapterId: credentials.adapterId ?? null };
}

export function accessOf(principal: Principal): Access {
  switch (principal.kind) {
    case 'adapter':
      return { observe: true, control: false, adapter: true };
    case 'anyone':
      return { observe: true, control: true, adapter: false };
  }
}
