/**
 * Everything measured on one server with lamps on its device port, in one run of it: memory
 * before lamps, handshakes alone, the fleet connecting, broadcast rounds at each fleet size,
 * changes per second, and the reconnect storm.
 */
import { broadcastRound, HANDSHAKE_TIMEOUT_MS, measureRounds, measureThroughput, probeHandshakes, warmUp } from './broadcast.js';
import type { Colors, HandshakeProbe, RoundFigures, ThroughputFigures } from './broadcast.js';
import type { ClientLoad } from './client-load.js';
import { LampFleet, type StormReport } from './lamp-fleet.js';
import { residentKiB } from './server-process.js';
import { round2, sleep, spread, type Spread } from './stats.js';
import { colorFor, deviceUrl, type ServerUnderTest } from './targets.js';

/** Time for the server's heap to settle before VmRSS is read. */
export const SETTLE_MS = 1_000;
/** Broadcasts before any lamp connects, so the memory baseline includes a warmed-up trigger path. */
const EMPTY_WARMUP_BROADCASTS = 3;
/** The adapter refuses lamps (1013) until its link to the API is up; probe for this long. */
const READY_PROBES = 40;
const READY_PROBE_GAP_MS = 250;
/** Lamp numbers of the lamps used only to probe: far above any fleet's. */
export const PROBE_INDEX = 0xf00000;

export interface RunOptions {
  /** Fleet sizes, ascending: the fleet grows to each and is measured there. */
  lamps: number[];
  rounds: number;
  warmup: number;
  batch: number;
  handshakeProbes: number;
  concurrency: number;
  throughputMs: number;
  /** Lamps in the reconnect storm; 0 for none. */
  stormLamps: number;
  stormRetryMs: number;
  stormTimeoutMs: number;
}

export interface SizeFigures extends RoundFigures {
  lamps: number;
  /** The same rounds with the trigger sent over one open graphql-ws connection (cloud-cloud only). */
  overSocket: RoundFigures | null;
  rssKiB: number | null;
  rssPerLampKiB: number | null;
}

export interface ServerFigures {
  label: string;
  pid: number;
  rssBeforeKiB: number | null;
  probe: HandshakeProbe;
  /** Connecting the first fleet size, `batch` at a time: connect -> display packet. */
  handshakeMs: Spread;
  handshakeRetries: number;
  connectAllMs: number;
  sizes: SizeFigures[];
  throughput: ThroughputFigures;
  storm: StormReport | null;
  unexpectedFrames: number;
  closedByServer: Record<string, number>;
  serverOutputLines: number;
  serverOutputTail: string[];
}

/** Same colour sequence for every server, so all send packets of the same lengths. */
export function colorSequence(): Colors {
  let n = 0;
  return { next: () => colorFor(++n) };
}

/** Waits until the server admits a lamp (cloud-cloud's adapter needs its API link first). */
export async function waitUntilAdmitting(target: ServerUnderTest, url = deviceUrl(target.process)): Promise<void> {
  let lastError: unknown;
  for (let probe = 0; probe < READY_PROBES; probe++) {
    const fleet = new LampFleet();
    try {
      await fleet.connect({
        url,
        secret: target.secret,
        count: 1,
        firstIndex: PROBE_INDEX - 1,
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

export async function benchmarkServer(
  target: ServerUnderTest,
  options: RunOptions,
  load: ClientLoad,
  track: (fleet: LampFleet) => void,
  progress: (line: string) => void,
): Promise<ServerFigures> {
  const phase = <T>(name: string, work: () => Promise<T>) => load.phase(`${target.label}: ${name}`, work);
  await waitUntilAdmitting(target);
  const colors = colorSequence();

  // Warm the trigger path (GraphQL parsing, JIT) with no lamps, so the memory baseline is
  // taken from a server that has already done a broadcast and the lamps account for the rest.
  const empty = new LampFleet();
  for (let i = 0; i < EMPTY_WARMUP_BROADCASTS; i++) await broadcastRound(target, empty, colors.next());
  await sleep(SETTLE_MS);
  const rssBeforeKiB = residentKiB(target.process.pid);

  progress(`${target.label}: ${options.handshakeProbes} handshakes one at a time, new then known lamps`);
  const probe = await phase('handshakes one at a time', () => probeHandshakes(target, options.handshakeProbes, PROBE_INDEX));

  const fleet = new LampFleet();
  track(fleet);
  const sizes: SizeFigures[] = [];
  let first: Awaited<ReturnType<LampFleet['connect']>> | null = null;
  let retries = 0;
  let throughput: ThroughputFigures | null = null;
  for (const lamps of options.lamps) {
    progress(`${target.label}: connecting lamps up to ${lamps}, ${options.batch} at a time`);
    const report = await phase(`connect ${lamps} lamps`, () =>
      fleet.connect({
        url: deviceUrl(target.process),
        secret: target.secret,
        count: lamps - fleet.size,
        batchSize: options.batch,
        handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
      }),
    );
    first ??= report;
    retries += report.retries;
    await warmUp(target, fleet, options.warmup, colors);
    await sleep(SETTLE_MS);
    const rssKiB = residentKiB(target.process.pid);
    progress(`${target.label}: ${options.rounds} measured rounds with ${lamps} lamps`);
    const rounds = await phase(`broadcast to ${lamps}`, () => measureRounds(target, fleet, options.rounds, colors));
    let overSocket: RoundFigures | null = null;
    if (target.broadcastOverSocket) {
      const socketTarget: ServerUnderTest = { ...target, broadcast: target.broadcastOverSocket };
      progress(`${target.label}: ${options.rounds} measured rounds with ${lamps} lamps, sent over graphql-ws`);
      await warmUp(socketTarget, fleet, options.warmup, colors);
      overSocket = await phase(`broadcast to ${lamps} over graphql-ws`, () => measureRounds(socketTarget, fleet, options.rounds, colors));
    }
    sizes.push({
      lamps,
      ...rounds,
      overSocket,
      rssKiB,
      rssPerLampKiB: rssKiB !== null && rssBeforeKiB !== null ? round2((rssKiB - rssBeforeKiB) / lamps) : null,
    });
    if (!throughput) {
      progress(`${target.label}: ${options.concurrency} clients changing colours for ${options.throughputMs} ms, ${lamps} lamps`);
      throughput = await phase('changes per second', () =>
        measureThroughput(target, fleet, { concurrency: options.concurrency, durationMs: options.throughputMs }, colors),
      );
    }
  }

  let storm: StormReport | null = null;
  if (options.stormLamps > 0) {
    if (fleet.size < options.stormLamps) {
      progress(`${target.label}: connecting lamps up to ${options.stormLamps} for the storm`);
      const report = await fleet.connect({
        url: deviceUrl(target.process),
        secret: target.secret,
        count: options.stormLamps - fleet.size,
        batchSize: options.batch,
        handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
      });
      retries += report.retries;
    }
    progress(`${target.label}: reconnect storm, ${fleet.size} lamps`);
    const current = await target.current();
    storm = await phase('reconnect storm', () =>
      fleet.storm({
        secret: target.secret,
        current,
        retryMs: options.stormRetryMs,
        handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
        timeoutMs: options.stormTimeoutMs,
      }),
    );
  }
  fleet.terminate();

  return {
    label: target.label,
    pid: target.process.pid,
    rssBeforeKiB,
    probe,
    handshakeMs: spread(first?.durationsMs ?? []),
    handshakeRetries: retries,
    connectAllMs: round2(first?.totalMs ?? NaN),
    sizes,
    throughput: throughput!,
    storm,
    unexpectedFrames: fleet.unexpectedFrames,
    closedByServer: Object.fromEntries(fleet.closedByServer),
    serverOutputLines: target.process.laterOutputLines(),
    serverOutputTail: [...target.process.laterOutput],
  };
}
