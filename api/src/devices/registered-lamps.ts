import { LampCloseCode } from '@cloud-cloud/protocol/close-codes';
import type { Logger } from 'pino';
import type { CommandDispatch } from '../commands/command-dispatch.js';
import { InvalidInput } from '../invalid-input.js';
import type { LampStore, RegisteredLamp } from '../store/lamp-store.js';
import type { Device, DeviceRegistry } from './device-registry.js';
import type { DeviceSecret, LampCredentials } from './lamp-credentials.js';

export const LAMP_NAME_MAX = 64;

/**
 * Lamps people have registered with a secret of their own, and the shared device secret the
 * others use. Revoking or rotating a secret closes the connections it let in.
 */
export class RegisteredLamps {
  constructor(
    private readonly credentials: LampCredentials,
    private readonly lamps: LampStore,
    private readonly devices: DeviceRegistry,
    private readonly commands: CommandDispatch,
    private readonly logger: Logger,
  ) {
    credentials.on('revoked', (lampId) => {
      const ids = devices.ofLamp(lampId).map((device) => device.id);
      commands.disconnect(ids, LampCloseCode.Revoked, 'secret revoked');
    });
  }

  /** Active ones first, then by name. */
  list(): RegisteredLamp[] {
    return this.lamps.list();
  }

  find(id: string): RegisteredLamp | undefined {
    return this.lamps.find(id);
  }

  /** The ids of registered lamps connected now. */
  onlineIds(): Set<string> {
    return new Set(this.devices.list().flatMap((device) => device.lampId ?? []));
  }

  connections(lampId: string): Device[] {
    return this.devices.ofLamp(lampId);
  }

  /** The shared device secret in force, and where it came from. */
  get sharedSecret(): DeviceSecret {
    return this.credentials.sharedSecret;
  }

  /** Registers a lamp under a name no active lamp has; its secret is in the answer and nowhere else. */
  register(name: string): { lamp: RegisteredLamp; secret: string } {
    if (this.lamps.findActiveByName(name)) throw new InvalidInput('name', `a lamp named ${JSON.stringify(name)} exists already`);
    return this.credentials.register(name);
  }

  /** Revokes a lamp's secret; its connections are closed (4403). */
  revoke(id: string): RegisteredLamp {
    const lamp = this.credentials.revoke(id);
    if (!lamp) throw new InvalidInput('id', `no registered lamp with id ${id}`);
    return lamp;
  }

  /**
   * Replaces the shared secret; lamps connected with it are closed (4403) and refused until
   * their firmware has the new one. Throws `SecretSetByEnvironment` while CC_DEVICE_SECRET sets it.
   */
  rotateSharedSecret(): DeviceSecret {
    const rotated = this.credentials.rotateSharedSecret();
    const sharedSecretLamps = this.devices.list().filter((device) => device.lampId === null);
    this.commands.disconnect(
      sharedSecretLamps.map((device) => device.id),
      LampCloseCode.Revoked,
      'device secret rotated',
    );
    this.logger.info({ disconnected: sharedSecretLamps.length }, 'device secret rotated');
    return rotated;
  }
}
