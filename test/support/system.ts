import { buildApi, type Api } from '@cloud-cloud/api/app';
import { MemoryStateStore } from '@cloud-cloud/api/store/memory-state-store';
import { buildAdapter, type Adapter, type AdapterOptions } from '@cloud-cloud/device-adapter/adapter';
import { buildSystem, type System } from '@cloud-cloud/cli/system';
import pino from 'pino';
import { TestLamp } from './lamp.js';

export const DEVICE_SECRET = 'test-device-secret';
export const ADAPTER_TOKEN = 'test-adapter-token';
export const silentLogger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export interface RunningSystem {
  system: System;
  http: number;
  device: number;
  /** Connects a lamp with the right secret and returns it with its first display packet. */
  lamp(): Promise<{ lamp: TestLamp; packet: string }>;
  stop(): Promise<void>;
}

/** The whole system as `npm start` composes it, on free loopback ports. */
export async function startSystem(options: { heartbeatTimeoutMs?: number } = {}): Promise<RunningSystem> {
  const system = buildSystem({
    host: '127.0.0.1',
    httpPort: 0,
    devicePort: 0,
    deviceSecret: DEVICE_SECRET,
    adapterToken: ADAPTER_TOKEN,
    store: new MemoryStateStore(),
    logger: silentLogger,
    ...options,
  });
  const ports = await system.start();
  await waitUntil(() => system.adapter.ready, 5000, 'the adapter to link to the API');
  return {
    system,
    ...ports,
    lamp: () => TestLamp.handshake(ports.device, DEVICE_SECRET),
    stop: () => system.stop(),
  };
}

export function startApi(port = 0): { api: Api; started: Promise<number> } {
  const api = buildApi({
    host: '127.0.0.1',
    port,
    store: new MemoryStateStore(),
    deviceSecret: DEVICE_SECRET,
    adapterToken: ADAPTER_TOKEN,
    logger: silentLogger,
  });
  return { api, started: api.start() };
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
