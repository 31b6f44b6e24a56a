/**
 * Lamp broadcast benchmark: how long cloud-cloud takes from a `setColor` mutation until the
 * last of N connected lamps has the new display packet, next to the floor of a bare `ws`
 * server that only broadcasts, and how much resident memory each connected lamp costs. Then
 * the room-local figure: with the N lamps in rooms of 10, how many socket writes one room's
 * change costs (see room-local.ts).
 *
 *   npm run bench -- [--lamps 1000] [--rounds 50] [--batch 100] [--warmup 3] [--room-size 10] [--starts 5] [--json out.json] [--timeout 600]
 *
 * Before that, start-up to listening and idle memory of `npm start`'s command against a bare
 * `node -e` HTTP server (start-up.ts), and after it what the web UI and GraphiQL cost on the
 * wire (web-bytes.ts).
 *
 * Each server runs as a child process (port 0 on 127.0.0.1) and the simulated lamps live in
 * this process, so the server's CPU and memory are measured on their own. Prints a Markdown
 * table (ready for a README) and the results as JSON: to --json <path>, else as the last line.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatDisplayPacket, type Rgb } from '@cloud-cloud/protocol/packet';
import { LampFleet, type HandshakeReport } from './lamp-fleet.js';
import { measureRoomLocal, type RoomLocalFigures } from './room-local.js';
import { bareHttpServerArgs, measureStartUp, type StartUpFigures } from './start-up.js';
import { measureWebBytes, type WebBytes } from './web-bytes.js';
import { npmScriptArgs, residentKiB, startServerProcess, type ServerProcess } from './server-process.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const HOST = '127.0.0.1';
/** A round that has not reached every lamp by then has failed; a healthy one takes milliseconds. */
const ROUND_TIMEOUT_MS = 15_000;
/** Lets the server finish the previous round's write callbacks before the next trigger. */
const ROUND_GAP_MS = 20;
/** Time for the server's heap to settle before VmRSS is read. */
const SETTLE_MS = 1_000;
/** Broadcasts before any lamp connects, so the memory baseline includes a warmed-up trigger path. */
const EMPTY_WARMUP_BROADCASTS = 3;
const START_TIMEOUT_MS = 30_000;
const HANDSHAKE_TIMEOUT_MS = 15_000;
/** The adapter refuses lamps (1013) until its link to the API is up; probe for this long. */
const READY_PROBES = 40;
const READY_PROBE_GAP_MS = 250;

const HELP = `Usage: npm run bench -- [options]

Measures cloud-cloud's lamp broadcast latency (setColor mutation -> last lamp has the packet)
and resident memory per lamp, next to a bare ws broadcast server as the floor.

  --lamps N        simulated lamps (default 1000)
  --rounds R       measured colour changes per server (default 50)
  --warmup W       unmeasured colour changes after the lamps connect (default 3)
  --batch B        lamps handshaking at the same time (default 100)
  --room-size S    lamps per room for the room-local figure (default 10)
  --starts N       starts of each server for start-up time and idle memory (default 5)
  --json PATH      write the results as JSON to PATH instead of the last stdout line
  --timeout S      give up after S seconds in total (default 600)
  -h, --help       this text
`;

interface Options {
  lamps: number;
  rounds: number;
  warmup: number;
  batch: number;
  roomSize: number;
  starts: number;
  json: string | undefined;
  timeoutS: number;
}

/** A server the fleet can connect to, with the way to make it broadcast a new colour. */
interface ServerUnderTest {
  label: string;
  process: ServerProcess;
  secret: string;
  /** Triggers the broadcast of `packet`; resolves when the trigger request is answered. */
  broadcast(color: Rgb, packet: string): Promise<void>;
}

interface Spread {
  p50: number;
  p99: number;
  max: number;
}

interface ServerFigures {
  label: string;
  pid: number;
  /** Trigger sent -> the last lamp has the packet, per measured round, in ms. */
  roundsMs: number[];
  lastLampMs: Spread;
  firstLampMs: Spread;
  /** Trigger sent -> its HTTP response arrived. */
  triggerAnsweredMs: Spread;
  handshakeMs: Spread;
  handshakeRetries: number;
  connectAllMs: number;
  rssBeforeKiB: number | null;
  rssWithLampsKiB: number | null;
  rssPerLampKiB: number | null;
  unexpectedFrames: number;
  closedByServer: Record<string, number>;
  serverOutputLines: number;
  serverOutputTail: string[];
}

function readOptions(): Options | null {
  const { values } = parseArgs({
    options: {
      lamps: { type: 'string', default: '1000' },
      rounds: { type: 'string', default: '50' },
      warmup: { type: 'string', default: '3' },
      batch: { type: 'string', default: '100' },
      'room-size': { type: 'string', default: '10' },
      starts: { type: 'string', default: '5' },
      json: { type: 'string' },
      timeout: { type: 'string', default: '600' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return null;
  const count = (name: string, text: string, min: number): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be a whole number >= ${min}, got ${JSON.stringify(text)}`);
    return value;
  };
  return {
    lamps: count('lamps', values.lamps, 1),
    rounds: count('rounds', values.rounds, 1),
    warmup: count('warmup', values.warmup, 0),
    batch: count('batch', values.batch, 1),
    roomSize: count('room-size', values['room-size'], 1),
    starts: count('starts', values.starts, 1),
    json: values.json,
    timeoutS: count('timeout', values.timeout, 1),
  };
}

/**
 * The colour of broadcast number `n`: consecutive colours always differ (37 is odd, so r
 * alone never repeats within 256 steps), so every round is a real display change that the
 * server cannot skip as "already showing".
 */
function colorFor(n: number): Rgb {
  return { r: (n * 37 + 11) % 256, g: (n * 101 + 47) % 256, b: (n * 53 + 199) % 256 };
}

function displayPacketFor(color: Rgb): string {
  // setColor keeps the pulse, which is 0 on a fresh start; the mutation's answer confirms it.
  return formatDisplayPacket({ mode: 'manual', color, pulse: 0 });
}

const round2 = (n: number) => Math.round(n * 100) / 100;

function spread(samples: number[]): Spread {
  if (samples.length === 0) return { p50: NaN, p99: NaN, max: NaN };
  const sorted = [...samples].sort((a, b) => a - b);
  // Nearest rank: p99 of 50 rounds is the 50th value, i.e. the worst round.
  const rank = (p: number) => sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1]!;
  return { p50: round2(rank(50)), p99: round2(rank(99)), max: round2(sorted[sorted.length - 1]!) };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function postOk(url: string, init: RequestInit, what: string): Promise<Response> {
  const response = await fetch(url, { ...init, method: 'POST', signal: AbortSignal.timeout(ROUND_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`${what} answered HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`);
  return response;
}

/** Credentials the bench gives the server it starts, so it can act as lamps and as an admin. */
interface BenchCredentials {
  deviceSecret: string;
  apiToken: string;
}

function cloudCloudTarget(server: ServerProcess, credentials: BenchCredentials): ServerUnderTest {
  const url = `http://${HOST}:${server.httpPort}/graphql`;
  return {
    label: 'cloud-cloud',
    process: server,
    secret: credentials.deviceSecret,
    broadcast: async (color, packet) => {
      const response = await postOk(
        url,
        {
          headers: { 'content-type': 'application/json', authorization: `Bearer ${credentials.apiToken}` },
          body: JSON.stringify({
            query: 'mutation($c: ColorInput!){ setColor(color:$c){ frame } }',
            variables: { c: color },
          }),
        },
        'setColor',
      );
      const answer = (await response.json()) as { data?: { setColor?: { frame?: string } }; errors?: unknown };
      if (answer.errors) throw new Error(`setColor failed: ${JSON.stringify(answer.errors).slice(0, 300)}`);
      const frame = answer.data?.setColor?.frame;
      if (frame !== packet) throw new Error(`setColor answered frame ${JSON.stringify(frame)}, expected ${packet}`);
    },
  };
}

function bareTarget(server: ServerProcess, secret: string): ServerUnderTest {
  const url = `http://${HOST}:${server.httpPort}/broadcast`;
  return {
    label: 'bare ws',
    process: server,
    secret,
    broadcast: async (_color, packet) => {
      await postOk(url, { headers: { 'content-type': 'text/plain' }, body: packet }, 'bare broadcast');
    },
  };
}

/** Waits until the server admits a lamp (cloud-cloud's adapter needs its API link first). */
async function waitUntilAdmitting(target: ServerUnderTest): Promise<void> {
  let lastError: unknown;
  for (let probe = 0; probe < READY_PROBES; probe++) {
    const fleet = new LampFleet();
    try {
      await fleet.connect({
        url: deviceUrl(target),
        secret: target.secret,
        count: 1,
        batchSize: 1,
        handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
      });
      return;
    } catch (error) {
      lastError = error;
      await sleep(READY_PROBE_GAP_MS);
    } finally {
      fleet.terminate();
    }
  }
  throw new Error(`${target.label} never admitted a lamp: ${(lastError as Error).message}`);
}

const deviceUrl = (target: ServerUnderTest) => `ws://${HOST}:${target.process.devicePort}/`;

/** One broadcast: arms the fleet, sends the trigger, waits for the last lamp and the answer. */
async function broadcastRound(target: ServerUnderTest, fleet: LampFleet, color: Rgb) {
  const packet = displayPacketFor(color);
  const arrival = fleet.expect(packet, ROUND_TIMEOUT_MS);
  arrival.catch(() => {}); // reported through Promise.all below; this only avoids an unhandled rejection
  const sentAt = performance.now();
  const answered = target.broadcast(color, packet).then(() => performance.now());
  const [{ firstAt, lastAt }, answeredAt] = await Promise.all([arrival, answered]);
  return { firstMs: firstAt - sentAt, lastMs: lastAt - sentAt, answeredMs: answeredAt - sentAt };
}

async function benchmarkServer(
  target: ServerUnderTest,
  options: Options,
  track: (fleet: LampFleet) => void,
  progress: (line: string) => void,
): Promise<ServerFigures> {
  await waitUntilAdmitting(target);
  // Each server gets the same colour sequence, so both send packets of the same lengths.
  let broadcasts = 0;
  const colors = { next: () => colorFor(++broadcasts) };

  // Warm the trigger path (GraphQL parsing, JIT) with no lamps, so the memory baseline is
  // taken from a server that has already done a broadcast and the lamps account for the rest.
  const empty = new LampFleet();
  for (let i = 0; i < EMPTY_WARMUP_BROADCASTS; i++) await broadcastRound(target, empty, colors.next());
  await sleep(SETTLE_MS);
  const rssBeforeKiB = residentKiB(target.process.pid);

  const fleet = new LampFleet();
  track(fleet);
  progress(`${target.label}: connecting ${options.lamps} lamps, ${options.batch} at a time`);
  const handshakes: HandshakeReport = await fleet.connect({
    url: deviceUrl(target),
    secret: target.secret,
    count: options.lamps,
    batchSize: options.batch,
    handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
  });

  for (let i = 0; i < options.warmup; i++) {
    await broadcastRound(target, fleet, colors.next());
    await sleep(ROUND_GAP_MS);
  }
  await sleep(SETTLE_MS);
  const rssWithLampsKiB = residentKiB(target.process.pid);

  progress(`${target.label}: ${options.rounds} measured rounds`);
  const rounds: Awaited<ReturnType<typeof broadcastRound>>[] = [];
  for (let i = 0; i < options.rounds; i++) {
    rounds.push(await broadcastRound(target, fleet, colors.next()));
    await sleep(ROUND_GAP_MS);
  }
  fleet.terminate();

  return {
    label: target.label,
    pid: target.process.pid,
    roundsMs: rounds.map((r) => round2(r.lastMs)),
    lastLampMs: spread(rounds.map((r) => r.lastMs)),
    firstLampMs: spread(rounds.map((r) => r.firstMs)),
    triggerAnsweredMs: spread(rounds.map((r) => r.answeredMs)),
    handshakeMs: spread(handshakes.durationsMs),
    handshakeRetries: handshakes.retries,
    connectAllMs: round2(handshakes.totalMs),
    rssBeforeKiB,
    rssWithLampsKiB,
    rssPerLampKiB: rssBeforeKiB !== null && rssWithLampsKiB !== null ? round2((rssWithLampsKiB - rssBeforeKiB) / options.lamps) : null,
    unexpectedFrames: fleet.unexpectedFrames,
    closedByServer: Object.fromEntries(fleet.closedByServer),
    serverOutputLines: target.process.laterOutputLines(),
    serverOutputTail: [...target.process.laterOutput],
  };
}

const ms = (n: number) => (Number.isFinite(n) ? `${n < 10 ? n.toFixed(2) : n.toFixed(1)} ms` : 'n/a');
const kib = (n: number | null) => (n === null ? 'n/a' : `${n.toFixed(1)} KiB`);
const mib = (n: number | null) => (n === null ? 'n/a' : `${(n / 1024).toFixed(1)} MiB`);
const ratio = (a: number | null, b: number | null) => (a === null || b === null || !(b > 0) ? 'n/a' : `${(a / b).toFixed(2)}×`);

function machine() {
  const cores = cpus();
  return {
    cpu: cores[0]?.model.trim() ?? 'unknown',
    cores: cores.length,
    memoryGiB: round2(totalmem() / 1024 ** 3),
    node: process.version,
    os: `${platform()} ${release()} ${arch()}`,
  };
}

const median = (samples: number[]) => (samples.length === 0 ? null : [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]!);
const bytes = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} MB` : `${(n / 1e3).toFixed(1)} kB`);

function table(
  options: Options,
  cc: ServerFigures,
  bare: ServerFigures,
  rooms: RoomLocalFigures,
  starts: { cc: StartUpFigures; bare: StartUpFigures },
  web: WebBytes,
): string {
  const m = machine();
  const startMs = { cc: median(starts.cc.listeningMs), bare: median(starts.bare.listeningMs) };
  const idleKiB = { cc: median(starts.cc.idleRssKiB), bare: median(starts.bare.idleRssKiB) };
  const rows: [string, string, string, string][] = [
    [
      `start → listening, median of ${options.starts} (floor: node -e http server)`,
      ms(startMs.cc ?? NaN),
      ms(startMs.bare ?? NaN),
      ratio(startMs.cc, startMs.bare),
    ],
    [`server RSS idle after start, median of ${options.starts}`, mib(idleKiB.cc), mib(idleKiB.bare), ratio(idleKiB.cc, idleKiB.bare)],
    ['broadcast → last lamp, p50', ms(cc.lastLampMs.p50), ms(bare.lastLampMs.p50), ratio(cc.lastLampMs.p50, bare.lastLampMs.p50)],
    ['broadcast → last lamp, p99', ms(cc.lastLampMs.p99), ms(bare.lastLampMs.p99), ratio(cc.lastLampMs.p99, bare.lastLampMs.p99)],
    ['broadcast → first lamp, p50', ms(cc.firstLampMs.p50), ms(bare.firstLampMs.p50), ratio(cc.firstLampMs.p50, bare.firstLampMs.p50)],
    [
      'trigger answered (HTTP), p50',
      ms(cc.triggerAnsweredMs.p50),
      ms(bare.triggerAnsweredMs.p50),
      ratio(cc.triggerAnsweredMs.p50, bare.triggerAnsweredMs.p50),
    ],
    [
      'handshake (secret → display packet), p50',
      ms(cc.handshakeMs.p50),
      ms(bare.handshakeMs.p50),
      ratio(cc.handshakeMs.p50, bare.handshakeMs.p50),
    ],
    ['handshake, p99', ms(cc.handshakeMs.p99), ms(bare.handshakeMs.p99), ratio(cc.handshakeMs.p99, bare.handshakeMs.p99)],
    [`connect all ${options.lamps} lamps`, ms(cc.connectAllMs), ms(bare.connectAllMs), ratio(cc.connectAllMs, bare.connectAllMs)],
    ['server RSS before lamps', mib(cc.rssBeforeKiB), mib(bare.rssBeforeKiB), ratio(cc.rssBeforeKiB, bare.rssBeforeKiB)],
    ['server RSS with lamps', mib(cc.rssWithLampsKiB), mib(bare.rssWithLampsKiB), ratio(cc.rssWithLampsKiB, bare.rssWithLampsKiB)],
    ['server RSS per lamp', kib(cc.rssPerLampKiB), kib(bare.rssPerLampKiB), ratio(cc.rssPerLampKiB, bare.rssPerLampKiB)],
    [
      `room change → socket writes (${rooms.lamps} lamps, ${rooms.rooms} rooms of ${rooms.roomSize})`,
      rooms.writesPerChange.toFixed(2),
      '—',
      '—',
    ],
    ['room change → last lamp of the room, p50', ms(spread(rooms.roundsMs).p50), '—', '—'],
    ['GraphiQL first load, brotli (page, script, stylesheet, icon)', bytes(web.graphiql.br), '—', '—'],
    ['GraphiQL first load, gzip', bytes(web.graphiql.gzip), '—', '—'],
    ['GraphiQL first load, uncompressed', bytes(web.graphiql.identity), '—', '—'],
    [
      "GraphiQL's 3 editor workers on top, brotli / gzip",
      `${bytes(web.graphiqlWorkers.br)} / ${bytes(web.graphiqlWorkers.gzip)}`,
      '—',
      '—',
    ],
    ['GraphiQL repeat load (the page; its files cached), brotli', bytes(web.graphiqlPage.br), '—', '—'],
    [`web UI first load, brotli (page + ${web.uiFiles} files)`, bytes(web.ui.br), '—', '—'],
    ['web UI first load, gzip', bytes(web.ui.gzip), '—', '—'],
    ['web UI first load, uncompressed', bytes(web.ui.identity), '—', '—'],
  ];
  const header: [string, string, string, string] = ['', 'cloud-cloud', 'bare ws (floor)', 'cloud-cloud / bare'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
  return [
    `Lamp broadcast: ${options.lamps} lamps, ${options.rounds} measured rounds (${options.warmup} warm-up), lamps connected ${options.batch} at a time`,
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, Node ${m.node}, ${m.os}`,
    '',
    line(header),
    rule,
    ...rows.map(line),
  ].join('\n');
}

/** What else the run showed: anything here is worth a look before quoting the figures. */
function observations(options: Options, figures: ServerFigures[], rooms: RoomLocalFigures): string[] {
  const notes: string[] = [];
  // Rounds go to the rooms in turn; every room but perhaps the last is full.
  const expectedWrites = Math.min(rooms.roomSize, rooms.lamps);
  if (rooms.writesPerChange !== expectedWrites && rooms.lamps % rooms.roomSize === 0) {
    notes.push(`cloud-cloud: a room change cost ${rooms.writesPerChange} writes; a room has ${expectedWrites} lamps`);
  }
  if (rooms.unexpectedFrames > 0) notes.push(`cloud-cloud: ${rooms.unexpectedFrames} frames reached lamps outside the changed room`);
  // A GC in the server moves RSS by megabytes, which swamps what a few lamps cost.
  if (options.lamps < 500) notes.push(`RSS per lamp is mostly GC noise with only ${options.lamps} lamps; use 1000 or more for that figure`);
  for (const f of figures) {
    if (f.handshakeRetries > 0) notes.push(`${f.label}: ${f.handshakeRetries} lamps were told to try again later (1013) and reconnected`);
    if (f.unexpectedFrames > 0) notes.push(`${f.label}: lamps received ${f.unexpectedFrames} frames other than the awaited display packet`);
    for (const [code, count] of Object.entries(f.closedByServer))
      notes.push(`${f.label}: ${count} lamps closed by the server with code ${code}`);
    if (f.serverOutputLines > 0) {
      notes.push(`${f.label}: server wrote ${f.serverOutputLines} log lines during the run (last ones):`);
      notes.push(...f.serverOutputTail.slice(-5).map((l) => `    ${l.slice(0, 300)}`));
    }
  }
  const clean = figures.every(
    (f) => f.handshakeRetries === 0 && f.unexpectedFrames === 0 && Object.keys(f.closedByServer).length === 0 && f.serverOutputLines === 0,
  );
  if (clean) notes.push('no handshake retries, no unexpected frames, no lamps closed, no server warnings');
  return notes;
}

async function main(): Promise<void> {
  const options = readOptions();
  if (!options) {
    process.stdout.write(HELP);
    return;
  }
  const progress = (line: string) => process.stderr.write(`[bench] ${line}\n`);

  const dataDir = mkdtempSync(join(tmpdir(), 'cc-bench-'));
  const servers: ServerProcess[] = [];
  const fleets: LampFleet[] = [];
  let cleanedUp: Promise<void> | null = null;
  const cleanUp = () =>
    (cleanedUp ??= (async () => {
      for (const fleet of fleets) fleet.terminate();
      await Promise.all(servers.map((server) => server.stop()));
      rmSync(dataDir, { recursive: true, force: true });
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

  try {
    // A child inherits no CC_* settings from the caller's shell: the run must not depend on them.
    const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('CC_')));

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

    const bareSecret = randomBytes(16).toString('hex');
    progress('starting the bare ws server');
    const bareProcess = await startServerProcess({
      label: 'bare ws server',
      nodeArgs: ['--import', 'tsx', 'bench/bare-broadcast-server.ts'],
      cwd: REPO_ROOT,
      env: { ...cleanEnv, BARE_DEVICE_SECRET: bareSecret },
      startTimeoutMs: START_TIMEOUT_MS,
      onUnexpectedExit,
    });
    servers.push(bareProcess);
    const bare = await benchmarkServer(bareTarget(bareProcess, bareSecret), options, (f) => fleets.push(f), progress);
    await bareProcess.stop();

    const credentials: BenchCredentials = {
      deviceSecret: randomBytes(18).toString('base64url'),
      apiToken: randomBytes(18).toString('base64url'),
    };
    progress('starting cloud-cloud');
    const ccProcess = await startServerProcess({
      label: 'cloud-cloud',
      // What `npm start` runs: the compiled server.
      nodeArgs: npmScriptArgs(REPO_ROOT, 'start'),
      cwd: REPO_ROOT,
      env: {
        ...cleanEnv,
        CC_DATA_DIR: dataDir,
        CC_HTTP_PORT: '0',
        CC_DEVICE_PORT: '0',
        CC_HOST: HOST,
        CC_LOG_LEVEL: 'warn',
        // Simulated lamps never ping; keep them from being dropped during a long run.
        CC_HEARTBEAT_TIMEOUT: '600',
        CC_DEVICE_SECRET: credentials.deviceSecret,
        CC_API_TOKEN: credentials.apiToken,
        CC_ADMIN_PASSWORD: credentials.apiToken,
      },
      startTimeoutMs: START_TIMEOUT_MS,
      onUnexpectedExit,
    });
    servers.push(ccProcess);
    const cc = await benchmarkServer(cloudCloudTarget(ccProcess, credentials), options, (f) => fleets.push(f), progress);
    const web = await measureWebBytes(`http://${HOST}:${ccProcess.httpPort}`);
    // Colours the broadcast rounds did not use (they take the first few dozen of colorFor).
    let roomColors = 128;
    const rooms = await measureRoomLocal({
      graphqlUrl: `http://${HOST}:${ccProcess.httpPort}/graphql`,
      deviceUrl: `ws://${HOST}:${ccProcess.devicePort}/`,
      secret: credentials.deviceSecret,
      apiToken: credentials.apiToken,
      lamps: options.lamps,
      roomSize: options.roomSize,
      rounds: options.rounds,
      batch: options.batch,
      handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
      roundTimeoutMs: ROUND_TIMEOUT_MS,
      settleMs: SETTLE_MS,
      nextColor: () => colorFor(++roomColors),
      progress,
      track: (f) => fleets.push(f),
    });

    await cleanUp();
    clearTimeout(guard);

    process.stdout.write(
      `${table(options, cc, bare, rooms, { cc: ccStarts, bare: bareStarts }, web)}\n\n${observations(options, [cc, bare], rooms).join('\n')}\n`,
    );
    const results = {
      machine: machine(),
      run: {
        lamps: options.lamps,
        rounds: options.rounds,
        warmup: options.warmup,
        batch: options.batch,
        roomSize: options.roomSize,
        at: new Date().toISOString(),
      },
      cloudCloud: cc,
      bare,
      roomLocal: { ...rooms, lastLampOfRoomMs: spread(rooms.roundsMs) },
      startUp: { cloudCloud: ccStarts, bare: bareStarts },
      web,
      ratio: {
        lastLampP50: round2(cc.lastLampMs.p50 / bare.lastLampMs.p50),
        lastLampP99: round2(cc.lastLampMs.p99 / bare.lastLampMs.p99),
      },
    };
    if (options.json) {
      writeFileSync(options.json, `${JSON.stringify(results, null, 2)}\n`);
      process.stdout.write(`\nresults written to ${options.json}\n`);
    } else {
      process.stdout.write(`\n${JSON.stringify(results)}\n`);
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
