import { randomBytes } from 'node:crypto';
import type { Rgb } from '@cloud-cloud/protocol/packet';
import type { Clock } from '../clock.js';
import type { DisplayMode, DisplayState } from '../display/display-state.js';
import type { PubSub } from '../events/pubsub.js';
import { InvalidInput } from '../invalid-input.js';
import type { RoomDisplays } from '../rooms/room-displays.js';
import type { RoomEvents, Rooms } from '../rooms/rooms.js';
import type { SceneStore, StoredScene } from '../store/scene-store.js';
import { checkNewOrder, checkUniqueName, nextPosition } from './ordered-names.js';

/** What a scene sets in one room. */
export interface SceneRoom {
  roomId: string;
  mode: DisplayMode;
  color: Rgb;
  pulse: number;
}

/** A named look for one or more rooms. `rooms` is by room position; empty once all its rooms were deleted. */
export interface Scene {
  id: string;
  name: string;
  /** 0 first. */
  position: number;
  rooms: SceneRoom[];
}

/** Wakes the followers of the scene list: something about the scenes changed; they read it again. */
export type SceneEvents = { scenesChanged: null };

export const MAX_SCENES = 100;
export const SCENE_NAME_MAX = 40;

/**
 * Scenes: the current look of rooms saved under a name, and applied again with one call (one
 * change per room, each room published once). A deleted room leaves every scene that named it.
 */
export class Scenes {
  constructor(
    private readonly store: SceneStore,
    private readonly rooms: Rooms,
    private readonly displays: RoomDisplays,
    private readonly pubsub: PubSub<SceneEvents & RoomEvents>,
    private readonly clock: Clock,
  ) {}

  /** By position. */
  list(): Scene[] {
    return this.store.list().map((scene) => this.#sceneOf(scene));
  }

  find(id: string): Scene | undefined {
    return this.list().find((scene) => scene.id === id);
  }

  /** The scene, or InvalidInput naming `argument`. */
  require(id: string, argument = 'sceneId'): Scene {
    const scene = this.find(id);
    if (!scene) throw new InvalidInput(argument, `no scene with id ${id}`);
    return scene;
  }

  /** A new scene, last in the list: what these rooms (every room when null) show now. */
  save(name: string, roomIds: readonly string[] | null = null): Scene {
    const scenes = this.store.list();
    checkUniqueName(scenes, name, null, 'scene');
    if (scenes.length >= MAX_SCENES) throw new InvalidInput('name', `there are ${MAX_SCENES} scenes already, the most there can be`);
    const stored: StoredScene = {
      id: `scene-${randomBytes(9).toString('base64url')}`,
      name,
      position: nextPosition(scenes),
      rooms: this.#currentLook(roomIds),
    };
    this.store.add(stored, this.clock.now());
    this.#changed();
    return this.require(stored.id);
  }

  /** The scene takes what these rooms (every room when null) show now, in place of what it had. */
  updateFromRooms(id: string, roomIds: readonly string[] | null = null): Scene {
    this.require(id);
    this.store.replaceRooms(id, this.#currentLook(roomIds));
    this.#changed();
    return this.require(id);
  }

  rename(id: string, name: string): Scene {
    this.require(id);
    checkUniqueName(this.store.list(), name, id, 'scene');
    this.store.rename(id, name);
    this.#changed();
    return this.require(id);
  }

  /** `ids` is every scene's id once, in the new order. */
  reorder(ids: readonly string[]): Scene[] {
    checkNewOrder(
      this.store.list().map((scene) => scene.id),
      ids,
      'scene',
      'sceneIds',
    );
    this.store.reorder(ids);
    this.#changed();
    return this.list();
  }

  /** Deletes the scene; answers it as it was. */
  delete(id: string): Scene {
    const scene = this.require(id);
    this.store.delete(id);
    this.#changed();
    return scene;
  }

  /**
   * Shows the scene: one change per room, stored together and each room published once.
   * Answers the display state of each of its rooms (none for a scene whose rooms were deleted).
   */
  apply(id: string, options: { transitionMs?: number } = {}): DisplayState[] {
    const scene = this.require(id);
    const changes = scene.rooms.map(({ roomId, mode, color, pulse }) => ({ roomId, change: { mode, color, pulse } }));
    return this.displays.changeRooms(changes, options);
  }

  /**
   * The whole list at once, then again whenever it changes: a scene saved, renamed, reordered,
   * updated or deleted, or one of its rooms renamed or deleted. A slow reader gets the newest list.
   */
  async *updates(signal?: AbortSignal): AsyncGenerator<Scene[]> {
    // Room changes are frequent (every display change) and rarely touch the scenes: only a list
    // that differs from the one sent last is sent.
    const wakes = [this.pubsub.latest('scenesChanged', signal), this.pubsub.latest('roomsChanged', signal)];
    const next = (index: number) => wakes[index]!.next().then((result) => ({ index, result }));
    const pending = wakes.map((_wake, index) => next(index));
    try {
      let list = this.list();
      let sent = this.#fingerprint(list);
      yield list;
      for (;;) {
        const { index, result } = await Promise.race(pending);
        if (result.done) return;
        pending[index] = next(index);
        list = this.list();
        const fingerprint = this.#fingerprint(list);
        if (fingerprint === sent) continue;
        sent = fingerprint;
        yield list;
      }
    } finally {
      for (const wake of wakes) await wake.return?.();
    }
  }

  /** What each room named (every room when null) shows now; refuses unknown or repeated rooms. */
  #currentLook(roomIds: readonly string[] | null): SceneRoom[] {
    if (roomIds !== null && roomIds.length === 0)
      throw new InvalidInput('roomIds', 'name at least one room, or leave roomIds out for every room');
    if (roomIds !== null && new Set(roomIds).size !== roomIds.length) throw new InvalidInput('roomIds', 'names a room more than once');
    const ids = roomIds ?? this.rooms.list().map((room) => room.id);
    return ids.map((roomId) => {
      this.rooms.require(roomId, 'roomIds');
      const state = this.displays.find(roomId)!;
      return { roomId, mode: state.mode, color: { ...state.color }, pulse: state.pulse };
    });
  }

  #sceneOf(stored: StoredScene): Scene {
    const order = new Map(this.rooms.list().map((room) => [room.id, room.position]));
    const rooms = stored.rooms
      .filter((room) => order.has(room.roomId))
      .sort((a, b) => order.get(a.roomId)! - order.get(b.roomId)!)
      .map((room) => ({ ...room, color: { ...room.color } }));
    return { id: stored.id, name: stored.name, position: stored.position, rooms };
  }

  /** What a follower of the list sees: the scenes and the names of their rooms. */
  #fingerprint(list: readonly Scene[]): string {
    const names = list.flatMap((scene) => scene.rooms.map((room) => this.rooms.find(room.roomId)?.name ?? ''));
    return JSON.stringify([list, names]);
  }

  #changed(): void {
    this.pubsub.publish('scenesChanged', null);
  }
}
