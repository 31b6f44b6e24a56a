import type { Logger } from 'pino';
import type { DisplayState } from '../display/display-state.js';
import type { StateStore } from '../store/state-store.js';
import type { OnMode } from './room-light-messages.js';

/**
 * The mode each room showed last before it went OFF, so that a light switched ON in Home
 * Assistant comes back as it was (weather or its colour). Kept across restarts.
 */
export class RoomOnModes {
  readonly #modes = new Map<string, OnMode>();

  constructor(
    private readonly store: StateStore,
    private readonly logger: Logger,
  ) {
    for (const [roomId, mode] of Object.entries(this.#load())) this.#modes.set(roomId, mode);
  }

  /** The mode to switch ON to; MANUAL when the room was never seen on. */
  of(roomId: string): OnMode {
    return this.#modes.get(roomId) ?? 'MANUAL';
  }

  /** Remembers the mode of every room that is on, and forgets rooms no longer there. */
  saw(displays: readonly DisplayState[]): void {
    let changed = false;
    const present = new Set(displays.map((display) => display.roomId));
    for (const roomId of [...this.#modes.keys()]) {
      if (present.has(roomId)) continue;
      this.#modes.delete(roomId);
      changed = true;
    }
    for (const display of displays) {
      if (display.mode === 'OFF' || this.#modes.get(display.roomId) === display.mode) continue;
      this.#modes.set(display.roomId, display.mode);
      changed = true;
    }
    if (changed) this.#save();
  }

  #load(): Record<string, OnMode> {
    const text = this.store.readSetting('mqtt_room_on_modes');
    if (text === undefined) return {};
    try {
      const parsed = JSON.parse(text) as unknown;
      if (typeof parsed !== 'object' || parsed === null) return {};
      return Object.fromEntries(
        Object.entries(parsed).filter((entry): entry is [string, OnMode] => entry[1] === 'WEATHER' || entry[1] === 'MANUAL'),
      );
    } catch {
      this.logger.warn("the rooms' remembered modes are unreadable; ON switches rooms to MANUAL until they are seen on");
      return {};
    }
  }

  #save(): void {
    try {
      this.store.writeSetting('mqtt_room_on_modes', JSON.stringify(Object.fromEntries(this.#modes)));
    } catch (error) {
      this.logger.error({ err: error }, "could not store the rooms' remembered modes");
    }
  }
}
