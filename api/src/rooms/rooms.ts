import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { CommandDispatch } from '../commands/command-dispatch.js';
import type { PubSub } from '../events/pubsub.js';
import { InvalidInput } from '../invalid-input.js';
import type { LampConnections } from '../lamps/lamp-connections.js';
import { DEFAULT_ROOM_ID } from '../lamps/lamp-identity.js';
import type { LampRecords } from '../lamps/lamp-records.js';
import type { RoomStore, StoredRoom } from '../store/room-store.js';
import type { RoomDisplays } from './room-displays.js';

export { DEFAULT_ROOM_ID };

/** A named group of lamps with its own display state (see RoomDisplays). */
export interface Room {
  id: string;
  name: string;
  /** 0 first. */
  position: number;
  isDefault: boolean;
}

export interface DeletedRoom {
  roomId: string;
  movedLampIds: string[];
  defaultRoom: Room;
}

/** Wakes the followers of the room list: something about the rooms changed; they read it again. */
export type RoomEvents = { roomsChanged: null };

export const MAX_ROOMS = 100;
export const ROOM_NAME_MAX = 64;

/**
 * The rooms: create, rename, reorder, delete. The default room (`home`) holds every lamp not
 * placed elsewhere and is never deleted; deleting another room moves its lamps there, and the
 * online ones get its packet at once.
 */
export class Rooms {
  readonly #rooms = new Map<string, Room>();

  constructor(
    stored: readonly StoredRoom[],
    private readonly store: RoomStore,
    private readonly displays: RoomDisplays,
    private readonly records: LampRecords,
    private readonly connections: LampConnections,
    private readonly dispatch: CommandDispatch,
    private readonly pubsub: PubSub<RoomEvents>,
    private readonly clock: Clock,
  ) {
    for (const room of stored) this.#rooms.set(room.id, roomOf(room));
  }

  /** By position. */
  list(): Room[] {
    return [...this.#rooms.values()].sort((a, b) => a.position - b.position).map((room) => ({ ...room }));
  }

  find(id: string): Room | undefined {
    const room = this.#rooms.get(id);
    return room && { ...room };
  }

  /** The room, or InvalidInput naming `argument`. */
  require(id: string, argument = 'roomId'): Room {
    const room = this.find(id);
    if (!room) throw new InvalidInput(argument, `no room with id ${id}`);
    return room;
  }

  defaultRoom(): Room {
    return this.find(DEFAULT_ROOM_ID)!;
  }

  /** A new room, last in the list, showing nothing (OFF) until it is set. */
  create(name: string): Room {
    this.#checkName(name, null);
    if (this.#rooms.size >= MAX_ROOMS) throw new InvalidInput('name', `there are ${MAX_ROOMS} rooms already, the most there can be`);
    const now = this.clock.now();
    const stored: StoredRoom = {
      id: `room-${randomBytes(9).toString('base64url')}`,
      name,
      position: Math.max(-1, ...[...this.#rooms.values()].map((room) => room.position)) + 1,
      display: { mode: 'OFF', color: { r: 255, g: 255, b: 255 }, pulse: 0, revision: 0, updatedAt: now },
    };
    this.store.add(stored);
    const room = roomOf(stored);
    this.#rooms.set(room.id, room);
    this.displays.add(stored);
    this.#changed();
    return { ...room };
  }

  rename(id: string, name: string): Room {
    const room = this.#rooms.get(this.require(id).id)!;
    this.#checkName(name, id);
    this.store.rename(id, name);
    room.name = name;
    this.#changed();
    return { ...room };
  }

  /** `ids` is every room's id once, in the new order. */
  reorder(ids: readonly string[]): Room[] {
    const unknown = ids.filter((id) => !this.#rooms.has(id));
    if (unknown.length > 0) throw new InvalidInput('roomIds', `no room with id ${unknown.join(', ')}`);
    if (new Set(ids).size !== ids.length) throw new InvalidInput('roomIds', 'names a room more than once');
    if (ids.length !== this.#rooms.size) {
      const missing = [...this.#rooms.keys()].filter((id) => !ids.includes(id));
      throw new InvalidInput('roomIds', `must name every room; missing ${missing.join(', ')}`);
    }
    this.store.reorder(ids);
    ids.forEach((id, position) => (this.#rooms.get(id)!.position = position));
    this.#changed();
    return this.list();
  }

  /** Deletes a room; its lamps move to the default room, and those online get its packet at once. */
  delete(id: string): DeletedRoom {
    this.require(id);
    if (id === DEFAULT_ROOM_ID) throw new InvalidInput('roomId', 'the default room cannot be deleted');
    const movedLampIds = this.store.delete(id, DEFAULT_ROOM_ID);
    this.records.placedIn(movedLampIds, DEFAULT_ROOM_ID);
    this.#rooms.delete(id);
    this.displays.remove(id);
    const online = movedLampIds.flatMap((lampId) => this.connections.ofLamp(lampId)?.id ?? []);
    this.dispatch.move(online, DEFAULT_ROOM_ID);
    for (const lampId of movedLampIds) {
      const lamp = this.records.find(lampId);
      if (lamp) this.connections.changed(lamp);
    }
    const remaining = this.list().map((room) => room.id);
    this.store.reorder(remaining);
    remaining.forEach((roomId, position) => (this.#rooms.get(roomId)!.position = position));
    this.#changed();
    return { roomId: id, movedLampIds, defaultRoom: this.defaultRoom() };
  }

  /** Lamps were moved between rooms: the rooms' lamp counts changed. */
  lampsChanged(): void {
    this.#changed();
  }

  /** The whole list at once, then again after every change; a slow reader gets the newest list. */
  async *updates(signal?: AbortSignal): AsyncGenerator<Room[]> {
    const wakes = this.pubsub.latest('roomsChanged', signal);
    try {
      yield this.list();
      for await (const _wake of wakes) yield this.list();
    } finally {
      await wakes.return?.();
    }
  }

  #checkName(name: string, exceptId: string | null): void {
    const wanted = name.toLowerCase();
    const holder = [...this.#rooms.values()].find((room) => room.id !== exceptId && room.name.toLowerCase() === wanted);
    if (holder) throw new InvalidInput('name', `a room named ${JSON.stringify(holder.name)} exists already`);
  }

  #changed(): void {
    this.pubsub.publish('roomsChanged', null);
  }
}

function roomOf(stored: StoredRoom): Room {
  return { id: stored.id, name: stored.name, position: stored.position, isDefault: stored.id === DEFAULT_ROOM_ID };
}
