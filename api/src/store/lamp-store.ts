import type { SqliteDatabase } from './database.js';

/** How a lamp is recognised when it connects again (see lamps/lamp-identity). */
export type LampIdentityKind = 'OWN_SECRET' | 'MAC' | 'ADDRESS';

/** A lamp as stored: one per physical lamp, whether it is online or not. */
export interface LampRecord {
  id: string;
  name: string;
  roomId: string;
  identity: LampIdentityKind;
  /** Hash of its own secret (registered lamps); null for lamps using the shared secret. */
  secretHash: string | null;
  /** Upper case `5C:CF:7F:12:34:56` (or `ESP8266-<chip id>` from update checks), when known. */
  mac: string | null;
  firmwareVersion: string | null;
  lastAddress: string | null;
  createdAt: Date;
  /** Null until it first connects. */
  lastSeenAt: Date | null;
  /** When it last came online or went offline (its creation, before it ever connected). */
  statusSince: Date;
  revokedAt: Date | null;
}

export interface StoredDebugMessage {
  /** Grows with every line stored: the order lines arrived in, and a page's cursor. */
  id: number;
  at: Date;
  text: string;
}

interface LampRow {
  id: string;
  name: string;
  room_id: string;
  identity: LampIdentityKind;
  secret_hash: string | null;
  mac: string | null;
  firmware_version: string | null;
  last_address: string | null;
  created_at: string;
  last_seen_at: string | null;
  status_since: string;
  revoked_at: string | null;
}

interface DebugRow {
  id: number;
  at: string;
  text: string;
}

/**
 * Lamps and each lamp's recent debug lines. Debug history is bounded per lamp and in total, so
 * no number of lamps or connections can grow it without limit.
 */
export class LampStore {
  readonly #list;
  readonly #upsert;
  readonly #delete;
  readonly #insertDebug;
  readonly #trimDebug;
  readonly #trimAllDebug;
  readonly #debugPage;
  readonly #recentDebugOfLamps;
  readonly #appendDebug;
  readonly #forget;
  readonly #saveAll;

  constructor(
    db: SqliteDatabase,
    /** Debug lines kept per lamp; older ones are deleted as new ones arrive. */
    private readonly debugMessagesPerLamp = 200,
    /** Debug lines kept in all, across lamps; the oldest are deleted first. */
    private readonly debugMessagesInTotal = 10_000,
  ) {
    this.#list = db.prepare<[], LampRow>('SELECT * FROM lamps');
    this.#upsert = db.prepare(
      `INSERT INTO lamps (id, name, room_id, identity, secret_hash, mac, firmware_version, last_address, created_at,
         last_seen_at, status_since, revoked_at)
       VALUES (@id, @name, @room_id, @identity, @secret_hash, @mac, @firmware_version, @last_address, @created_at,
         @last_seen_at, @status_since, @revoked_at)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, room_id = excluded.room_id, identity = excluded.identity,
         secret_hash = excluded.secret_hash, mac = excluded.mac, firmware_version = excluded.firmware_version,
         last_address = excluded.last_address, last_seen_at = excluded.last_seen_at, status_since = excluded.status_since,
         revoked_at = excluded.revoked_at`,
    );
    this.#saveAll = db.transaction((lamps: readonly LampRecord[]) => {
      for (const lamp of lamps) this.save(lamp);
    });
    this.#delete = db.prepare('DELETE FROM lamps WHERE id = ?');
    const forgetDebug = db.prepare('DELETE FROM debug_messages WHERE lamp_key = ?');
    this.#forget = db.transaction((id: string) => {
      this.#delete.run(id);
      forgetDebug.run(id);
    });
    this.#insertDebug = db.prepare('INSERT INTO debug_messages (lamp_key, at, text) VALUES (?, ?, ?)');
    this.#trimDebug = db.prepare(
      `DELETE FROM debug_messages WHERE lamp_key = @key AND id <= (
         SELECT id FROM debug_messages WHERE lamp_key = @key ORDER BY id DESC LIMIT 1 OFFSET @keep)`,
    );
    // Ids only grow (AUTOINCREMENT never reuses one), so the newest N lines are exactly those
    // above the newest id minus N: a range delete on the primary key, never a scan.
    this.#trimAllDebug = db.prepare('DELETE FROM debug_messages WHERE id <= ?');
    this.#appendDebug = db.transaction((lampId: string, at: Date, text: string): number => {
      const { lastInsertRowid } = this.#insertDebug.run(lampId, at.toISOString(), text);
      this.#trimDebug.run({ key: lampId, keep: this.debugMessagesPerLamp });
      this.#trimAllDebug.run(Number(lastInsertRowid) - this.debugMessagesInTotal);
      return Number(lastInsertRowid);
    });
    this.#debugPage = db.prepare<[string, number, number], DebugRow>(
      'SELECT id, at, text FROM debug_messages WHERE lamp_key = ? AND id < ? ORDER BY id DESC LIMIT ?',
    );
    // The newest lines of several lamps at once: one query for a whole list of lamps.
    this.#recentDebugOfLamps = db.prepare<[string, number], DebugRow & { lamp_key: string }>(
      `SELECT lamp_key, id, at, text FROM (
         SELECT lamp_key, id, at, text, ROW_NUMBER() OVER (PARTITION BY lamp_key ORDER BY id DESC) AS newness
         FROM debug_messages WHERE lamp_key IN (SELECT value FROM json_each(?)))
       WHERE newness <= ? ORDER BY lamp_key, id`,
    );
  }

  all(): LampRecord[] {
    return this.#list.all().map(toLamp);
  }

  /** Several records in one transaction: one sync to disk, however many lamps. */
  saveAll(lamps: readonly LampRecord[]): void {
    this.#saveAll(lamps);
  }

  save(lamp: LampRecord): void {
    this.#upsert.run({
      id: lamp.id,
      name: lamp.name,
      room_id: lamp.roomId,
      identity: lamp.identity,
      secret_hash: lamp.secretHash,
      mac: lamp.mac,
      firmware_version: lamp.firmwareVersion,
      last_address: lamp.lastAddress,
      created_at: lamp.createdAt.toISOString(),
      last_seen_at: lamp.lastSeenAt?.toISOString() ?? null,
      status_since: lamp.statusSince.toISOString(),
      revoked_at: lamp.revokedAt?.toISOString() ?? null,
    });
  }

  /** Deletes a lamp with its debug lines (and its own secret, which is on its record). */
  forget(id: string): void {
    this.#forget(id);
  }

  appendDebugMessage(lampId: string, message: { at: Date; text: string }): StoredDebugMessage {
    const id = this.#appendDebug(lampId, message.at, message.text);
    return { id, at: message.at, text: message.text };
  }

  /** Up to `limit` of a lamp's lines older than the line `beforeId` (null: the newest), oldest first. */
  debugMessages(lampId: string, limit: number, beforeId: number | null): StoredDebugMessage[] {
    return this.#debugPage
      .all(lampId, beforeId ?? Number.MAX_SAFE_INTEGER, limit)
      .reverse()
      .map(toDebug);
  }

  /** The newest `limit` lines of each of these lamps, oldest first; lamps without lines are left out. */
  recentDebugMessagesOf(lampIds: readonly string[], limit: number): Map<string, StoredDebugMessage[]> {
    const messages = new Map<string, StoredDebugMessage[]>();
    for (const row of this.#recentDebugOfLamps.all(JSON.stringify(lampIds), limit)) {
      const message = toDebug(row);
      const ofLamp = messages.get(row.lamp_key);
      if (ofLamp) ofLamp.push(message);
      else messages.set(row.lamp_key, [message]);
    }
    return messages;
  }
}

function toDebug(row: DebugRow): StoredDebugMessage {
  return { id: row.id, at: new Date(row.at), text: row.text };
}

function toLamp(row: LampRow): LampRecord {
  return {
    id: row.id,
    name: row.name,
    roomId: row.room_id,
    identity: row.identity,
    secretHash: row.secret_hash,
    mac: row.mac,
    firmwareVersion: row.firmware_version,
    lastAddress: row.last_address,
    createdAt: new Date(row.created_at),
    lastSeenAt: row.last_seen_at ? new Date(row.last_seen_at) : null,
    statusSince: new Date(row.status_since),
    revokedAt: row.revoked_at ? new Date(row.revoked_at) : null,
  };
}
