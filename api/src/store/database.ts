import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.js';

export type SqliteDatabase = Database.Database;

export class DatabaseError extends Error {
  override name = 'DatabaseError';
}

/**
 * Opens (creating if needed) the SQLite database and brings its schema up to date. WAL lets
 * readers run beside the writer; `synchronous = FULL` makes each committed change survive a
 * crash or power loss, which matters more here than write speed.
 */
export function openDatabase(file: string): SqliteDatabase {
  let db: SqliteDatabase;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    db = new Database(file);
  } catch (error) {
    throw new DatabaseError(`cannot open the database ${file}: ${(error as Error).message}`);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, file);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function migrate(db: SqliteDatabase, file: string): void {
  const applied = db.pragma('user_version', { simple: true }) as number;
  if (applied > MIGRATIONS.length) {
    throw new DatabaseError(
      `${file} was written by a newer cloud-cloud (schema ${applied}, this one knows ${MIGRATIONS.length}); upgrade cloud-cloud`,
    );
  }
  for (let version = applied + 1; version <= MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version - 1]!);
      db.pragma(`user_version = ${version}`);
    })();
  }
}
