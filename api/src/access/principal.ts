import type { TokenScope } from '../store/credential-store.js';

export type Role = TokenScope;

/** How a caller proved who they are. */
export type CredentialKind = 'session' | 'api-token' | 'configured-token' | 'adapter-token';

/** Who is calling the API. */
export type Principal =
  | { kind: 'anonymous' }
  | {
      kind: 'authenticated';
      role: Role;
      credential: CredentialKind;
      /** The session or API token id, so revoking it can close what it opened. */
      credentialId: string | null;
      /** Adapters name their graphql-ws link so the API can tell their lamps apart. */
      adapterId: string | null;
    };

/** What the caller may do; the schema's auth scopes read this. */
export interface Access {
  /** Read state, devices, weather; follow subscriptions. */
  observe: boolean;
  /** Change what lamps show and send them commands. */
  control: boolean;
  /** Manage lamps, tokens and settings. */
  manage: boolean;
  /** Report lamps and receive their commands. */
  adapter: boolean;
}

export const ANONYMOUS: Principal = { kind: 'anonymous' };

export function accessOf(principal: Principal): Access {
  if (principal.kind === 'anonymous') return { observe: false, control: false, manage: false, adapter: false };
  switch (principal.role) {
    case 'ADMIN':
      return { observe: true, control: true, manage: true, adapter: false };
    case 'READ_ONLY':
      return { observe: true, control: false, manage: false, adapter: false };
    case 'ADAPTER':
      return { observe: true, control: false, manage: false, adapter: true };
  }
}

export class CredentialError extends Error {
  override name = 'CredentialError';
}
