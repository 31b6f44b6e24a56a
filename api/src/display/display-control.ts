import type { Rgb } from '@cloud-cloud/protocol/packet';
import type { Clock } from '../clock.js';
import type { PubSub } from '../events/pubsub.js';
import type { StateStore } from '../store/state-store.js';
import { initialDisplayState, sameDisplay, type DisplayMode, type DisplayState, type WeatherDisplay } from './display-state.js';

export type DisplayEvents = { displayState: DisplayState };

/**
 * The one place display state changes. Each change is stored, then published, in the order
 * it was made; a change that would not alter what lamps show is not a change at all.
 * Arguments are expected to be validated by the caller (the schema does it).
 */
export class DisplayControl {
  #state: DisplayState;

  constructor(
    private readonly store: StateStore,
    private readonly events: PubSub<DisplayEvents>,
    private readonly clock: Clock,
  ) {
    this.#state = store.loadDisplayState() ?? initialDisplayState(clock.now());
  }

  current(): DisplayState {
    return this.#state;
  }

  setMode(mode: DisplayMode): DisplayState {
    return this.#apply({ mode });
  }

  setColor(color: Rgb): DisplayState {
    return this.#apply({ mode: 'MANUAL', color: { ...color } });
  }

  setPulse(pulse: number): DisplayState {
    return this.#apply({ mode: 'MANUAL', pulse });
  }

  setWeather(weather: WeatherDisplay): DisplayState {
    return this.#apply({ weather: { ...weather } });
  }

  #apply(change: Partial<Pick<DisplayState, 'mode' | 'color' | 'pulse' | 'weather'>>): DisplayState {
    const candidate = { ...this.#state, ...change };
    if (sameDisplay(candidate, this.#state)) return this.#state;
    const next: DisplayState = { ...candidate, revision: this.#state.revision + 1, updatedAt: this.clock.now() };
    this.store.saveDisplayState(next);
    this.#state = next;
    this.events.publish('displayState', next);
    return next;
  }

  /**
   * The current state first, then every later change, with no gap and no repeat between them.
   * A subscriber that reads slowly gets the newest state, never a queue of stale ones.
   */
  async *updates(signal?: AbortSignal): AsyncGenerator<DisplayState> {
    const changes = this.events.latest('displayState', signal);
    try {
      let last = this.#state;
      yield last;
      for await (const state of changes) {
        if (state.revision <= last.revision) continue;
        last = state;
        yield state;
      }
    } finally {
      await changes.return?.();
    }
  }
}
