/**
 * What one server does with lamps connected: broadcast rounds (trigger -> first and last lamp
 * has the packet), handshakes one lamp at a time, and changes answered per second with several
 * clients at once.
 */
import { performance } from 'node:perf_hooks';
import type { Rgb } from '@cloud-cloud/protocol/packet';
import { LampFleet } from './lamp-fleet.js';
import { round2, sleep, spread, type Spread } from './stats.js';
import { deviceUrl, displayPacketFor, type ServerUnderTest } from './targets.js';

/** A round that has not reached every lamp by then has failed; a healthy one takes milliseconds. */
export const ROUND_TIMEOUT_MS = 15_000;
/** Lets the server finish the previous round's write callbacks before the next trigger. */
const ROUND_GAP_MS = 20;
export const HANDSHAKE_TIMEOUT_MS = 15_000;

export interface Colors {
  next(): Rgb;
}

export interface RoundFigures {
  /** Trigger sent -> the last lamp has the packet, per measured round, in ms. */
  roundsMs: number[];
  lastLampMs: Spread;
  firstLampMs: Spread;
  /** Trigger sent -> its HTTP answer arrived. */
  answeredMs: Spread;
}

/** One broadcast: arms the fleet, sends the trigger, waits for the last lamp and the answer. */
export async function broadcastRound(target: ServerUnderTest, fleet: LampFleet, color: Rgb) {
  const packet = displayPacketFor(color);
  const arrival = fleet.expect(packet, ROUND_TIMEOUT_MS);
  arrival.catch(() => {}); // reported through Promise.all below; this only avoids an unhandled rejection
  const sentAt = performance.now();
  const answered = target.broadcast(color, packet).then(() => performance.now());
  const [{ firstAt, lastAt }, answeredAt] = await Promise.all([arrival, answered]);
  return { firstMs: firstAt - sentAt, lastMs: lastAt - sentAt, answeredMs: answeredAt - sentAt };
}

export async function measureRounds(target: ServerUnderTest, fleet: LampFleet, rounds: number, colors: Colors): Promise<RoundFigures> {
  const results: Awaited<ReturnType<typeof broadcastRound>>[] = [];
  for (let i = 0; i < rounds; i++) {
    results.push(await broadcastRound(target, fleet, colors.next()));
    await sleep(ROUND_GAP_MS);
  }
  return {
    roundsMs: results.map((r) => round2(r.lastMs)),
    lastLampMs: spread(results.map((r) => r.lastMs)),
    firstLampMs: spread(results.map((r) => r.firstMs)),
    answeredMs: spread(results.map((r) => r.answeredMs)),
  };
}

export async function warmUp(target: ServerUnderTest, fleet: LampFleet, rounds: number, colors: Colors): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await broadcastRound(target, fleet, colors.next());
    await sleep(ROUND_GAP_MS);
  }
}

export interface HandshakeProbe {
  /** A lamp the server has never seen: connect -> display packet, one lamp at a time. */
  newLampMs: Spread;
  /** The same lamps again after they dropped: the everyday reconnect. */
  knownLampMs: Spread;
}

/** Handshakes with nothing else going on: `count` new lamps one after another, then the same lamps again. */
export async function probeHandshakes(target: ServerUnderTest, count: number, firstIndex: number): Promise<HandshakeProbe> {
  const connect = async () => {
    const fleet = new LampFleet();
    try {
      const report = await fleet.connect({
        url: deviceUrl(target.process),
        secret: target.secret,
        count,
        firstIndex,
        batchSize: 1,
        handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
      });
      return spread(report.durationsMs);
    } finally {
      fleet.terminate();
    }
  };
  const newLampMs = await connect();
  // Time for the server to see the drops, so the second round are reconnects, not replacements.
  await sleep(500);
  const knownLampMs = await connect();
  await sleep(500);
  return { newLampMs, knownLampMs };
}

export interface ThroughputFigures {
  concurrency: number;
  durationMs: number;
  answered: number;
  perSecond: number;
  /** Lamps showing the server's current packet at the end, of all. */
  lampsOnLast: number;
  lamps: number;
  /** Trigger sent -> answered, over all requests. */
  answeredMs: Spread;
}

/**
 * `concurrency` clients each trigger a change, wait for the answer and trigger the next, for
 * `durationMs`; then every lamp must end on the server's current packet (newest wins: lamps may
 * skip packets in between, never end on an old one).
 */
export async function measureThroughput(
  target: ServerUnderTest,
  fleet: LampFleet,
  options: { concurrency: number; durationMs: number },
  colors: Colors,
): Promise<ThroughputFigures> {
  fleet.anyFrames = true;
  const latencies: number[] = [];
  const started = performance.now();
  const until = started + options.durationMs;
  const client = async () => {
    while (performance.now() < until) {
      const color = colors.next();
      const sentAt = performance.now();
      await target.broadcast(color, displayPacketFor(color));
      latencies.push(performance.now() - sentAt);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
  const elapsed = performance.now() - started;
  const current = await target.current();
  const settled = await fleet.expect(current, ROUND_TIMEOUT_MS).then(
    () => true,
    () => false,
  );
  const lampsOnLast = settled ? fleet.size : fleet.showing(current);
  fleet.anyFrames = false;
  return {
    concurrency: options.concurrency,
    durationMs: round2(elapsed),
    answered: latencies.length,
    perSecond: round2((latencies.length * 1000) / elapsed),
    lampsOnLast,
    lamps: fleet.size,
    answeredMs: spread(latencies),
  };
}
