import { LampCloseCode } from '@cloud-cloud/protocol/close-codes';
import type { Clock } from '../clock.js';
import type { CommandDispatch } from '../commands/command-dispatch.js';
import type { PubSub } from '../events/pubsub.js';
import type { RoomEvents } from '../rooms/rooms.js';
import type { LampRecord, StoredDebugMessage } from '../store/lamp-store.js';
import type { LampRecords } from './lamp-records.js';

export type DebugMessage = StoredDebugMessage;

/** A lamp's connection on one of the adapters. */
export interface LampConnection {
  /** Chosen by its adapter, e.g. `adapter-ab12cd.7`. */
  id: string;
  lampId: string;
  remoteAddress: string;
  connectedAt: Date;
  lastSeenAt: Date;
  /**
   * The identity of the adapter link that holds it, given by the API (see graphql-ws-link):
   * only that link may report on it, and no other link can take its id.
   */
  adapterId: string;
}

/** A lamp as a client sees it at one moment: its record, and its connection while online. */
export interface LampView extends LampRecord {
  online: boolean;
  connection: LampConnection | null;
}

export type LampEvent =
  | { kind: 'ADDED' | 'ONLINE' | 'CHANGED' | 'FORGOTTEN'; at: Date; lamp: LampView }
  | { kind: 'OFFLINE'; at: Date; lamp: LampView; reason: string }
  | { kind: 'DEBUG_MESSAGE'; at: Date; lamp: LampView; message: DebugMessage };

export type LampEvents = { lampEvent: LampEvent };

/** An adapter asked for a connection id another adapter's link holds. */
export class ConnectionIdTaken extends Error {
  override name = 'ConnectionIdTaken';
  constructor(readonly connectionId: string) {
    super(`connection id ${connectionId} is held by another adapter`);
  }
}

/**
 * Which lamps are online, on which connection, as adapters report them. A lamp has at most one
 * connection: a newer one recognised as the same lamp replaces the older (closed with 4409). An
 * adapter's lamps are only as real as its link to the API: when the link goes, they go offline,
 * and the adapter lists them again when it is back.
 */
export class LampConnections {
  readonly #byId = new Map<string, LampConnection>();
  readonly #byLamp = new Map<string, LampConnection>();

  constructor(
    private readonly records: LampRecords,
    private readonly dispatch: CommandDispatch,
    private readonly pubsub: PubSub<LampEvents & RoomEvents>,
    private readonly clock: Clock,
  ) {}

  get(connectionId: string): LampConnection | undefined {
    return this.#byId.get(connectionId);
  }

  ofLamp(lampId: string): LampConnection | undefined {
    return this.#byLamp.get(lampId);
  }

  /** Longest connected first. */
  list(): LampConnection[] {
    return [...this.#byId.values()].sort((a, b) => a.connectedAt.getTime() - b.connectedAt.getTime());
  }

  count(): number {
    return this.#byId.size;
  }

  /** The lamp with its connection, as it is now. */
  view(lamp: LampRecord): LampView {
    const connection = this.#byLamp.get(lamp.id) ?? null;
    // Not `{ ...lamp, online }`: on Node 20's V8 a spread followed by more properties gives
    // every object a hidden class of its own, and this runs for every lamp event.
    return Object.assign({}, lamp, { online: connection !== null, connection: connection && { ...connection } });
  }

  /** Of `ids`, the connections an adapter holds. */
  heldBy(adapterId: string, ids: readonly string[]): string[] {
    return ids.filter((id) => this.#byId.get(id)?.adapterId === adapterId);
  }

  /** Throws ConnectionIdTaken when another adapter holds this connection id. */
  checkAvailable(adapterId: string, connectionId: string): void {
    const held = this.#byId.get(connectionId);
    if (held && held.adapterId !== adapterId) throw new ConnectionIdTaken(connectionId);
  }

  /**
   * Records a recognised lamp as online on this connection, its record updated as given
   * (`added`: the record is new). A connection the lamp had before is closed (4409); one the
   * adapter reuses the id of is simply replaced.
   */
  connect(adapterId: string, connection: Omit<LampConnection, 'adapterId' | 'lampId'>, lamp: LampRecord, added: boolean): LampView {
    this.checkAvailable(adapterId, connection.id);
    const reused = this.#byId.get(connection.id);
    if (reused && reused.lampId !== lamp.id) this.disconnect(adapterId, reused.id, 'replaced by a new connection with the same id');
    const previous = this.#byLamp.get(lamp.id);
    if (previous) {
      this.#remove(previous);
      if (previous.id !== connection.id) {
        this.dispatch.disconnect([previous.id], LampCloseCode.Replaced, 'replaced by a new connection');
      }
    }
    const now = this.clock.now();
    const online: LampRecord = {
      ...lamp,
      lastAddress: connection.remoteAddress,
      lastSeenAt: connection.lastSeenAt,
      statusSince: previous ? lamp.statusSince : now,
    };
    // Only what outlives the connection is written now; the online times are written when it goes offline.
    const saved = this.records.differsFromStored(online) ? this.records.save(online) : this.records.remember(online);
    // Written out, not spread (see `view`): one of these is held for every connected lamp.
    const current: LampConnection = {
      id: connection.id,
      lampId: lamp.id,
      remoteAddress: connection.remoteAddress,
      connectedAt: connection.connectedAt,
      lastSeenAt: connection.lastSeenAt,
      adapterId,
    };
    this.#byId.set(current.id, current);
    this.#byLamp.set(lamp.id, current);
    if (added) this.#publish({ kind: 'ADDED', at: now, lamp: this.view(saved) });
    this.#publish({ kind: 'ONLINE', at: now, lamp: this.view(saved) });
    this.pubsub.publish('roomsChanged', null);
    return this.view(saved);
  }

  /** An adapter's report that a connection closed. False when the adapter does not hold it. */
  disconnect(adapterId: string, connectionId: string, reason: string): boolean {
    const connection = this.#byId.get(connectionId);
    if (!connection || connection.adapterId !== adapterId) return false;
    this.#goOffline(connection, reason);
    return true;
  }

  /** Connections that ended together, written in one transaction. Answers how many the adapter held. */
  disconnectAll(adapterId: string, disconnections: readonly { connectionId: string; reason: string }[]): number {
    return this.records.together(
      () => disconnections.filter(({ connectionId, reason }) => this.disconnect(adapterId, connectionId, reason)).length,
    );
  }

  /**
   * Takes a lamp offline at once and has its adapter close the connection (revoked, forgotten,
   * shared secret rotated…), so that an answer given right after already says it is offline.
   */
  close(lampId: string, code: number, reason: string): void {
    const connection = this.#byLamp.get(lampId);
    if (!connection) return;
    this.#goOffline(connection, reason);
    this.dispatch.disconnect([connection.id], code, reason);
  }

  /** Every connection of an adapter's link is gone with it (written in one transaction). */
  detachAdapter(adapterId: string, reason: string): void {
    this.records.together(() => {
      for (const connection of this.list()) if (connection.adapterId === adapterId) this.#goOffline(connection, reason);
    });
  }

  /** Of an adapter's connections, those it no longer reports. */
  notReported(adapterId: string, reported: ReadonlySet<string>): LampConnection[] {
    return this.list().filter((c) => c.adapterId === adapterId && !reported.has(c.id));
  }

  seen(adapterId: string, connectionId: string, at: Date): void {
    const connection = this.#byId.get(connectionId);
    if (connection && connection.adapterId === adapterId) connection.lastSeenAt = latest(connection.lastSeenAt, at);
  }

  /**
   * Writes the online lamps' last-seen times (and since when they are online) that are newer
   * than what is stored, in one transaction. Run every so often, so that after a crash a lamp's
   * last-seen time is at most that old; a clean stop writes them as the lamps go offline.
   */
  storeOnlineTimes(): number {
    const changed: LampRecord[] = [];
    for (const connection of this.#byId.values()) {
      const lamp = this.records.find(connection.lampId);
      if (!lamp) continue;
      const newer = connection.lastSeenAt.getTime() !== lamp.lastSeenAt?.getTime();
      if (newer || this.records.isUnsaved(lamp.id)) changed.push({ ...lamp, lastSeenAt: connection.lastSeenAt });
    }
    this.records.saveAll(changed);
    return changed.length;
  }

  addDebugMessage(adapterId: string, connectionId: string, message: { at: Date; text: string }): boolean {
    const connection = this.#byId.get(connectionId);
    const lamp = connection && this.records.find(connection.lampId);
    if (!connection || connection.adapterId !== adapterId || !lamp) return false;
    connection.lastSeenAt = latest(connection.lastSeenAt, message.at);
    const stored = this.records.appendDebugMessage(lamp.id, message);
    this.#publish({ kind: 'DEBUG_MESSAGE', at: message.at, lamp: this.view(lamp), message: stored });
    return true;
  }

  /** Tells followers a lamp's record changed (renamed, moved, revoked, linked to its firmware…). */
  changed(lamp: LampRecord): LampView {
    const view = this.view(lamp);
    this.#publish({ kind: 'CHANGED', at: this.clock.now(), lamp: view });
    return view;
  }

  /** Tells followers a lamp was added before it ever connected (registered). */
  added(lamp: LampRecord): void {
    this.#publish({ kind: 'ADDED', at: this.clock.now(), lamp: this.view(lamp) });
    this.pubsub.publish('roomsChanged', null);
  }

  /** Tells followers a lamp was forgotten; `lamp` as it was. */
  forgotten(lamp: LampRecord): void {
    this.#publish({ kind: 'FORGOTTEN', at: this.clock.now(), lamp: { ...lamp, online: false, connection: null } });
    this.pubsub.publish('roomsChanged', null);
  }

  /** Every lamp event from now on. */
  events(signal?: AbortSignal): AsyncIterableIterator<LampEvent> {
    return this.pubsub.subscribe('lampEvent', signal);
  }

  /** How many `events` streams are open. */
  get eventSubscribers(): number {
    return this.pubsub.subscriberCount('lampEvent');
  }

  #goOffline(connection: LampConnection, reason: string): void {
    this.#remove(connection);
    const lamp = this.records.find(connection.lampId);
    if (!lamp) return;
    const now = this.clock.now();
    const saved = this.records.save({ ...lamp, lastSeenAt: connection.lastSeenAt, statusSince: now });
    this.#publish({ kind: 'OFFLINE', at: now, lamp: this.view(saved), reason });
    this.pubsub.publish('roomsChanged', null);
  }

  #remove(connection: LampConnection): void {
    this.#byId.delete(connection.id);
    if (this.#byLamp.get(connection.lampId) === connection) this.#byLamp.delete(connection.lampId);
  }

  #publish(event: LampEvent): void {
    this.pubsub.publish('lampEvent', event);
  }
}

function latest(a: Date, b: Date): Date {
  return a.getTime() >= b.getTime() ? a : b;
}
