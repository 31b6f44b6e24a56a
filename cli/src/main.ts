import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MemoryStateStore } from '@cloud-cloud/api/store/memory-state-store';
import { DataDirectoryError, ensureDataDirectory, readOrCreateSecret } from './data-directory.js';
import { createLogger } from './logger.js';
import { fail, stopOnSignals } from './process-lifecycle.js';
import {
  ADAPTER_TOKEN, DATA_DIR, DEVICE_PORT, DEVICE_SECRET, HEARTBEAT_TIMEOUT, helpText, HOST, HTTP_PORT, LOG_LEVEL, read, SettingError,
} from './settings.js';
import { buildSystem } from './system.js';

const COMMAND = 'cloud-cloud';
const SETTINGS = [HTTP_PORT, DEVICE_PORT, HOST, DEVICE_SECRET, DATA_DIR, ADAPTER_TOKEN, HEARTBEAT_TIMEOUT, LOG_LEVEL];
const UI_BUILD = fileURLToPath(new URL('../../ui/dist', import.meta.url));
const UI_PLACEHOLDER = fileURLToPath(new URL('../../ui/placeholder', import.meta.url));

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help) {
    process.stdout.write(helpText(COMMAND, 'Runs the cloud-cloud API and lamp adapter in one process.', SETTINGS));
    return;
  }

  const env = process.env;
  const config = {
    httpPort: read(HTTP_PORT, env),
    devicePort: read(DEVICE_PORT, env),
    host: read(HOST, env),
    dataDir: resolve(read(DATA_DIR, env)),
    deviceSecret: read(DEVICE_SECRET, env),
    adapterToken: read(ADAPTER_TOKEN, env),
    heartbeatTimeoutMs: read(HEARTBEAT_TIMEOUT, env) * 1000,
    logLevel: read(LOG_LEVEL, env),
  };
  ensureDataDirectory(config.dataDir);
  const deviceSecret = config.deviceSecret
    ? { value: config.deviceSecret, path: null, created: false }
    : readOrCreateSecret(config.dataDir, 'device-secret');
  const adapterToken = config.adapterToken ?? readOrCreateSecret(config.dataDir, 'adapter-token').value;

  const logger = createLogger(config.logLevel);
  const system = buildSystem({
    host: config.host,
    httpPort: config.httpPort,
    devicePort: config.devicePort,
    deviceSecret: deviceSecret.value,
    adapterToken,
    store: new MemoryStateStore(),
    logger,
    heartbeatTimeoutMs: config.heartbeatTimeoutMs,
    uiDirectory: existsSync(resolve(UI_BUILD, 'index.html')) ? UI_BUILD : UI_PLACEHOLDER,
  });
  const ports = await system.start().catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE' || error.code === 'EACCES') {
      fail(COMMAND, `cannot listen on ${config.host}: ${error.message} (set CC_HTTP_PORT / CC_DEVICE_PORT)`);
    }
    throw error;
  });
  stopOnSignals(() => system.stop(), logger);

  const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  process.stdout.write(
    [
      `cloud-cloud listening http=${ports.http} device=${ports.device}`,
      `  web UI and GraphiQL  http://${shown}:${ports.http}/  and  http://${shown}:${ports.http}/graphql`,
      `  lamps connect to     ws://<this machine's address>:${ports.device}/`,
      `  device secret        ${deviceSecret.value}` +
        (deviceSecret.path ? `  (${deviceSecret.created ? 'generated, ' : ''}kept in ${deviceSecret.path})` : '  (from CC_DEVICE_SECRET)'),
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  if (error instanceof SettingError || error instanceof DataDirectoryError) fail(COMMAND, error.message);
  process.stderr.write(`${COMMAND}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
