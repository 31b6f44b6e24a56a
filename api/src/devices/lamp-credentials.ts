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
  #shared: DeviceSecret;

  constructor(
    shared: DeviceSecret,
    private readonly lamps: LampStore,
    private readonly clock: Clock,
    private readonly state: StateStore,
  ) {
    super();
    this.#shared = shared;
  }

  /** The shared device secret in force, and where it came from. */
  get sharedSecret(): DeviceSecret {
    return this.#shared;
  }

  /**
   * Replaces the shared device secret with a new one, stored for every later start. Refused
   * while CC_DEVICE_SECRET sets it: the environment would bring the old one back on restart.
   */
  rotateSharedSecret(): DeviceSecret {
    if (this.#shared.source === 'configured') throw new SecretSetByEnvironment();
    const value = generateSecret();
    this.state.writeSetting('device_secret', value);
    this.#shared = { value, source: 'stored' };
    return this.#shared;
  }

  identify(secret: string): LampIdentity | null {
    if (secretMatches(secret, this.#shared.value)) return { lampId: null, name: null };
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

export interface DeviceSecret {
  value: string;
  source: 'configured' | 'stored' | 'generated';
}

export class SecretSetByEnvironment extends Error {
  override name = 'SecretSetByEnvironment';
  constructor() {
    super('the device secret is set by CC_DEVICE_SECRET in the environment: change it there and restart');
  }
}

/**
 * The shared device secret: `configured` (CC_DEVICE_SECRET) when given, else the stored one,
 * else a new one, stored for every later start.
 */
export function resolveDeviceSecret(state: StateStore, configured: string | undefined): DeviceSecret {
  if (configured) return { value: configured, source: 'configured' };
  const stored = state.readSetting('device_secret');
  if (stored) return { value: stored, source: 'stored' };
  const generated = generateSecret();
  state.writeSetting('device_secret', generated);
  return { value: generated, source: 'generated' };
}
