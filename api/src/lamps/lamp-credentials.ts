import { generateSecret, secretMatches, tokenHash } from '../access/secret.js';
import type { StateStore } from '../store/state-store.js';

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
 * The secrets lamps send first: the shared device secret (as deployed firmware has it), and
 * what a registered lamp's own secret is kept as (its hash, on the lamp's record).
 */
export class LampCredentials {
  #shared: DeviceSecret;

  constructor(
    shared: DeviceSecret,
    private readonly state: StateStore,
  ) {
    this.#shared = shared;
  }

  /** The shared device secret in force, and where it came from. */
  get sharedSecret(): DeviceSecret {
    return this.#shared;
  }

  isShared(secret: string): boolean {
    return secretMatches(secret, this.#shared.value);
  }

  /** What an own secret is kept as. */
  hashOf(secret: string): string {
    return tokenHash(secret);
  }

  /** A new own secret for a lamp, and its hash. */
  newOwnSecret(): { secret: string; secretHash: string } {
    const secret = generateSecret();
    return { secret, secretHash: tokenHash(secret) };
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
