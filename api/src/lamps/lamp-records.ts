import { randomBytes } from 'node:crypto';
import type { LampRecord, LampStore, StoredDebugMessage } from '../store/lamp-store.js';

/**
 * Every lamp's record, held in memory (lamps are counted in thousands at most) and written
 * through to the store, with the lookups recognising a lamp needs: by own secret, by MAC, by
 * address, by name. Those are indexed, so a burst of lamps connecting does not scan every
 * record for each. Records handed out are copies; changes go through `save`.
 */
export class LampRecords {
  readonly #byId = new Map<string, LampRecord>();
  readonly #bySecretHash = new KeyIndex();
  readonly #byMac = new KeyIndex();
  readonly #byAddress = new KeyIndex();
  readonly #byName = new KeyIndex();
  /** Lamps whose online times changed in memory only (see `remember`). */
  readonly #unsaved = new Set<string>();

  constructor(private readonly store: LampStore) {
    for (const lamp of store.all()) this.#put(lamp);
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
    return this.#firstOf(this.#bySecretHash.ids(secretHash));
  }

  byMac(mac: string): LampRecord | undefined {
    return this.#firstOf(this.#byMac.ids(mac));
  }

  /** Lamps recognised by their address (weak identity) last seen at `address`. */
  atAddress(address: string): LampRecord[] {
    const lamps: LampRecord[] = [];
    for (const id of this.#byAddress.ids(address)) {
      const lamp = this.#byId.get(id);
      if (lamp?.identity === 'ADDRESS') lamps.push({ ...lamp });
    }
    return lamps;
  }

  /** Whether a lamp other than `exceptId` has this name (case-insensitively). */
  nameTaken(name: string, exceptId: string | null = null): boolean {
    for (const id of this.#byName.ids(name.toLowerCase())) if (id !== exceptId) return true;
    return false;
  }

  /** `base`, or `base (2)`, `base (3)`… whichever no lamp has yet. */
  freeName(base: string): string {
    if (!this.nameTaken(base)) return base;
    for (let n = 2; ; n++) if (!this.nameTaken(`${base} (${n})`)) return `${base} (${n})`;
  }

  save(lamp: LampRecord): LampRecord {
    this.store.save(lamp);
    this.#put({ ...lamp });
    this.#unsaved.delete(lamp.id);
    return { ...lamp };
  }

  /** Stores these records together, in one transaction. */
  saveAll(lamps: readonly LampRecord[]): void {
    if (lamps.length === 0) return;
    this.store.saveAll(lamps);
    for (const lamp of lamps) {
      this.#put({ ...lamp });
      this.#unsaved.delete(lamp.id);
    }
  }

  /** Whether the record has changes kept in memory only. */
  isUnsaved(id: string): boolean {
    return this.#unsaved.has(id);
  }

  /**
   * Keeps a change in memory only: for what a lamp's coming online changes and nothing else
   * (when it came online, when it was last seen), which its going offline then stores. A burst
   * of known lamps reconnecting costs no disk writes.
   */
  remember(lamp: LampRecord): LampRecord {
    this.#put({ ...lamp });
    this.#unsaved.add(lamp.id);
    return { ...lamp };
  }

  /** Whether `lamp` differs from the stored record in anything but its online times. */
  differsFromStored(lamp: LampRecord): boolean {
    const stored = this.#byId.get(lamp.id);
    if (!stored) return true;
    return (
      stored.name !== lamp.name ||
      stored.roomId !== lamp.roomId ||
      stored.identity !== lamp.identity ||
      stored.secretHash !== lamp.secretHash ||
      stored.mac !== lamp.mac ||
      stored.firmwareVersion !== lamp.firmwareVersion ||
      stored.lastAddress !== lamp.lastAddress ||
      (stored.revokedAt?.getTime() ?? null) !== (lamp.revokedAt?.getTime() ?? null)
    );
  }

  /** Deletes the record with its debug lines and its own secret. */
  forget(id: string): void {
    this.store.forget(id);
    this.#drop(id);
    this.#unsaved.delete(id);
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

  #firstOf(ids: Iterable<string>): LampRecord | undefined {
    for (const id of ids) {
      const lamp = this.#byId.get(id);
      if (lamp) return { ...lamp };
    }
    return undefined;
  }

  #put(lamp: LampRecord): void {
    this.#drop(lamp.id);
    this.#byId.set(lamp.id, lamp);
    this.#bySecretHash.add(lamp.secretHash, lamp.id);
    this.#byMac.add(lamp.mac, lamp.id);
    this.#byAddress.add(lamp.lastAddress, lamp.id);
    this.#byName.add(lamp.name.toLowerCase(), lamp.id);
  }

  #drop(id: string): void {
    const lamp = this.#byId.get(id);
    if (!lamp) return;
    this.#byId.delete(id);
    this.#bySecretHash.remove(lamp.secretHash, id);
    this.#byMac.remove(lamp.mac, id);
    this.#byAddress.remove(lamp.lastAddress, id);
    this.#byName.remove(lamp.name.toLowerCase(), id);
  }
}

/** Lamp ids by one field's value; a value may be shared (names of a revoked and an active lamp, say). */
class KeyIndex {
  readonly #ids = new Map<string, Set<string>>();

  ids(key: string): ReadonlySet<string> {
    return this.#ids.get(key) ?? NONE;
  }

  add(key: string | null, id: string): void {
    if (key === null) return;
    const ids = this.#ids.get(key);
    if (ids) ids.add(id);
    else this.#ids.set(key, new Set([id]));
  }

  remove(key: string | null, id: string): void {
    if (key === null) return;
    const ids = this.#ids.get(key);
    ids?.delete(id);
    if (ids?.size === 0) this.#ids.delete(key);
  }
}

const NONE: ReadonlySet<string> = new Set();

/** A new lamp's id: `lamp-` and 12 random base32-ish characters. */
export function newLampId(): string {
  return `lamp-${randomBytes(9).toString('base64url')}`;
}
