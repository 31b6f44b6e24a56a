import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildApi, type Api, type ApiOptions } from '@cloud-cloud/api/app';
import { openDatabase } from '@cloud-cloud/api/store/database';
import { buildAdapter, type Adapter, type AdapterOptions } from '@cloud-cloud/device-adapter/adapter';
import { buildSystem, type System, type SystemOptions } from '@cloud-cloud/cli/system';
import pino from 'pino';
import { ADMIN_TOKEN } from './graphql.js';
import { TestLamp } from './lamp.js';

export const DEVICE_SECRET = 'test-device-secret';
export const ADAPTER_TOKEN = 'test-adapter-token';
export const ADMIN_PASSWORD = 'correct horse battery';
export const silentLogger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** A fresh data directory under the system's temp dir; `remove` deletes it. */
export function temporaryDataDir(): { dir: string; databaseFile: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'cloud-cloud-test-'));
  return { dir, databaseFile: join(dir, 'cloud-cloud.db'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface RunningSystem {
  system: System;
  http: number;
  device: number;
  databaseFile: string;
  /** Connects a lamp with the right secret and returns it with its first display packet. */
  lamp(): Promise<{ lamp: TestLamp; packet: string }>;
  /** Stops the system; the data directory stays when `keepData` (for restart tests). */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

export type SystemStartOptions = Partial<Omit<SystemOptions, 'database'>> & { databaseFile?: string };

/** The whole system as `npm start` composes it, on free loopback ports, with a real SQLite file. */
export async function startSystem(options: SystemStartOptions = {}): Promise<RunningSystem> {
  const data = options.databaseFile ? undefined : temporaryDataDir();
  const databaseFile = options.databaseFile ?? data!.databaseFile;
  const { databaseFile: _ignored, ...systemOptions } = options;
  const system = buildSystem({
    host: '127.0.0.1',
    httpPort: 0,
    devicePort: 0,
    deviceSecret: DEVICE_SECRET,
    adapterToken: ADAPTER_TOKEN,
    apiToken: ADMIN_TOKEN,
    adminPassword: ADMIN_PASSWORD,
    logger: silentLogger,
    firmwareDirectory: join(dirname(databaseFile), 'firmware'),
    ...systemOptions,
    database: openDatabase(databaseFile),
  });
  const ports = await system.start();
  await waitUntil(() => system.adapter.ready, 5000, 'the adapter to link to the API');
  return {
    system,
    http: ports.http,
    device: ports.device,
    databaseFile,
    lamp: () => TestLamp.handshake(ports.device, DEVICE_SECRET),
    stop: async ({ keepData = false } = {}) => {
      await system.stop();
      if (!keepData) data?.remove();
    },
  };
}

/** The API alone, not started, with the test credentials and a database of its own. */
export function buildTestApi(options: Partial<ApiOptions> = {}): {
  api: Api;
  database: ReturnType<typeof openDatabase>;
  data: ReturnType<typeof temporaryDataDir>;
} {
  const data = temporaryDataDir();
  const database = openDatabase(data.databaseFile);
  const api = buildApi({
    host: '127.0.0.1',
    port: 0,
    database,
    firmwareDirectory: join(data.dir, 'firmware'),
    deviceSecret: DEVICE_SECRET,
    adapterToken: ADAPTER_TOKEN,
    apiToken: ADMIN_TOKEN,
    adminPassword: ADMIN_PASSWORD,
    logger: silentLogger,
    ...options,
  });
  return { api, database, data };
}

/** The API alone (no adapter), on a free port unless `port` is given, with its own database. */
export function startApi(port = 0, options: Partial<ApiOptions> = {}): { api: Api; started: Promise<number>; stop: () => Promise<void> } {
  const { api, database, data } = buildTestApi({ port, ...options });
  return {
    api,
    started: api.start().then((started) => started.port),
    stop: async () => {
      await api.stop();
      database.close();
      data.remove();
    },
  };
}

export async function startAdapter(apiPort: number, options: Partial<AdapterOptions> = {}): Promise<Adapter> {
  const adapter = buildAdapter({
    host: '127.0.0.1',
    port: 0,
    apiUrl: `http://127.0.0.1:${apiPort}/graphql`,
    adapterToken: ADAPTER_TOKEN,
    logger: silentLogger,
    maxRetryDelayMs: 200,
    ...options,
  });
  await adapter.start();
  return adapter;
}

export async function waitUntil(condition: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
