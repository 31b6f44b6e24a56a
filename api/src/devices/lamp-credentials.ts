import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { generateSecret, secretMatches, tokenHash } from '../access/secret.js';
import type { LampStore, RegisteredLamp } from '../store/lamp-store.js';
import type { StateStore } from '../store/state-store.js';

export interface LampIdentity {
  /** The registered lamp, or null for a lamp using the shared device secret. */
  lampId: string | null;
  name: string | null;
}

/**
 * Decides whether the secret a lamp sent in its handshake lets it in: the shared device secret
 * (as deployed firmware has it) or a registered lamp's own secret. Emits `revoked` with a
 * lamp id so its connections can be closed.
 */
export class LampCredentials extends EventEmitter<{ revoked: [lampId: string] }> {
  constructor(
    private readonly sharedSecret: string,
    private readonly lamps: LampStore,
    private readonly clock: Clock,
  ) {
    super();
  }

  identify(secret: string): LampIdentity | null {
    if (secretMatches(secret, this.sharedSecret)) return { lampId: null, name: null };
    const lamp = this.lamps.findActiveBySecretHash(tokenHash(secret));
    return lamp ? { lampId: lamp.id, name: lamp.name } : null;
  }

  /** Registers a lamp under `name`; its secret is returned here once and stored only hashed. */
  register(name: string): { lamp: RegisteredLamp; secret: string } {
    const secret = generateSecret();
    const id = randomUUID();
    this.lamps.addLamp({ id, name, secretHash: tokenHash(secret), createdAt: this.clock.now() });
    return { lamp: this.lamps.find(id)!, secret };
  }

  revoke(id: string): RegisteredLamp | undefined {
    if (this.lamps.revoke(id, this.clock.now())) this.emit('revoked', id);
    return this.lamps.find(id);
  }
}

/**
 * The shared device secret: `configured` (CC_DEVICE_SECRET) when given, else the stored one,
 * else a new one, stored for every later start.
 */
export function resolveDeviceSecret(
  state: StateStore,
  configured: string | undefined,
): { value: string; source: 'configured' | 'stored' | 'generated' } {
  if (configured) return { value: configured, source: 'configured' };
  const stored = state.readSetting('device_secret');
  if (stored) return { value: stored, source: 'stored' };
  const generated = generateSecret();
  state.writeSetting('device_secret', generated);
  return { value: generated, source: 'generated' };
}
