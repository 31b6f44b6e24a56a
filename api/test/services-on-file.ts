import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LampReport } from '@cloud-cloud/contract/lamp-identity';
import pino from 'pino';
import { buildServices, type ApiServices, type ServiceOptions } from '../src/services.js';
import { openDatabase, type SqliteDatabase } from '../src/store/database.js';

/** The lamps' shared secret the services below are given unless a test says otherwise. */
export const SHARED_SECRET = 'the shared device secret';

export interface ServicesOnFile {
  directory: string;
  database: SqliteDatabase;
  services: ApiServices;
  /** Closes the database and deletes the directory. */
  remove: () => void;
}

/** The API's services on a SQLite file in a temporary directory of their own, as the API runs them. */
export function servicesOnFile(name: string, options: Partial<Omit<ServiceOptions, 'database'>> = {}): ServicesOnFile {
  const directory = mkdtempSync(join(tmpdir(), `cloud-cloud-${name}-`));
  const database = openDatabase(join(directory, 'cloud-cloud.db'));
  const { services } = buildServices({
    database,
    firmwareDirectory: join(directory, 'firmware'),
    adapterToken: 'adapter-token',
    deviceSecret: SHARED_SECRET,
    logger: pino({ level: 'silent' }),
    ...options,
  });
  return {
    directory,
    database,
    services,
    remove: () => {
      database.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

let nextConnection = 0;

/** A connection's report as adapter `adapter` sends it, from 10.0.0.5 unless `extra` says otherwise. */
export function lampReport(secret: string, extra: Partial<LampReport> = {}): LampReport {
  const at = new Date();
  return {
    connectionId: `adapter.${nextConnection++}`,
    secret,
    remoteAddress: '10.0.0.5',
    connectedAt: at,
    lastSeenAt: at,
    mac: null,
    firmwareVersion: null,
    ...extra,
  };
}
