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
  /** Only lamps recognised by their address: a fleet behind one address with MACs is not scanned per lamp. */
  readonly #byAddress = new KeyIndex();
  readonly #byName = new KeyIndex();
  /**
   * Per base name (lower case), the number below which every `base (n)` is taken, so naming the
   * Nth "Lamp at 10.0.0.2" tries one name rather than N. Lowered when such a name is freed.
   */
  readonly #nameSuffixFrom = new Map<string, number>();
  /** Lamps whose online times changed in memory only (see `remember`). */
  readonly #unsaved = new Set<string>();
  /** Records whose write failed: `differsFromStored` says so until they are written. */
  readonly #unwritten = new Set<string>();
  /** While `together` runs: the records saved, written in one transaction when it ends. */
  #batch: Map<string, LampRecord> | null = null;

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
      if (lamp) lamps.push({ ...lamp });
    }
    return lamps;
  }

  /** Whether a lamp other than `exceptId` has this name (case-insensitively). */
  nameTaken(name: string, exceptId: string | null = null): boolean {
    for (const id of this.#byName.ids(name.toLowerCase())) if (id !== exceptId) return true;
    return false;
  }

  /** `base`, or `base (2)`, `base (3)`… the first that no lamp has yet. */
  freeName(base: string): string {
    if (!this.nameTaken(base)) return base;
    const key = base.toLowerCase();
    let n = this.#nameSuffixFrom.get(key) ?? 2;
    while (this.nameTaken(`${base} (${n})`)) n++;
    this.#nameSuffixFrom.set(key, n + 1);
    return `${base} (${n})`;
  }

  save(lamp: LampRecord): LampRecord {
    this.saveAll([lamp]);
    return { ...lamp };
  }

  /**
   * Runs `work`, writing every record it saves in one transaction as it ends (one sync to disk
   * for a whole burst of new lamps). Should that write fail, the error is rethrown and the
   * records are kept as unsaved and differing from the store, so the next chance stores them.
   */
  together<T>(work: () => T): T {
    if (this.#batch) return work();
    const batch = new Map<string, LampRecord>();
    this.#batch = batch;
    try {
      return work();
    } finally {
      this.#batch = null;
      this.#write(batch);
    }
  }

  #write(batch: Map<string, LampRecord>): void {
    if (batch.size === 0) return;
    try {
      this.store.saveAll([...batch.values()]);
      for (const id of batch.keys()) this.#unwritten.delete(id);
    } catch (error) {
      for (const id of batch.keys()) {
        if (!this.#byId.has(id)) continue;
        this.#unsaved.add(id);
        this.#unwritten.add(id);
      }
      throw error;
    }
  }

  /** Stores these records together, in one transaction. */
  saveAll(lamps: readonly LampRecord[]): void {
    if (lamps.length === 0) return;
    if (this.#batch) for (const lamp of lamps) this.#batch.set(lamp.id, { ...lamp });
    else this.store.saveAll(lamps);
    for (const lamp of lamps) {
      this.#put({ ...lamp });
      this.#unsaved.delete(lamp.id);
      if (!this.#batch) this.#unwritten.delete(lamp.id);
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
    if (!stored || this.#unwritten.has(lamp.id)) return true;
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
    this.#batch?.delete(id);
    this.store.forget(id);
    const name = this.#byId.get(id)?.name;
    this.#drop(id);
    if (name !== undefined) this.#nameFreed(name.toLowerCase());
    this.#unsaved.delete(id);
    this.#unwritten.delete(id);
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
    const before = this.#byId.get(lamp.id)?.name.toLowerCase();
    this.#drop(lamp.id);
    if (before !== undefined && before !== lamp.name.toLowerCase()) this.#nameFreed(before);
    this.#byId.set(lamp.id, lamp);
    this.#bySecretHash.add(lamp.secretHash, lamp.id);
    this.#byMac.add(lamp.mac, lamp.id);
    if (lamp.identity === 'ADDRESS') this.#byAddress.add(lamp.lastAddress, lamp.id);
    this.#byName.add(lamp.name.toLowerCase(), lamp.id);
  }

  #drop(id: string): void {
    const lamp = this.#byId.get(id);
    if (!lamp) return;
    this.#byId.delete(id);
    this.#bySecretHash.remove(lamp.secretHash, id);
    this.#byMac.remove(lamp.mac, id);
    if (lamp.identity === 'ADDRESS') this.#byAddress.remove(lamp.lastAddress, id);
    this.#byName.remove(lamp.name.toLowerCase(), id);
  }

  /** A freed `base (n)` is the first free one again. */
  #nameFreed(name: string): void {
    const numbered = / \((\d+)\)$/.exec(name);
    if (!numbered) return;
    const base = name.slice(0, numbered.index);
    const from = this.#nameSuffixFrom.get(base);
    const n = Number(numbered[1]);
    if (from !== undefined && n < from) this.#nameSuffixFrom.set(base, n);
  }
}

/**
 * Lamp ids by one field's value; a value may be shared (names of a revoked and an active lamp,
 * say), but mostly is not, so a lone id is kept as it is rather than in a set of its own.
 */
class KeyIndex {
  readonly #ids = new Map<string, string | Set<string>>();

  ids(key: string): Iterable<string> {
    const ids = this.#ids.get(key);
    if (ids === undefined) return NONE;
    return typeof ids === 'string' ? [ids] : ids;
  }

  add(key: string | null, id: string): void {
    if (key === null) return;
    const ids = this.#ids.get(key);
    if (ids === undefined || ids === id) this.#ids.set(key, id);
    else if (typeof ids === 'string') this.#ids.set(key, new Set([ids, id]));
    else ids.add(id);
  }

  remove(key: string | null, id: string): void {
    if (key === null) return;
    const ids = this.#ids.get(key);
    if (ids === id) this.#ids.delete(key);
    else if (typeof ids === 'object') {
      ids.delete(id);
      if (ids.size === 1) this.#ids.set(key, ids.values().next().value!);
    }
  }
}

const NONE: ReadonlySet<string> = new Set();

/** A new lamp's id: `lamp-` and 12 random base32-ish characters. */
export function newLampId(): string {
  return `lamp-${randomBytes(9).toString('base64url')}`;
}
