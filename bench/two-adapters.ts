/**
 * Many lamps on many machines: one API (`npm start`'s command, whose own adapter holds no lamp)
 * followed by separate adapter processes (`npm run adapter`'s command), each holding
 * `lampsPerAdapter` lamps. Broadcast rounds first with one adapter's lamps, then with two; over
 * each set of rounds the API process's CPU time and bytes written are read from /proc, per
 * change. A room change is one message per adapter, so that work must grow with the adapters,
 * not with the lamps. The floor: as many bare servers, each with as many lamps, triggered together.
 */
import { HANDSHAKE_TIMEOUT_MS, measureRounds, warmUp, type RoundFigures } from './broadcast.js';
import type { ClientLoad } from './client-load.js';
import { LampFleet } from './lamp-fleet.js';
import { cpuMs, writtenBytes, type ServerProcess } from './server-process.js';
import { colorSequence, SETTLE_MS, waitUntilAdmitting } from './server-run.js';
import { round2, sleep } from './stats.js';
import { deviceUrl, type ServerUnderTest } from './targets.js';

export interface AdapterStep extends RoundFigures {
  adapters: number;
  lamps: number;
  /** CPU time of the process behind `target.process` (the API) per change, over the rounds; null without /proc. */
  cpuMsPerChange: number | null;
  /** Bytes it handed to write()/send() per change (sockets, its log and its database); null where unreadable. */
  bytesPerChange: number | null;
}

export interface AdapterFigures {
  label: string;
  lampsPerAdapter: number;
  steps: AdapterStep[];
  unexpectedFrames: number;
  closedByServer: Record<string, number>;
}

export interface AdapterScenario {
  target: ServerUnderTest;
  /** The processes lamps connect to, one per adapter (or bare server). */
  adapters: ServerProcess[];
  /** Starts the next adapter process if it is started lazily; by default all run from the beginning. */
  startAdapter?: (n: number) => Promise<ServerProcess>;
}

export async function benchmarkAdapters(
  scenario: AdapterScenario,
  options: { lampsPerAdapter: number; adapters: number; rounds: number; warmup: number; batch: number },
  load: ClientLoad,
  track: (fleet: LampFleet) => void,
  progress: (line: string) => void,
): Promise<AdapterFigures> {
  const { target } = scenario;
  const colors = colorSequence();
  const fleet = new LampFleet();
  track(fleet);
  const steps: AdapterStep[] = [];
  for (let n = 0; n < options.adapters; n++) {
    const adapter = scenario.adapters[n] ?? (await scenario.startAdapter!(n));
    await waitUntilAdmitting(target, deviceUrl(adapter));
    progress(`${target.label}: ${options.lampsPerAdapter} lamps on ${adapter.label}`);
    await load.phase(`${target.label}: connect ${options.lampsPerAdapter} lamps to ${adapter.label}`, () =>
      fleet.connect({
        url: deviceUrl(adapter),
        secret: target.secret,
        count: options.lampsPerAdapter,
        batchSize: options.batch,
        handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
      }),
    );
    await warmUp(target, fleet, options.warmup, colors);
    await sleep(SETTLE_MS);
    const pid = target.process.pid;
    const before = { cpu: cpuMs(pid), bytes: writtenBytes(pid) };
    progress(`${target.label}: ${options.rounds} rounds with ${n + 1} adapter(s), ${fleet.size} lamps`);
    const rounds = await load.phase(`${target.label}: broadcast to ${n + 1} adapter(s)`, () =>
      measureRounds(target, fleet, options.rounds, colors),
    );
    const after = { cpu: cpuMs(pid), bytes: writtenBytes(pid) };
    const perChange = (a: number | null, b: number | null) => (a === null || b === null ? null : round2((b - a) / options.rounds));
    steps.push({
      adapters: n + 1,
      lamps: fleet.size,
      ...rounds,
      cpuMsPerChange: perChange(before.cpu, after.cpu),
      bytesPerChange: perChange(before.bytes, after.bytes),
    });
  }
  fleet.terminate();
  return {
    label: target.label,
    lampsPerAdapter: options.lampsPerAdapter,
    steps,
    unexpectedFrames: fleet.unexpectedFrames,
    closedByServer: Object.fromEntries(fleet.closedByServer),
  };
}
