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
 * readers run beside the writer. `synchronous = NORMAL` commits without waiting for the disk,
 * so no commit stops the event loop for an fsync; what makes a change survive a power cut is
 * the durability barrier (durability.ts), which syncs the write-ahead log off the event loop
 * before any mutation answers. SQLite itself still syncs the log before each checkpoint and the
 * database after it.
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
    db.pragma('synchronous = NORMAL');
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
