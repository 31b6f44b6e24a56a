import { buildApi, GRAPHQL_PATH, type Api } from '@cloud-cloud/api/app';
import type { StateStore } from '@cloud-cloud/api/store/state-store';
import { buildAdapter, type Adapter } from '@cloud-cloud/device-adapter/adapter';
import type { Logger } from 'pino';

export interface SystemOptions {
  host: string;
  httpPort: number;
  devicePort: number;
  deviceSecret: string;
  adapterToken: string;
  store: StateStore;
  logger: Logger;
  heartbeatTimeoutMs?: number;
  uiDirectory?: string;
}

export interface System {
  api: Api;
  adapter: Adapter;
  /** Starts the API, then the adapter linked to it; resolves with the actual ports. */
  start(): Promise<{ http: number; device: number }>;
  /** Closes lamp connections (going away), then the API. */
  stop(): Promise<void>;
}

/** The whole of cloud-cloud in one process: the API and an adapter that follows it. */
export function buildSystem(options: SystemOptions): System {
  const api = buildApi({
    host: options.host,
    port: options.httpPort,
    store: options.store,
    deviceSecret: options.deviceSecret,
    adapterToken: options.adapterToken,
    logger: options.logger.child({ component: 'api' }),
    ...(options.uiDirectory ? { uiDirectory: options.uiDirectory } : {}),
  });
  let adapter: Adapter | undefined;

  return {
    api,
    get adapter(): Adapter {
      if (!adapter) throw new Error('the system has not started');
      return adapter;
    },
    async start() {
      const http = await api.start();
      adapter = buildAdapter({
        host: options.host,
        port: options.devicePort,
        apiUrl: `http://${loopbackFor(options.host)}:${http}${GRAPHQL_PATH}`,
        adapterToken: options.adapterToken,
        logger: options.logger,
        ...(options.heartbeatTimeoutMs ? { heartbeatTimeoutMs: options.heartbeatTimeoutMs } : {}),
      });
      try {
        const device = await adapter.start();
        return { http, device };
      } catch (error) {
        await api.stop();
        throw error;
      }
    },
    async stop() {
      await adapter?.stop();
      await api.stop();
      options.store.close();
    },
  };
}

/** The address the in-process adapter uses to reach the API on the same machine. */
function loopbackFor(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
