import type { Logger } from 'pino';
import type { StateStore } from '../store/state-store.js';

export type EntityKind = 'rooms' | 'lamps' | 'scenes';

/**
 * The rooms, lamps and scenes whose configs and states are on the broker, kept across restarts:
 * one deleted while the broker was away (or the bridge off) is still cleared from the broker
 * when the bridge is back.
 */
export class PublishedEntities {
  readonly #ids: Record<EntityKind, Set<string>> = { rooms: new Set(), lamps: new Set(), scenes: new Set() };
  #saving = false;

  constructor(
    private readonly store: StateStore,
    private readonly logger: Logger,
  ) {
    const text = store.readSetting('mqtt_published');
    if (text === undefined) return;
    try {
      const stored = JSON.parse(text) as Partial<Record<EntityKind, unknown>>;
      for (const kind of ['rooms', 'lamps', 'scenes'] as const) {
        const ids = stored[kind];
        if (Array.isArray(ids)) for (const id of ids) if (typeof id === 'string') this.#ids[kind].add(id);
      }
    } catch {
      logger.warn('the list of entities published over MQTT is unreadable; entities deleted before now stay on the broker');
    }
  }

  ids(kind: EntityKind): string[] {
    return [...this.#ids[kind]];
  }

  has(kind: EntityKind, id: string): boolean {
    return this.#ids[kind].has(id);
  }

  add(kind: EntityKind, id: string): void {
    if (this.#ids[kind].has(id)) return;
    this.#ids[kind].add(id);
    this.#changed();
  }

  delete(kind: EntityKind, id: string): void {
    if (this.#ids[kind].delete(id)) this.#changed();
  }

  /** Written once per burst of changes (a first connection adds every lamp at once). */
  #changed(): void {
    if (this.#saving) return;
    this.#saving = true;
    queueMicrotask(() => {
      this.#saving = false;
      const stored = { rooms: this.ids('rooms'), lamps: this.ids('lamps'), scenes: this.ids('scenes') };
      try {
        this.store.writeSetting('mqtt_published', JSON.stringify(stored));
      } catch (error) {
        this.logger.error({ err: error }, 'could not store the list of entities published over MQTT');
      }
    });
  }
}
