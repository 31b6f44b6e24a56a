import type { SqliteDatabase } from './database.js';

export type TokenScope = 'ADMIN' | 'READ_ONLY' | 'ADAPTER';

export interface ApiTokenRecord {
  id: string;
  name: string;
  scope: TokenScope;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface SessionRecord {
  id: string;
  createdAt: Date;
  expiresAt: Date;
}

interface TokenRow {
  id: string;
  name: string;
  scope: TokenScope;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** API tokens and login sessions. Only hashes of their secrets are stored. */
export class CredentialStore {
  readonly #insertToken;
  readonly #tokenByHash;
  readonly #tokenById;
  readonly #listTokens;
  readonly #revokeToken;
  readonly #touchToken;
  readonly #insertSession;
  readonly #sessionByHash;
  readonly #deleteSession;
  readonly #deleteExpiredSessions;

  constructor(db: SqliteDatabase) {
    this.#insertToken = db.prepare('INSERT INTO api_tokens (id, name, scope, token_hash, created_at) VALUES (?, ?, ?, ?, ?)');
    this.#tokenByHash = db.prepare<[string], TokenRow>('SELECT * FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL');
    this.#tokenById = db.prepare<[string], TokenRow>('SELECT * FROM api_tokens WHERE id = ?');
    this.#listTokens = db.prepare<[], TokenRow>('SELECT * FROM api_tokens ORDER BY created_at, id');
    this.#revokeToken = db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
    this.#touchToken = db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?');
    this.#insertSession = db.prepare('INSERT INTO sessions (id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?)');
    this.#sessionByHash = db.prepare<[string, string], { id: string; created_at: string; expires_at: string }>(
      'SELECT id, created_at, expires_at FROM sessions WHERE token_hash = ? AND expires_at > ?',
    );
    this.#deleteSession = db.prepare('DELETE FROM sessions WHERE id = ?');
    this.#deleteExpiredSessions = db.prepare<[string], { id: string }>('DELETE FROM sessions WHERE expires_at <= ? RETURNING id');
  }

  addToken(record: { id: string; name: string; scope: TokenScope; tokenHash: string; createdAt: Date }): void {
    this.#insertToken.run(record.id, record.name, record.scope, record.tokenHash, record.createdAt.toISOString());
  }

  findActiveToken(tokenHash: string): ApiTokenRecord | undefined {
    const row = this.#tokenByHash.get(tokenHash);
    return row && toToken(row);
  }

  findToken(id: string): ApiTokenRecord | undefined {
    const row = this.#tokenById.get(id);
    return row && toToken(row);
  }

  listTokens(): ApiTokenRecord[] {
    return this.#listTokens.all().map(toToken);
  }

  revokeToken(id: string, at: Date): boolean {
    return this.#revokeToken.run(at.toISOString(), id).changes > 0;
  }

  markTokenUsed(id: string, at: Date): void {
    this.#touchToken.run(at.toISOString(), id);
  }

  addSession(record: { id: string; tokenHash: string; createdAt: Date; expiresAt: Date }): void {
    this.#insertSession.run(record.id, record.tokenHash, record.createdAt.toISOString(), record.expiresAt.toISOString());
  }

  findSession(tokenHash: string, now: Date): SessionRecord | undefined {
    const row = this.#sessionByHash.get(tokenHash, now.toISOString());
    return row && { id: row.id, createdAt: new Date(row.created_at), expiresAt: new Date(row.expires_at) };
  }

  deleteSession(id: string): void {
    this.#deleteSession.run(id);
  }

  /** Deletes the sessions that have expired by `now`; returns their ids. */
  deleteExpiredSessions(now: Date): string[] {
    return this.#deleteExpiredSessions.all(now.toISOString()).map((row) => row.id);
  }
}

function toToken(row: TokenRow): ApiTokenRecord {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope,
    createdAt: new Date(row.created_at),
    lastUsedAt: row.last_used_at ? new Date(row.last_used_at) : null,
    revokedAt: row.revoked_at ? new Date(row.revoked_at) : null,
  };
}
