/**
 * `npm run bench`: every figure of cloud-cloud's speed next to its floor, in one table.
 *
 *   npm run bench -- [--lamps 1000,5000] [--rounds 50] [--storm 5000] [--adapters 2] … (--help)
 *
 * The floor is a bare `ws` server that speaks the lamp handshake and writes a packet to every
 * lamp on POST /broadcast (bare-broadcast-server.ts): nothing built on WebSockets in Node
 * delivers faster. In order: start-up and idle memory (start-up.ts); on the floor and then on
 * `npm start`'s compiled command, with the same simulated lamps (lamp-fleet.ts): handshakes,
 * broadcast rounds at each fleet size, changes per second, memory per lamp and a reconnect
 * storm (server-run.ts); the room-local writes (room-local.ts) and the web files' bytes
 * (web-bytes.ts); then one API with separate adapter processes against as many bare servers
 * (two-adapters.ts).
 *
 * Every server is a child process (port 0 on 127.0.0.1) and the lamps live in this process, so
 * each server's CPU and memory are its own. Prints a Markdown table (ready for the README),
 * observations, and the results as JSON: to --json <path>, else as the last line.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { HANDSHAKE_TIMEOUT_MS, ROUND_TIMEOUT_MS } from './broadcast.js';
import { ClientLoad } from './client-load.js';
import type { LampFleet } from './lamp-fleet.js';
import { machine, observations, table, type BenchResults } from './report.js';
import { measureRoomLocal } from './room-local.js';
import { npmScriptArgs, startServerProcess, type ServerProcess } from './server-process.js';
import { benchmarkServer, SETTLE_MS, type RunOptions } from './server-run.js';
import { bareHttpServerArgs, measureStartUp } from './start-up.js';
import { colorFor, bareTarget, closeConnections, cloudCloudTarget, graphqlClient, HOST, type BenchCredentials } from './targets.js';
import { benchmarkAdapters } from './two-adapters.js';
import { measureWebBytes } from './web-bytes.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const START_TIMEOUT_MS = 30_000;

const HELP = `Usage: npm run bench -- [options]

Every speed figure of cloud-cloud next to a bare ws server (the floor), in one table.

  --lamps N[,N…]        fleet sizes for the broadcast rounds, ascending (default 1000,5000)
  --rounds R            measured colour changes per fleet size (default 50)
  --warmup W            unmeasured changes after lamps connect (default 3)
  --batch B             lamps handshaking at the same time when a fleet connects (default 100)
  --probes P            lamps handshaking one at a time, new and then known (default 50)
  --concurrency C       clients changing colours at once for changes per second (default 4)
  --throughput-seconds S  how long they do (default 5)
  --storm N             lamps in the reconnect storm, 0 for none (default 5000)
  --storm-timeout S     give up on the storm after S seconds (default 120)
  --adapters A          separate adapter processes against one API, 0 or 1 for none (default 2)
  --adapter-lamps N     lamps on each of them (default 5000)
  --room-size S         lamps per room for the room-local figure, 0 for none (default 10)
  --starts N            starts of each server for start-up time and idle memory (default 5)
  --quick               a short run: --lamps 500 --rounds 20 --storm 1000 --adapter-lamps 1000 --starts 2 --throughput-seconds 2
  --json PATH           write the results as JSON to PATH instead of the last stdout line
  --timeout S           give up after S seconds in total (default 900)
  -h, --help            this text
`;

interface Options extends RunOptions {
  adapters: number;
  adapterLamps: number;
  roomSize: number;
  starts: number;
  json: string | undefined;
  timeoutS: number;
}

function readOptions(): Options | null {
  const { values } = parseArgs({
    options: {
      lamps: { type: 'string' },
      rounds: { type: 'string' },
      warmup: { type: 'string', default: '3' },
      batch: { type: 'string', default: '100' },
      probes: { type: 'string', default: '50' },
      concurrency: { type: 'string', default: '4' },
      'throughput-seconds': { type: 'string' },
      storm: { type: 'string' },
      'storm-timeout': { type: 'string', default: '120' },
      adapters: { type: 'string', default: '2' },
      'adapter-lamps': { type: 'string' },
      'room-size': { type: 'string', default: '10' },
      starts: { type: 'string' },
      quick: { type: 'boolean' },
      json: { type: 'string' },
      timeout: { type: 'string', default: '900' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return null;
  const q = values.quick === true;
  const whole = (name: string, text: string, min: number): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be a whole number >= ${min}, got ${JSON.stringify(text)}`);
    return value;
  };
  const lamps = (values.lamps ?? (q ? '500' : '1000,5000')).split(',').map((n) => whole('lamps', n.trim(), 1));
  if (lamps.some((n, i) => i > 0 && n <= lamps[i - 1]!)) throw new Error(`--lamps must be ascending, got ${values.lamps}`);
  return {
    lamps,
    rounds: whole('rounds', values.rounds ?? (q ? '20' : '50'), 1),
    warmup: whole('warmup', values.warmup, 0),
    batch: whole('batch', values.batch, 1),
    handshakeProbes: whole('probes', values.probes, 1),
    concurrency: whole('concurrency', values.concurrency, 1),
    throughputMs: whole('throughput-seconds', values['throughput-seconds'] ?? (q ? '2' : '5'), 1) * 1000,
    stormLamps: whole('storm', values.storm ?? (q ? '1000' : '5000'), 0),
    stormRetryMs: 500,
    stormTimeoutMs: whole('storm-timeout', values['storm-timeout'], 1) * 1000,
    adapters: whole('adapters', values.adapters, 0),
    adapterLamps: whole('adapter-lamps', values['adapter-lamps'] ?? (q ? '1000' : '5000'), 1),
    roomSize: whole('room-size', values['room-size'], 0),
    starts: whole('starts', values.starts ?? (q ? '2' : '5'), 1),
    json: values.json,
    timeoutS: whole('timeout', values.timeout, 1),
  };
}

async function main(): Promise<void> {
  const options = readOptions();
  if (!options) {
    process.stdout.write(HELP);
    return;
  }
  const startedAt = Date.now();
  const progress = (line: string) =>
    process.stderr.write(`[bench ${((Date.now() - startedAt) / 1000).toFixed(0).padStart(3)} s] ${line}\n`);
  const load = new ClientLoad();
  const dataDirs: string[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-bench-'));
    dataDirs.push(dir);
    return dir;
  };
  const servers: ServerProcess[] = [];
  const fleets: LampFleet[] = [];
  const track = (fleet: LampFleet) => fleets.push(fleet);
  let cleanedUp: Promise<void> | null = null;
  const cleanUp = () =>
    (cleanedUp ??= (async () => {
      for (const fleet of fleets) fleet.terminate();
      closeConnections();
      load.stop();
      await Promise.all(servers.map((server) => server.stop()));
      for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
    })());
  let aborted = false;
  const abort = (error: unknown) => {
    // Tearing down makes pending handshakes and rounds fail too; only the first cause matters.
    if (aborted) return;
    aborted = true;
    process.stderr.write(`[bench] failed: ${error instanceof Error ? error.message : String(error)}\n`);
    // Children are SIGKILLed on exit by server-process.ts if a clean stop hangs past its grace.
    void cleanUp().finally(() => process.exit(1));
  };
  const guard = setTimeout(() => abort(new Error(`gave up after ${options.timeoutS} s (--timeout)`)), options.timeoutS * 1000);
  process.once('SIGINT', () => abort(new Error('interrupted')));
  const onUnexpectedExit = (message: string) => abort(new Error(message));

  // A child inherits no CC_* settings from the caller's shell: the run must not depend on them.
  const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('CC_')));
  const credentials: BenchCredentials = {
    deviceSecret: randomBytes(18).toString('base64url'),
    apiToken: randomBytes(18).toString('base64url'),
    adapterToken: randomBytes(18).toString('base64url'),
  };
  const ccEnv = (dir: string) => ({
    ...cleanEnv,
    CC_DATA_DIR: dir,
    CC_HTTP_PORT: '0',
    CC_DEVICE_PORT: '0',
    CC_HOST: HOST,
    CC_LOG_LEVEL: 'warn',
    // Simulated lamps never ping; keep them from being dropped during a long run.
    CC_HEARTBEAT_TIMEOUT: '600',
    CC_DEVICE_SECRET: credentials.deviceSecret,
    CC_API_TOKEN: credentials.apiToken,
    CC_ADMIN_PASSWORD: credentials.apiToken,
    CC_ADAPTER_TOKEN: credentials.adapterToken,
  });
  const start = async (label: string, nodeArgs: string[], env: NodeJS.ProcessEnv) => {
    const server = await startServerProcess({ label, nodeArgs, cwd: REPO_ROOT, env, startTimeoutMs: START_TIMEOUT_MS, onUnexpectedExit });
    servers.push(server);
    return server;
  };
  const bareSecret = randomBytes(16).toString('hex');
  const startBare = (label: string) =>
    start(label, ['--import', 'tsx', 'bench/bare-broadcast-server.ts'], { ...cleanEnv, BARE_DEVICE_SECRET: bareSecret });

  try {
    progress(`start-up: ${options.starts} starts each of a bare node -e http server and cloud-cloud`);
    const startTimeout = { startTimeoutMs: START_TIMEOUT_MS, settleMs: SETTLE_MS * 2, cwd: REPO_ROOT };
    const bareStarts = await measureStartUp({
      ...startTimeout,
      label: 'node -e http server',
      nodeArgs: bareHttpServerArgs,
      env: () => cleanEnv,
      runs: options.starts,
      firstStart: false,
    });
    const ccStarts = await measureStartUp({
      ...startTimeout,
      label: 'cloud-cloud',
      nodeArgs: npmScriptArgs(REPO_ROOT, 'start'),
      env: (dir) => ({ ...cleanEnv, CC_DATA_DIR: dir, CC_HTTP_PORT: '0', CC_DEVICE_PORT: '0', CC_HOST: HOST, CC_LOG_LEVEL: 'warn' }),
      runs: options.starts,
      // Measured are restarts, as after a power cut or an update; the first start creates the database.
      firstStart: true,
    });

    progress('starting the bare ws server');
    const bareProcess = await startBare('bare ws server');
    const bare = await benchmarkServer(bareTarget([bareProcess], bareSecret), options, load, track, progress);
    await bareProcess.stop();

    progress('starting cloud-cloud');
    const ccProcess = await start('cloud-cloud', npmScriptArgs(REPO_ROOT, 'start'), ccEnv(dataDir()));
    const cc = await benchmarkServer(cloudCloudTarget(ccProcess, credentials), options, load, track, progress);
    const web = await measureWebBytes(`http://${HOST}:${ccProcess.httpPort}`);
    // Colours the broadcast rounds did not use (they take the first ones of colorFor).
    let roomColors = 100_000;
    const rooms =
      options.roomSize > 0
        ? await load.phase('cloud-cloud: room-local', () =>
            measureRoomLocal({
              api: graphqlClient(ccProcess.httpPort, credentials.apiToken),
              deviceUrl: `ws://${HOST}:${ccProcess.devicePort}/`,
              secret: credentials.deviceSecret,
              lamps: options.lamps[0]!,
              roomSize: options.roomSize,
              rounds: options.rounds,
              batch: options.batch,
              handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
              roundTimeoutMs: ROUND_TIMEOUT_MS,
              settleMs: SETTLE_MS,
              nextColor: () => colorFor(++roomColors),
              progress,
              track,
            }),
          )
        : null;
    await ccProcess.stop();

    let adapters: BenchResults['adapters'] = null;
    if (options.adapters >= 2) {
      const scenario = {
        lampsPerAdapter: options.adapterLamps,
        adapters: options.adapters,
        rounds: options.rounds,
        warmup: options.warmup,
        batch: options.batch,
      };
      progress(`${options.adapters} bare servers with ${options.adapterLamps} lamps each`);
      const bares: ServerProcess[] = [];
      for (let n = 0; n < options.adapters; n++) bares.push(await startBare(`bare ws server ${n + 1}`));
      const bareFigures = await benchmarkAdapters(
        { target: bareTarget(bares, bareSecret, 'bare ws servers'), adapters: bares },
        scenario,
        load,
        track,
        progress,
      );
      await Promise.all(bares.map((server) => server.stop()));

      progress(`cloud-cloud with ${options.adapters} adapter processes of ${options.adapterLamps} lamps each`);
      const api = await start('cloud-cloud API', npmScriptArgs(REPO_ROOT, 'start'), ccEnv(dataDir()));
      const startAdapter = (n: number) =>
        start(`adapter ${n + 1}`, npmScriptArgs(REPO_ROOT, 'adapter'), {
          ...cleanEnv,
          CC_API_URL: `http://${HOST}:${api.httpPort}/adapter/graphql`,
          CC_ADAPTER_TOKEN: credentials.adapterToken,
          CC_DEVICE_PORT: '0',
          CC_HOST: HOST,
          CC_LOG_LEVEL: 'warn',
          CC_HEARTBEAT_TIMEOUT: '600',
        });
      const ccFigures = await benchmarkAdapters(
        { target: cloudCloudTarget(api, credentials, 'cloud-cloud API'), adapters: [], startAdapter },
        scenario,
        load,
        track,
        progress,
      );
      adapters = { cc: ccFigures, bare: bareFigures };
    }

    await cleanUp();
    clearTimeout(guard);

    const results: BenchResults = { cc, bare, adapters, rooms, starts: { cc: ccStarts, bare: bareStarts }, web };
    process.stdout.write(`${table(results, options, load)}\n\n${observations(results, load).join('\n')}\n`);
    progress(`done in ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);
    const json = {
      machine: machine(),
      run: { ...options, at: new Date().toISOString(), seconds: Math.round((Date.now() - startedAt) / 1000) },
      ...results,
      clientLoad: load.phases,
    };
    if (options.json) {
      writeFileSync(options.json, `${JSON.stringify(json, null, 2)}\n`);
      process.stdout.write(`\nresults written to ${options.json}\n`);
    } else {
      process.stdout.write(`\n${JSON.stringify(json)}\n`);
    }
  } catch (error) {
    clearTimeout(guard);
    abort(error);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`[bench] ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
