import { secretMatches } from '../access/secret.js';

export interface LampIdentity {
  /** Null for lamps that use the shared device secret. */
  name: string | null;
}

/** Decides whether the secret a lamp sent in its handshake lets it in. */
export class LampCredentials {
  constructor(private readonly sharedSecret: string) {}

  identify(secret: string): LampIdentity | null {
    return secretMatches(secret, this.sharedSecret) ? { name: null } : null;
  }
}
