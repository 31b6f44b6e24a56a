import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateSecret } from '@cloud-cloud/api/access/secret';
import { DatabaseError } from '@cloud-cloud/api/store/database';
import { DataDirectoryError, openDataDirectory } from './data-directory.js';
import { createLogger } from './logger.js';
import { MQTT_SETTINGS, readMqttSettings } from './mqtt-environment.js';
import { fail, stopOnSignals } from './process-lifecycle.js';
import {
  ADAPTER_TOKEN,
  ADMIN_PASSWORD,
  API_TOKEN,
  API_URL,
  DATA_DIR,
  DEVICE_PORT,
  DEVICE_SECRET,
  HEARTBEAT_TIMEOUT,
  helpText,
  HOST,
  FIRMWARE_MAX_SIZE,
  HTTP_PORT,
  LOG_LEVEL,
  NODE_ENV,
  read,
  readWeatherSettings,
  SettingError,
  TRUST_PROXY,
  WEATHER_SETTINGS,
} from './settings.js';
import { buildSystem } from './system.js';

const COMMAND = 'cloud-cloud';
const SETTINGS = [
  HTTP_PORT,
  DEVICE_PORT,
  HOST,
  DATA_DIR,
  DEVICE_SECRET,
  ADMIN_PASSWORD,
  API_TOKEN,
  ADAPTER_TOKEN,
  TRUST_PROXY,
  ...WEATHER_SETTINGS,
  ...MQTT_SETTINGS,
  FIRMWARE_MAX_SIZE,
  HEARTBEAT_TIMEOUT,
  LOG_LEVEL,
  NODE_ENV,
];
/** Listed in --help for completeness: they configure `npm run adapter`, not this command. */
const ADAPTER_ONLY_SETTINGS = [API_URL];
// The same two levels up from cli/src/main.ts and from its compiled dist/server/main.js.
const UI_BUILD = fileURLToPath(new URL('../../ui/dist', import.meta.url));
const GRAPHIQL_BUILD = fileURLToPath(new URL('../../dist/graphiql', import.meta.url));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { help: { type: 'boolean', short: 'h' }, 'reset-admin-password': { type: 'boolean' } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(
      helpText(
        `${COMMAND} [--reset-admin-password]`,
        'Runs the cloud-cloud API and lamp adapter in one process.\n' +
          '--reset-admin-password  replace the admin password with a new one, printed once',
        [...SETTINGS, ...ADAPTER_ONLY_SETTINGS],
      ),
    );
    return;
  }

  const env = process.env;
  const config = {
    httpPort: read(HTTP_PORT, env),
    devicePort: read(DEVICE_PORT, env),
    host: read(HOST, env),
    dataDir: resolve(read(DATA_DIR, env)),
    deviceSecret: read(DEVICE_SECRET, env),
    adminPassword: read(ADMIN_PASSWORD, env),
    apiToken: read(API_TOKEN, env),
    adapterToken: read(ADAPTER_TOKEN, env),
    trustProxy: read(TRUST_PROXY, env),
    heartbeatTimeoutMs: read(HEARTBEAT_TIMEOUT, env) * 1000,
    logLevel: read(LOG_LEVEL, env),
    weather: readWeatherSettings(env),
    mqtt: readMqttSettings(env),
    maxFirmwareBytes: read(FIRMWARE_MAX_SIZE, env),
  };
  const { database, file } = openDataDirectory(config.dataDir);
  const logger = await createLogger(config.logLevel);
  const uiBuilt = existsSync(resolve(UI_BUILD, 'index.html'));
  if (!uiBuilt) logger.warn('the web UI is not built (run `npm run build`); serving the API without it');
  const graphiqlBuilt = existsSync(resolve(GRAPHIQL_BUILD, 'index.html'));
  if (!graphiqlBuilt) logger.warn('GraphiQL is not built (run `npm run build`); serving the API without it');
  const system = buildSystem({
    host: config.host,
    httpPort: config.httpPort,
    devicePort: config.devicePort,
    database,
    firmwareDirectory: join(config.dataDir, 'firmware'),
    maxFirmwareBytes: config.maxFirmwareBytes,
    deviceSecret: config.deviceSecret,
    adminPassword: config.adminPassword,
    regenerateAdminPassword: values['reset-admin-password'] ?? false,
    apiToken: config.apiToken,
    // Without a configured token the in-process adapter gets a fresh one each start.
    adapterToken: config.adapterToken ?? generateSecret(),
    trustProxy: config.trustProxy,
    logger,
    heartbeatTimeoutMs: config.heartbeatTimeoutMs,
    weather: config.weather,
    mqtt: config.mqtt,
    ...(uiBuilt ? { uiDirectory: UI_BUILD } : {}),
    ...(graphiqlBuilt ? { graphiqlDirectory: GRAPHIQL_BUILD } : {}),
  });
  const started = await system.start().catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE' || error.code === 'EACCES') {
      fail(COMMAND, `cannot listen on ${config.host}: ${error.message} (set CC_HTTP_PORT / CC_DEVICE_PORT)`);
    }
    throw error;
  });
  stopOnSignals(() => system.stop(), logger);

  const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const secret = system.api.deviceSecret;
  const lines = [
    `cloud-cloud listening http=${started.http} device=${started.device}`,
    `  web UI and GraphiQL  http://${shown}:${started.http}/  and  http://${shown}:${started.http}/graphql`,
    `  lamps connect to     ws://<this machine's address>:${started.device}/`,
    `  device secret        ${secret.value}  (${secret.source === 'configured' ? 'from CC_DEVICE_SECRET' : `${secret.source === 'generated' ? 'generated, ' : ''}kept in ${file}`})`,
  ];
  if (started.generatedAdminPassword) {
    lines.push(
      '',
      '  Admin password (shown only now; it is stored hashed):',
      '',
      `      ${started.generatedAdminPassword}`,
      '',
      '  Log in with it in the web UI or GraphiQL. Lost it? Start once with --reset-admin-password.',
    );
  }
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((error: unknown) => {
  if (error instanceof SettingError || error instanceof DataDirectoryError || error instanceof DatabaseError) {
    fail(COMMAND, error.message);
  }
  process.stderr.write(`${COMMAND}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
