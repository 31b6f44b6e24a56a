import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, type SqliteDatabase } from '@cloud-cloud/api/store/database';

export class DataDirectoryError extends Error {
  override name = 'DataDirectoryError';
}

export const DATABASE_FILE = 'cloud-cloud.db';

/** Creates the data directory (owner-only) if needed and opens the database in it. */
export function openDataDirectory(path: string): { database: SqliteDatabase; file: string } {
  try {
    mkdirSync(path, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new DataDirectoryError(`cannot create the data directory ${path}: ${(error as Error).message}`);
  }
  const file = join(path, DATABASE_FILE);
  return { database: openDatabase(file), file };
}
