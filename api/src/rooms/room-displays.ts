import type { Rgb } from '@cloud-cloud/protocol/packet';
import type { Clock } from '../clock.js';
import {
  DEFAULT_WEATHER,
  displayFrame,
  sameDisplay,
  type DisplayMode,
  type DisplayState,
  type WeatherDisplay,
} from '../display/display-state.js';
import type { PubSub } from '../events/pubsub.js';
import type { RoomStore, StoredRoom } from '../store/room-store.js';
import type { StateStore } from '../store/state-store.js';
import type { RoomEvents } from './rooms.js';

/** A room's packet as lamps receive it; `revision` only grows per room. */
export interface RoomFrame {
  roomId: string;
  frame: string;
  revision: number;
}

/** What a person may change in a room's display: at least one of these. */
export interface DisplayChange {
  mode?: DisplayMode;
  color?: Rgb;
  pulse?: number;
}

export interface RoomChange {
  roomId: string;
  change: DisplayChange;
}

/**
 * `displayState:<room id>` carries each change of that room (null: the room was deleted);
 * `roomFrames` only wakes the frame followers, which then read what changed.
 */
export type DisplayEvents = { [topic: `displayState:${string}`]: DisplayState | null } & { roomFrames: null } & RoomEvents;

/**
 * The one place rooms' display states change. Each change is stored, then published, in the
 * order it was made; a change that would not alter what the room shows is not a change at all.
 * The weather is one for every room: a change of it changes every room's state.
 * Arguments are expected to be validated by the caller (the schema does it).
 */
export class RoomDisplays {
  readonly #states = new Map<string, DisplayState>();
  #weather: WeatherDisplay;

  constructor(
    rooms: readonly StoredRoom[],
    private readonly store: RoomStore,
    private readonly state: StateStore,
    private readonly events: PubSub<DisplayEvents>,
    private readonly clock: Clock,
  ) {
    this.#weather = state.loadWeatherDisplay() ?? DEFAULT_WEATHER;
    for (const room of rooms) this.#states.set(room.id, { roomId: room.id, ...room.display, weather: this.#weather });
  }

  /** The room's state, or undefined for a room that does not exist. */
  find(roomId: string): DisplayState | undefined {
    return this.#states.get(roomId);
  }

  weather(): WeatherDisplay {
    return this.#weather;
  }

  /** The packet the room's lamps are shown; throws for a room that does not exist. */
  frame(roomId: string): string {
    return displayFrame(this.#require(roomId));
  }

  frames(): RoomFrame[] {
    return [...this.#states.values()].map(frameOf);
  }

  /** Starts showing a new room (its state already stored). */
  add(room: StoredRoom): DisplayState {
    const state: DisplayState = { roomId: room.id, ...room.display, weather: this.#weather };
    this.#states.set(room.id, state);
    this.events.publish('roomFrames', null);
    return state;
  }

  /** Stops showing a deleted room; its followers' streams end. */
  remove(roomId: string): void {
    if (!this.#states.delete(roomId)) return;
    this.events.publish(`displayState:${roomId}`, null);
  }

  setMode(roomId: string, mode: DisplayMode): DisplayState {
    return this.change(roomId, { mode });
  }

  setColor(roomId: string, color: Rgb): DisplayState {
    return this.change(roomId, { mode: 'MANUAL', color });
  }

  setPulse(roomId: string, pulse: number): DisplayState {
    return this.change(roomId, { mode: 'MANUAL', pulse });
  }

  change(roomId: string, change: DisplayChange): DisplayState {
    return this.changeRooms([{ roomId, change }])[0]!;
  }

  /** The same change in every room: each room changes (and is published) once. */
  changeAll(change: DisplayChange): DisplayState[] {
    return this.changeRooms([...this.#states.keys()].map((roomId) => ({ roomId, change })));
  }

  /**
   * A change for each of these rooms (a scene, say), stored together and published once per
   * room. Throws before changing anything when a room does not exist.
   */
  changeRooms(changes: readonly RoomChange[]): DisplayState[] {
    for (const { roomId } of changes) this.#require(roomId);
    return this.#apply(changes);
  }

  /** Changes what weather mode shows, in every room. Returns whether anything changed. */
  setWeather(weather: WeatherDisplay): boolean {
    if (weather.state === this.#weather.state && weather.intensity === this.#weather.intensity) return false;
    this.#weather = { ...weather };
    this.state.saveWeatherDisplay(this.#weather);
    this.#apply([...this.#states.keys()].map((roomId) => ({ roomId, change: {} })));
    return true;
  }

  #apply(changes: readonly RoomChange[]): DisplayState[] {
    const now = this.clock.now();
    const results: DisplayState[] = [];
    const changed: DisplayState[] = [];
    for (const { roomId, change } of changes) {
      const current = this.#require(roomId);
      const candidate: DisplayState = {
        ...current,
        ...change,
        color: change.color ? { ...change.color } : current.color,
        weather: this.#weather,
      };
      if (sameDisplay(candidate, current)) {
        results.push(current);
        continue;
      }
      const next = { ...candidate, revision: current.revision + 1, updatedAt: now };
      results.push(next);
      changed.push(next);
    }
    if (changed.length === 0) return results;
    this.store.saveDisplays(changed.map((state) => ({ roomId: state.roomId, display: state })));
    for (const state of changed) {
      this.#states.set(state.roomId, state);
      this.events.publish(`displayState:${state.roomId}`, state);
    }
    this.events.publish('roomFrames', null);
    this.events.publish('roomsChanged', null);
    return results;
  }

  #require(roomId: string): DisplayState {
    const state = this.#states.get(roomId);
    if (!state) throw new Error(`no room with id ${roomId}`);
    return state;
  }

  /**
   * The room's current state first, then every later change, with no gap and no repeat between
   * them; ends when the room is deleted. A subscriber that reads slowly gets the newest state,
   * never a queue of stale ones.
   */
  async *updates(roomId: string, signal?: AbortSignal): AsyncGenerator<DisplayState> {
    const changes = this.events.latest(`displayState:${roomId}`, signal);
    try {
      let last = this.#states.get(roomId);
      if (!last) return;
      yield last;
      for await (const state of changes) {
        if (state === null) return;
        if (state.revision <= last.revision) continue;
        last = state;
        yield state;
      }
    } finally {
      await changes.return?.();
    }
  }

  /**
   * Every room's frame at once, then each change of a room's frame. A slow reader gets the
   * newest frame of each room, never a queue: it is woken, then reads what changed since.
   */
  async *frameUpdates(signal?: AbortSignal): AsyncGenerator<RoomFrame> {
    const wakes = this.events.latest('roomFrames', signal);
    const sent = new Map<string, RoomFrame>();
    try {
      for (;;) {
        for (const state of [...this.#states.values()]) {
          const frame = frameOf(state);
          const previous = sent.get(frame.roomId);
          if (previous && (previous.frame === frame.frame || previous.revision >= frame.revision)) continue;
          sent.set(frame.roomId, frame);
          yield frame;
        }
        for (const roomId of sent.keys()) if (!this.#states.has(roomId)) sent.delete(roomId);
        const next = await wakes.next();
        if (next.done) return;
      }
    } finally {
      await wakes.return?.();
    }
  }
}

function frameOf(state: DisplayState): RoomFrame {
  return { roomId: state.roomId, frame: displayFrame(state), revision: state.revision };
}
