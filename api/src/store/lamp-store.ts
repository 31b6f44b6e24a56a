import type { SqliteDatabase } from './database.js';

export interface RegisteredLamp {
  id: string;
  name: string;
  createdAt: Date;
  revokedAt: Date | null;
}

export interface StoredDebugMessage {
  at: Date;
  text: string;
}

interface LampRow {
  id: string;
  name: string;
  created_at: string;
  revoked_at: string | null;
}

/**
 * Registered lamps (their secrets hashed) and each lamp's recent debug lines. Debug history is
 * bounded per lamp and in total, so no number of lamps or connections can grow it without limit.
 */
export class LampStore {
  readonly #insertLamp;
  readonly #lampBySecretHash;
  readonly #lampById;
  readonly #activeLampByName;
  readonly #listLamps;
  readonly #revokeLamp;
  readonly #insertDebug;
  readonly #trimDebug;
  readonly #trimAllDebug;
  readonly #forgetDebug;
  readonly #recentDebug;
  readonly #recentDebugOfLamps;
  readonly #appendDebug;

  constructor(
    db: SqliteDatabase,
    /** Debug lines kept per lamp; older ones are deleted as new ones arrive. */
    private readonly debugMessagesPerLamp = 200,
    /** Debug lines kept in all, across lamps; the oldest are deleted first. */
    private readonly debugMessagesInTotal = 10_000,
  ) {
    this.#insertLamp = db.prepare('INSERT INTO lamps (id, name, secret_hash, created_at) VALUES (?, ?, ?, ?)');
    this.#lampBySecretHash = db.prepare<[string], LampRow>('SELECT * FROM lamps WHERE secret_hash = ? AND revoked_at IS NULL');
    this.#lampById = db.prepare<[string], LampRow>('SELECT * FROM lamps WHERE id = ?');
    this.#activeLampByName = db.prepare<[string], LampRow>('SELECT * FROM lamps WHERE name = ? AND revoked_at IS NULL');
    this.#listLamps = db.prepare<[], LampRow>('SELECT * FROM lamps ORDER BY revoked_at IS NOT NULL, name');
    this.#revokeLamp = db.prepare('UPDATE lamps SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
    this.#insertDebug = db.prepare('INSERT INTO debug_messages (lamp_key, at, text) VALUES (?, ?, ?)');
    this.#trimDebug = db.prepare(
      `DELETE FROM debug_messages WHERE lamp_key = @key AND id <= (
         SELECT id FROM debug_messages WHERE lamp_key = @key ORDER BY id DESC LIMIT 1 OFFSET @keep)`,
    );
    // Ids only grow (AUTOINCREMENT never reuses one), so the newest N lines are exactly those
    // above the newest id minus N: a range delete on the primary key, never a scan.
    this.#trimAllDebug = db.prepare('DELETE FROM debug_messages WHERE id <= ?');
    this.#forgetDebug = db.prepare('DELETE FROM debug_messages WHERE lamp_key = ?');
    this.#appendDebug = db.transaction((lampKey: string, message: StoredDebugMessage) => {
      const { lastInsertRowid } = this.#insertDebug.run(lampKey, message.at.toISOString(), message.text);
      this.#trimDebug.run({ key: lampKey, keep: this.debugMessagesPerLamp });
      this.#trimAllDebug.run(Number(lastInsertRowid) - this.debugMessagesInTotal);
    });
    this.#recentDebug = db.prepare<[string, number], { at: string; text: string }>(
      'SELECT at, text FROM (SELECT id, at, text FROM debug_messages WHERE lamp_key = ? ORDER BY id DESC LIMIT ?) ORDER BY id',
    );
    // The newest lines of several lamps at once: one query for a whole list of lamps.
    this.#recentDebugOfLamps = db.prepare<[string, number], { lamp_key: string; at: string; text: string }>(
      `SELECT lamp_key, at, text FROM (
         SELECT lamp_key, id, at, text, ROW_NUMBER() OVER (PARTITION BY lamp_key ORDER BY id DESC) AS newness
         FROM debug_messages WHERE lamp_key IN (SELECT value FROM json_each(?)))
       WHERE newness <= ? ORDER BY lamp_key, id`,
    );
  }

  addLamp(lamp: { id: string; name: string; secretHash: string; createdAt: Date }): void {
    this.#insertLamp.run(lamp.id, lamp.name, lamp.secretHash, lamp.createdAt.toISOString());
  }

  findActiveBySecretHash(secretHash: string): RegisteredLamp | undefined {
    const row = this.#lampBySecretHash.get(secretHash);
    return row && toLamp(row);
  }

  findActiveByName(name: string): RegisteredLamp | undefined {
    const row = this.#activeLampByName.get(name);
    return row && toLamp(row);
  }

  find(id: string): RegisteredLamp | undefined {
    const row = this.#lampById.get(id);
    return row && toLamp(row);
  }

  list(): RegisteredLamp[] {
    return this.#listLamps.all().map(toLamp);
  }

  revoke(id: string, at: Date): boolean {
    return this.#revokeLamp.run(at.toISOString(), id).changes > 0;
  }

  appendDebugMessage(lampKey: string, message: StoredDebugMessage): void {
    this.#appendDebug(lampKey, message);
  }

  /** Deletes a lamp's whole debug history (for histories nobody can reach any more). */
  forgetDebugMessages(lampKey: string): void {
    this.#forgetDebug.run(lampKey);
  }

  recentDebugMessages(lampKey: string, limit: number): StoredDebugMessage[] {
    return this.#recentDebug.all(lampKey, limit).map((row) => ({ at: new Date(row.at), text: row.text }));
  }

  /** The newest `limit` lines of each of these lamps, oldest first; lamps without lines are left out. */
  recentDebugMessagesOf(lampKeys: readonly string[], limit: number): Map<string, StoredDebugMessage[]> {
    const messages = new Map<string, StoredDebugMessage[]>();
    for (const row of this.#recentDebugOfLamps.all(JSON.stringify(lampKeys), limit)) {
      const message = { at: new Date(row.at), text: row.text };
      const ofLamp = messages.get(row.lamp_key);
      if (ofLamp) ofLamp.push(message);
      else messages.set(row.lamp_key, [message]);
    }
    return messages;
  }
}

function toLamp(row: LampRow): RegisteredLamp {
  return {
    id: row.id,
    name: row.name,
    createdAt: new Date(row.created_at),
    revokedAt: row.revoked_at ? new Date(row.revoked_at) : null,
  };
}
