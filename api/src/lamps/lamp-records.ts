import { randomBytes } from 'node:crypto';
import type { LampRecord, LampStore, StoredDebugMessage } from '../store/lamp-store.js';

/**
 * Every lamp's record, held in memory (lamps are counted in thousands at most) and written
 * through to the store, with the lookups recognising a lamp needs: by own secret, by MAC, by
 * address. Records handed out are copies; changes go through `save`.
 */
export class LampRecords {
  readonly #byId = new Map<string, LampRecord>();

  constructor(private readonly store: LampStore) {
    for (const lamp of store.all()) this.#byId.set(lamp.id, lamp);
  }

  find(id: string): LampRecord | undefined {
    const lamp = this.#byId.get(id);
    return lamp && { ...lamp };
  }

  all(): LampRecord[] {
    return [...this.#byId.values()].map((lamp) => ({ ...lamp }));
  }

  inRoom(roomId: string): LampRecord[] {
    return this.all().filter((lamp) => lamp.roomId === roomId);
  }

  bySecretHash(secretHash: string): LampRecord | undefined {
    return this.#first((lamp) => lamp.secretHash === secretHash);
  }

  byMac(mac: string): LampRecord | undefined {
    return this.#first((lamp) => lamp.mac === mac);
  }

  /** Lamps recognised by their address (weak identity) last seen at `address`. */
  atAddress(address: string): LampRecord[] {
    return this.all().filter((lamp) => lamp.identity === 'ADDRESS' && lamp.lastAddress === address);
  }

  /** Whether a lamp other than `exceptId` has this name (case-insensitively). */
  nameTaken(name: string, exceptId: string | null = null): boolean {
    const wanted = name.toLowerCase();
    return this.#first((lamp) => lamp.id !== exceptId && lamp.name.toLowerCase() === wanted) !== undefined;
  }

  /** `base`, or `base (2)`, `base (3)`… whichever no lamp has yet. */
  freeName(base: string): string {
    if (!this.nameTaken(base)) return base;
    for (let n = 2; ; n++) if (!this.nameTaken(`${base} (${n})`)) return `${base} (${n})`;
  }

  save(lamp: LampRecord): LampRecord {
    this.store.save(lamp);
    this.#byId.set(lamp.id, { ...lamp });
    return { ...lamp };
  }

  /** Deletes the record with its debug lines and its own secret. */
  forget(id: string): void {
    this.store.forget(id);
    this.#byId.delete(id);
  }

  /** Files these lamps under another room (their rows are already moved, e.g. with a deleted room). */
  placedIn(ids: readonly string[], roomId: string): void {
    for (const id of ids) {
      const lamp = this.#byId.get(id);
      if (lamp) lamp.roomId = roomId;
    }
  }

  appendDebugMessage(lampId: string, message: { at: Date; text: string }): StoredDebugMessage {
    return this.store.appendDebugMessage(lampId, message);
  }

  /** Up to `limit` of a lamp's debug lines older than the line `beforeId` (null: the newest), oldest first. */
  debugMessages(lampId: string, limit: number, beforeId: number | null): StoredDebugMessage[] {
    return this.store.debugMessages(lampId, limit, beforeId);
  }

  /** The newest `limit` debug lines of each of these lamps, oldest first. */
  recentDebugMessagesOf(lampIds: readonly string[], limit: number): Map<string, StoredDebugMessage[]> {
    return this.store.recentDebugMessagesOf(lampIds, limit);
  }

  #first(test: (lamp: LampRecord) => boolean): LampRecord | undefined {
    for (const lamp of this.#byId.values()) if (test(lamp)) return { ...lamp };
    return undefined;
  }
}

/** A new lamp's id: `lamp-` and 12 random base32-ish characters. */
export function newLampId(): string {
  return `lamp-${randomBytes(9).toString('base64url')}`;
}
