import { parseArgs } from 'node:util';
import { buildAdapter } from '@cloud-cloud/device-adapter/adapter';
import { createLogger } from './logger.js';
import { fail, stopOnSignals } from './process-lifecycle.js';
import { ADAPTER_TOKEN, API_URL, DEVICE_PORT, HEARTBEAT_TIMEOUT, helpText, HOST, LOG_LEVEL, read, SettingError } from './settings.js';

const COMMAND = 'cloud-cloud-adapter';
const SETTINGS = [API_URL, ADAPTER_TOKEN, DEVICE_PORT, HOST, HEARTBEAT_TIMEOUT, LOG_LEVEL];

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help) {
    process.stdout.write(
      helpText(
        COMMAND,
        'Runs a lamp adapter on its own, following the API at CC_API_URL. Several adapters can serve one API.\n' +
          "CC_ADAPTER_TOKEN is required: an API token of scope ADAPTER, or the API's own CC_ADAPTER_TOKEN.",
        SETTINGS,
      ),
    );
    return;
  }
  const env = process.env;
  const adapterToken = read(ADAPTER_TOKEN, env);
  if (!adapterToken) fail(COMMAND, 'CC_ADAPTER_TOKEN must be set: create an API token of scope ADAPTER');

  const logger = await createLogger(read(LOG_LEVEL, env));
  const adapter = buildAdapter({
    host: read(HOST, env),
    port: read(DEVICE_PORT, env),
    apiUrl: read(API_URL, env),
    adapterToken,
    heartbeatTimeoutMs: read(HEARTBEAT_TIMEOUT, env) * 1000,
    logger,
  });
  const port = await adapter.start().catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE' || error.code === 'EACCES') fail(COMMAND, `cannot listen: ${error.message} (set CC_DEVICE_PORT)`);
    throw error;
  });
  stopOnSignals(() => adapter.stop(), logger);
  process.stdout.write(`cloud-cloud-adapter listening device=${port} api=${read(API_URL, env)}\n`);
}

main().catch((error: unknown) => {
  if (error instanceof SettingError) fail(COMMAND, error.message);
  process.stderr.write(`${COMMAND}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
