import type { Clock } from '../clock.js';
import type { PubSub } from '../events/pubsub.js';

export interface DebugMessage {
  at: Date;
  text: string;
}

/** A lamp connected to one of the adapters. */
export interface Device {
  id: string;
  /** Null for lamps that use the shared device secret. */
  name: string | null;
  remoteAddress: string;
  connectedAt: Date;
  lastSeenAt: Date;
  adapterId: string;
  /** Newest last, at most `debugMessageLimit` of them. */
  debugMessages: DebugMessage[];
}

export type DeviceEvent =
  | { kind: 'CONNECTED'; device: Device; at: Date }
  | { kind: 'DISCONNECTED'; device: Device; at: Date; reason: string }
  | { kind: 'DEBUG_MESSAGE'; device: Device; at: Date; message: DebugMessage };

export type DeviceEvents = { deviceEvent: DeviceEvent };

export interface LampSession {
  id: string;
  name: string | null;
  remoteAddress: string;
  connectedAt: Date;
  lastSeenAt: Date;
}

/**
 * Which lamps are connected, as adapters report them. An adapter's lamps are only as real as
 * its link to the API: when the link goes, they are reported gone, and the adapter lists
 * them again when it is back.
 */
export class DeviceRegistry {
  readonly #devices = new Map<string, Device>();

  constructor(
    private readonly pubsub: PubSub<DeviceEvents>,
    private readonly clock: Clock,
    private readonly debugMessageLimit = 200,
  ) {}

  list(): Device[] {
    return [...this.#devices.values()].sort((a, b) => a.connectedAt.getTime() - b.connectedAt.getTime());
  }

  get(id: string): Device | undefined {
    return this.#devices.get(id);
  }

  /** Every connect, disconnect and debug line from now on. */
  events(signal?: AbortSignal): AsyncIterableIterator<DeviceEvent> {
    return this.pubsub.subscribe('deviceEvent', signal);
  }

  count(): number {
    return this.#devices.size;
  }

  connect(adapterId: string, session: LampSession): Device {
    const previous = this.#devices.get(session.id);
    if (previous) this.disconnect(previous.adapterId, previous.id, 'replaced by a new connection with the same id');
    const device: Device = { ...session, adapterId, debugMessages: [] };
    this.#devices.set(device.id, device);
    this.pubsub.publish('deviceEvent', { kind: 'CONNECTED', device, at: this.clock.now() });
    return device;
  }

  disconnect(adapterId: string, id: string, reason: string): boolean {
    const device = this.#devices.get(id);
    if (!device || device.adapterId !== adapterId) return false;
    this.#devices.delete(id);
    this.pubsub.publish('deviceEvent', { kind: 'DISCONNECTED', device, at: this.clock.now(), reason });
    return true;
  }

  /** Replaces everything known about an adapter's lamps with what it reports now. */
  sync(adapterId: string, sessions: LampSession[]): Device[] {
    const reported = new Set(sessions.map((s) => s.id));
    for (const device of this.#devices.values()) {
      if (device.adapterId === adapterId && !reported.has(device.id)) {
        this.disconnect(adapterId, device.id, 'no longer reported by its adapter');
      }
    }
    return sessions.map((session) => {
      const known = this.#devices.get(session.id);
      if (known && known.adapterId === adapterId) {
        known.lastSeenAt = maxDate(known.lastSeenAt, session.lastSeenAt);
        return known;
      }
      return this.connect(adapterId, session);
    });
  }

  detachAdapter(adapterId: string, reason: string): void {
    for (const device of [...this.#devices.values()]) {
      if (device.adapterId === adapterId) this.disconnect(adapterId, device.id, reason);
    }
  }

  seen(adapterId: string, id: string, at: Date): void {
    const device = this.#devices.get(id);
    if (device && device.adapterId === adapterId) device.lastSeenAt = maxDate(device.lastSeenAt, at);
  }

  addDebugMessage(adapterId: string, id: string, message: DebugMessage): Device | undefined {
    const device = this.#devices.get(id);
    if (!device || device.adapterId !== adapterId) return undefined;
    device.debugMessages.push(message);
    if (device.debugMessages.length > this.debugMessageLimit) {
      device.debugMessages.splice(0, device.debugMessages.length - this.debugMessageLimit);
    }
    device.lastSeenAt = maxDate(device.lastSeenAt, message.at);
    this.pubsub.publish('deviceEvent', { kind: 'DEBUG_MESSAGE', device, at: message.at, message });
    return device;
  }
}

function maxDate(a: Date, b: Date): Date {
  return a.getTime() >= b.getTime() ? a : b;
}
