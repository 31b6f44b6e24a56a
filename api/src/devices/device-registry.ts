import type { Clock } from '../clock.js';
import type { PubSub } from '../events/pubsub.js';
import type { LampStore, StoredDebugMessage } from '../store/lamp-store.js';

export type DebugMessage = StoredDebugMessage;

/** A lamp connection on one of the adapters. */
export interface Device {
  /** The connection's id, chosen by its adapter. */
  id: string;
  /** The registered lamp, or null for a lamp using the shared device secret. */
  lampId: string | null;
  name: string | null;
  remoteAddress: string;
  connectedAt: Date;
  lastSeenAt: Date;
  /**
   * The identity of the adapter link that holds it, given by the API (see graphql-ws-link):
   * only that link may report on it, and no other link can take its id.
   */
  adapterId: string;
}

/** An adapter asked for a device id another adapter's link holds. */
export class DeviceIdTaken extends Error {
  override name = 'DeviceIdTaken';
  constructor(readonly deviceId: string) {
    super(`device id ${deviceId} is held by another adapter`);
  }
}

export type DeviceEvent =
  | { kind: 'CONNECTED'; device: Device; at: Date }
  | { kind: 'DISCONNECTED'; device: Device; at: Date; reason: string }
  | { kind: 'DEBUG_MESSAGE'; device: Device; at: Date; message: DebugMessage };

export type DeviceEvents = { deviceEvent: DeviceEvent };

export type LampSession = Omit<Device, 'adapterId'>;

/**
 * Which lamps are connected, as adapters report them. An adapter's lamps are only as real as
 * its link to the API: when the link goes, they are reported gone, and the adapter lists
 * them again when it is back.
 */
export class DeviceRegistry {
  readonly #devices = new Map<string, Device>();

  constructor(
    private readonly pubsub: PubSub<DeviceEvents>,
    private readonly lamps: LampStore,
    private readonly clock: Clock,
  ) {}

  list(): Device[] {
    return [...this.#devices.values()].sort((a, b) => a.connectedAt.getTime() - b.connectedAt.getTime());
  }

  get(id: string): Device | undefined {
    return this.#devices.get(id);
  }

  ofLamp(lampId: string): Device[] {
    return this.list().filter((device) => device.lampId === lampId);
  }

  count(): number {
    return this.#devices.size;
  }

  /** Every connect, disconnect and debug line from now on. */
  events(signal?: AbortSignal): AsyncIterableIterator<DeviceEvent> {
    return this.pubsub.subscribe('deviceEvent', signal);
  }

  /** How many `events` streams are open. */
  get eventSubscribers(): number {
    return this.pubsub.subscriberCount('deviceEvent');
  }

  /** Records a lamp as connected on an adapter; throws DeviceIdTaken when another adapter holds its id. */
  connect(adapterId: string, session: LampSession): Device {
    const previous = this.#devices.get(session.id);
    if (previous && previous.adapterId !== adapterId) throw new DeviceIdTaken(session.id);
    if (previous) this.#remove(adapterId, previous.id, 'replaced by a new connection with the same id', 'keep');
    const device: Device = { ...session, adapterId };
    this.#devices.set(device.id, device);
    this.pubsub.publish('deviceEvent', { kind: 'CONNECTED', device, at: this.clock.now() });
    return device;
  }

  disconnect(adapterId: string, id: string, reason: string): boolean {
    return this.#remove(adapterId, id, reason, 'forget');
  }

  /**
   * Replaces everything known about an adapter's lamps with what it reports now. Returns the
   * ids it could not take because another adapter holds them.
   */
  sync(adapterId: string, sessions: LampSession[]): { taken: string[] } {
    const reported = new Set(sessions.map((s) => s.id));
    for (const device of this.list()) {
      if (device.adapterId === adapterId && !reported.has(device.id)) {
        this.disconnect(adapterId, device.id, 'no longer reported by its adapter');
      }
    }
    const taken: string[] = [];
    for (const session of sessions) {
      const known = this.#devices.get(session.id);
      if (!known) this.connect(adapterId, session);
      else if (known.adapterId === adapterId) known.lastSeenAt = latest(known.lastSeenAt, session.lastSeenAt);
      else taken.push(session.id);
    }
    return { taken };
  }

  /** Of `ids`, those an adapter holds. */
  heldBy(adapterId: string, ids: readonly string[]): string[] {
    return ids.filter((id) => this.#devices.get(id)?.adapterId === adapterId);
  }

  detachAdapter(adapterId: string, reason: string): void {
    for (const device of this.list()) {
      // The adapter lists these lamps again under the same ids when it is back: keep their lines.
      if (device.adapterId === adapterId) this.#remove(adapterId, device.id, reason, 'keep');
    }
  }

  seen(adapterId: string, id: string, at: Date): void {
    const device = this.#devices.get(id);
    if (device && device.adapterId === adapterId) device.lastSeenAt = latest(device.lastSeenAt, at);
  }

  addDebugMessage(adapterId: string, id: string, message: DebugMessage): Device | undefined {
    const device = this.#devices.get(id);
    if (!device || device.adapterId !== adapterId) return undefined;
    this.lamps.appendDebugMessage(debugLogKey(device), message);
    device.lastSeenAt = latest(device.lastSeenAt, message.at);
    this.pubsub.publish('deviceEvent', { kind: 'DEBUG_MESSAGE', device, at: message.at, message });
    return device;
  }

  debugMessages(device: Device, limit: number): DebugMessage[] {
    return this.lamps.recentDebugMessages(debugLogKey(device), limit);
  }

  /** The newest `limit` debug lines of each of these debug logs (see `debugLogKey`), oldest first. */
  debugLogs(keys: readonly string[], limit: number): Map<string, DebugMessage[]> {
    return this.lamps.recentDebugMessagesOf(keys, limit);
  }

  #remove(adapterId: string, id: string, reason: string, history: 'keep' | 'forget'): boolean {
    const device = this.#devices.get(id);
    if (!device || device.adapterId !== adapterId) return false;
    this.#devices.delete(id);
    // A lamp on the shared secret has its history per connection, which nobody can ask for once
    // the connection is gone; a registered lamp keeps its history under its own id.
    if (history === 'forget' && device.lampId === null) this.lamps.forgetDebugMessages(debugLogKey(device));
    this.pubsub.publish('deviceEvent', { kind: 'DISCONNECTED', device, at: this.clock.now(), reason });
    return true;
  }
}

/** A registered lamp keeps its debug history across connections; others have it per connection. */
export function debugLogKey(device: Pick<Device, 'id' | 'lampId'>): string {
  return device.lampId ?? `connection:${device.id}`;
}

function latest(a: Date, b: Date): Date {
  return a.getTime() >= b.getTime() ? a : b;
}
