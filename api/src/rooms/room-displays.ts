import type { Rgb } from '@cloud-cloud/protocol/packet';
import type { Clock } from '../clock.js';
import {
  DEFAULT_WEATHER,
  displayFrame,
  sameDisplay,
  sameTransition,
  type DisplayMode,
  type DisplayState,
  type DisplayTarget,
  type DisplayTransition,
  type WeatherDisplay,
} from '../display/display-state.js';
import type { PubSub } from '../events/pubsub.js';
import type { DeferredWrite } from '../store/durability.js';
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

/** The longest transition a change may ask for: two hours. */
export const MAX_TRANSITION_MS = 7_200_000;

/** How a change is shown: at once (no or 0 `transitionMs`), or faded over up to two hours. */
export interface TransitionOptions {
  transitionMs?: number;
}

/** A fade RoomDisplays started: the room's display when it began, and where it goes. */
export interface FadeStart {
  roomId: string;
  from: DisplayTarget;
  transition: DisplayTransition;
}

/**
 * What steps fades (RoomFades): RoomDisplays tells it of every change a person or schedule makes,
 * which ends the fade running in those rooms, and of each fade it starts.
 */
export interface FadeRunner {
  cancel(roomIds: readonly string[]): void;
  begin(fades: readonly FadeStart[]): void;
  /** Whether a change from `from` to `to` can be stepped; otherwise it is made at once. */
  canFade(from: DisplayTarget, to: DisplayTarget): boolean;
}

/** A change as applied: `transition` undefined keeps the room's. */
interface AppliedChange extends RoomChange {
  transition?: DisplayTransition | null;
}

/**
 * `displayState:<room id>` carries each change of that room (null: the room was deleted);
 * `roomFrames` only wakes the frame followers, which then read what changed.
 */
export type DisplayEvents = { [topic: `displayState:${string}`]: DisplayState | null } & { roomFrames: null } & RoomEvents;

/** Puts a write off to the end of the turn; the durability barrier (`Durability`) waits for it. */
export interface WriteDeferral {
  deferWrite(write: DeferredWrite): void;
}

/**
 * The one place rooms' display states change. Each change is published, in the order it was
 * made, and stored at the end of the same turn of the event loop: its frame is on the way to
 * the lamps before the database is written, and a mutation still answers only once the change
 * is stored and synced (the durability barrier waits for deferred writes). A change that would
 * not alter what the room shows is not a change at all. The weather is one for every room: a
 * change of it changes every room's state. Arguments are expected to be validated by the
 * caller (the schema does it).
 */
export class RoomDisplays {
  readonly #states = new Map<string, DisplayState>();
  /** Rooms whose state has changed since it was last stored. */
  readonly #unsaved = new Set<string>();
  #weather: WeatherDisplay;
  #fades: FadeRunner | undefined;

  constructor(
    rooms: readonly StoredRoom[],
    private readonly store: RoomStore,
    private readonly state: StateStore,
    private readonly events: PubSub<DisplayEvents>,
    private readonly clock: Clock,
    private readonly writes: WriteDeferral,
  ) {
    this.#weather = state.loadWeatherDisplay() ?? DEFAULT_WEATHER;
    for (const room of rooms) this.#states.set(room.id, { roomId: room.id, ...room.display, weather: this.#weather, transition: null });
  }

  /** Lets changes with a transition fade, and every change end the room's running fade. */
  attachFades(fades: FadeRunner): void {
    this.#fades = fades;
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
    const state: DisplayState = { roomId: room.id, ...room.display, weather: this.#weather, transition: null };
    this.#states.set(room.id, state);
    this.events.publish('roomFrames', null);
    return state;
  }

  /** Stops showing a deleted room; its followers' streams end. */
  remove(roomId: string): void {
    if (!this.#states.delete(roomId)) return;
    this.#fades?.cancel([roomId]);
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

  change(roomId: string, change: DisplayChange, options?: TransitionOptions): DisplayState {
    return this.changeRooms([{ roomId, change }], options)[0]!;
  }

  /** The same change in every room: each room changes (and is published) once. */
  changeAll(change: DisplayChange, options?: TransitionOptions): DisplayState[] {
    return this.changeRooms(
      [...this.#states.keys()].map((roomId) => ({ roomId, change })),
      options,
    );
  }

  /**
   * A change for each of these rooms (a scene, say), stored together and published once per
   * room. Throws before changing anything when a room does not exist. Ends any fade running in
   * these rooms. With `transitionMs`, each room that can be stepped there (not from or to
   * weather) keeps what it shows and gets a FADE transition, which the fade runner steps; the
   * others change at once.
   */
  changeRooms(changes: readonly RoomChange[], options: TransitionOptions = {}): DisplayState[] {
    const now = this.clock.now();
    const currents = changes.map(({ roomId }) => this.#require(roomId));
    const transitionMs = options.transitionMs ?? 0;
    if (!(transitionMs >= 0 && transitionMs <= MAX_TRANSITION_MS)) {
      throw new RangeError(`transitionMs must be from 0 to ${MAX_TRANSITION_MS}, got ${transitionMs}`);
    }
    const fades: FadeStart[] = [];
    const applied = changes.map(({ roomId, change }, i): AppliedChange => {
      const current = currents[i]!;
      const target = targetOf({
        mode: change.mode ?? current.mode,
        color: change.color ?? current.color,
        pulse: change.pulse ?? current.pulse,
      });
      const from = targetOf(current);
      if (transitionMs <= 0 || !this.#fades?.canFade(from, target)) return { roomId, change, transition: null };
      const transition: DisplayTransition = { kind: 'FADE', target, startedAt: now, endsAt: new Date(now.getTime() + transitionMs) };
      fades.push({ roomId, from, transition });
      return { roomId, change: {}, transition };
    });
    this.#fades?.cancel(changes.map(({ roomId }) => roomId));
    const results = this.#apply(applied, now);
    if (fades.length > 0) this.#fades!.begin(fades);
    return results;
  }

  /**
   * Shows one step of the room's own transition (or its end, `transition` null). The fade's
   * steps go the same way as any change, stored and published, but do not end the fade.
   */
  showTransitionStep(roomId: string, display: DisplayTarget, transition: DisplayTransition | null): DisplayState {
    this.#require(roomId);
    return this.#apply([{ roomId, change: display, transition }], this.clock.now())[0]!;
  }

  /** Changes what weather mode shows, in every room. Returns whether anything changed. */
  setWeather(weather: WeatherDisplay): boolean {
    if (weather.state === this.#weather.state && weather.intensity === this.#weather.intensity) return false;
    this.#weather = { ...weather };
    this.state.saveWeatherDisplay(this.#weather);
    this.#apply(
      [...this.#states.keys()].map((roomId) => ({ roomId, change: {} })),
      this.clock.now(),
    );
    return true;
  }

  #apply(changes: readonly AppliedChange[], now: Date): DisplayState[] {
    const results: DisplayState[] = [];
    const changed: DisplayState[] = [];
    for (const { roomId, change, transition } of changes) {
      const current = this.#require(roomId);
      const candidate: DisplayState = {
        ...current,
        ...change,
        color: change.color ? { ...change.color } : current.color,
        weather: this.#weather,
        transition: transition === undefined ? current.transition : transition,
      };
      if (sameDisplay(candidate, current) && sameTransition(candidate.transition, current.transition)) {
        results.push(current);
        continue;
      }
      const next = { ...candidate, revision: current.revision + 1, updatedAt: now };
      results.push(next);
      changed.push(next);
    }
    if (changed.length === 0) return results;
    for (const state of changed) {
      this.#states.set(state.roomId, state);
      this.#unsaved.add(state.roomId);
      this.events.publish(`displayState:${state.roomId}`, state);
    }
    this.events.publish('roomFrames', null);
    this.events.publish('roomsChanged', null);
    this.writes.deferWrite(this.#saveUnsaved);
    return results;
  }

  /** Stores every room changed since the last write, as it is now (several changes, one write). */
  readonly #saveUnsaved = (): void => {
    const displays: { roomId: string; display: DisplayState }[] = [];
    for (const roomId of this.#unsaved) {
      const display = this.#states.get(roomId);
      // A room deleted since has nothing left to store.
      if (display) displays.push({ roomId, display });
    }
    if (displays.length > 0) this.store.saveDisplays(displays);
    // Cleared only once written: a failed write is made again, with whatever is current then.
    this.#unsaved.clear();
  };

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

function targetOf(state: DisplayTarget): DisplayTarget {
  return { mode: state.mode, color: { ...state.color }, pulse: state.pulse };
}

function frameOf(state: DisplayState): RoomFrame {
  return { roomId: state.roomId, frame: displayFrame(state), revision: state.revision };
}
