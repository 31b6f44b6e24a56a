import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSecret } from '@cloud-cloud/api/access/secret';

export class DataDirectoryError extends Error {
  override name = 'DataDirectoryError';
}

export function ensureDataDirectory(path: string): void {
  try {
    mkdirSync(path, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new DataDirectoryError(`cannot create the data directory ${path}: ${(error as Error).message}`);
  }
}

/**
 * A secret kept in a file of the data directory: read when it is there, generated and written
 * (readable by the owner only) on first start. `created` says which.
 */
export function readOrCreateSecret(directory: string, file: string): { value: string; path: string; created: boolean } {
  const path = join(directory, file);
  try {
    const value = readFileSync(path, 'utf8').trim();
    if (!value) throw new DataDirectoryError(`${path} is empty; delete it to have a new secret generated`);
    return { value, path, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      if (error instanceof DataDirectoryError) throw error;
      throw new DataDirectoryError(`cannot read ${path}: ${(error as Error).message}`);
    }
  }
  const value = generateSecret();
  try {
    writeFileSync(path, value + '\n', { mode: 0o600, flag: 'wx' });
  } catch (error) {
    throw new DataDirectoryError(`cannot write ${path}: ${(error as Error).message}`);
  }
  return { value, path, created: true };
}
