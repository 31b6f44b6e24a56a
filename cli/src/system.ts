import { buildApi, type Api, type ApiOptions } from '@cloud-cloud/api/app';
import { ADAPTER_GRAPHQL_PATH } from '@cloud-cloud/contract/http';
import type { SqliteDatabase } from '@cloud-cloud/api/store/database';
import { buildAdapter, type Adapter } from '@cloud-cloud/device-adapter/adapter';
import type { Logger } from 'pino';

export interface SystemOptions extends Pick<
  ApiOptions,
  | 'deviceSecret'
  | 'adminPassword'
  | 'regenerateAdminPassword'
  | 'apiToken'
  | 'trustProxy'
  | 'uiDirectory'
  | 'graphiqlDirectory'
  | 'clock'
  | 'weather'
  | 'mqtt'
  | 'weatherTiming'
  | 'firmwareDirectory'
  | 'maxFirmwareBytes'
  | 'firmwareLimits'
  | 'maxSubscriberBacklog'
  | 'onlineTimesEveryMs'
> {
  host: string;
  httpPort: number;
  devicePort: number;
  database: SqliteDatabase;
  /** The token the in-process adapter and any separate ones present. */
  adapterToken: string;
  logger: Logger;
  heartbeatTimeoutMs?: number;
  /** How often the adapter tells the API which lamps it heard from. */
  seenReportIntervalMs?: number;
}

export interface SystemStarted {
  http: number;
  device: number;
  generatedAdminPassword: string | null;
}

export interface System {
  api: Api;
  adapter: Adapter;
  /** Starts the API, then the adapter linked to it. */
  start(): Promise<SystemStarted>;
  /** Closes lamp connections (going away), then the API, then the database. */
  stop(): Promise<void>;
}

/** The whole of cloud-cloud in one process: the API and an adapter that follows it. */
export function buildSystem(options: SystemOptions): System {
  const { host, httpPort, devicePort, database, adapterToken, logger, heartbeatTimeoutMs, seenReportIntervalMs, ...apiOptions } = options;
  const api = buildApi({ ...apiOptions, host, port: httpPort, database, adapterToken, logger: logger.child({ component: 'api' }) });
  let adapter: Adapter | undefined;

  return {
    api,
    get adapter(): Adapter {
      if (!adapter) throw new Error('the system has not started');
      return adapter;
    },
    async start() {
      const started = await api.start();
      adapter = buildAdapter({
        host,
        port: devicePort,
        // The same endpoint a separate adapter would link to, reached within the process: no
        // loopback socket, no JSON across it twice, and the same credentials and rules.
        apiUrl: `http://${loopbackFor(host)}:${started.port}${ADAPTER_GRAPHQL_PATH}`,
        apiTransport: api.adapterLinks,
        adapterToken,
        logger,
        ...(heartbeatTimeoutMs ? { heartbeatTimeoutMs } : {}),
        ...(seenReportIntervalMs ? { seenReportIntervalMs } : {}),
      });
      try {
        const device = await adapter.start();
        // Announce the start only once lamps can be let in.
        await Promise.race([
          adapter.firstReady(),
          new Promise((_, reject) => setTimeout(() => reject(new Error('the adapter could not link to the API')), 10_000).unref()),
        ]);
        return { http: started.port, device, generatedAdminPassword: started.generatedAdminPassword };
      } catch (error) {
        await adapter.stop();
        await api.stop();
        throw error;
      }
    },
    async stop() {
      await adapter?.stop();
      await api.stop();
      database.close();
    },
  };
}

/** The address the in-process adapter uses to reach the API on the same machine. */
function loopbackFor(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
