import type { DisplayState } from '../display/display-state.js';
import type { StateStore } from './state-store.js';

/** Keeps state for the life of the process only. */
export class MemoryStateStore implements StateStore {
  #display: DisplayState | undefined;
  #debugEnabled = false;

  loadDisplayState(): DisplayState | undefined {
    return this.#display;
  }

  saveDisplayState(state: DisplayState): void {
    this.#display = structuredClone(state);
  }

  loadDebugEnabled(): boolean {
    return this.#debugEnabled;
  }

  saveDebugEnabled(enabled: boolean): void {
    this.#debugEnabled = enabled;
  }

  close(): void {}
}
