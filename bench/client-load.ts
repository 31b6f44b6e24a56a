/**
 * How busy the bench process itself was: it holds every simulated lamp (up to 10000 sockets),
 * so a phase in which its own event loop lagged measured the client as much as the server.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface ClientDelay {
  phase: string;
  /** Event-loop delay of the bench process during the phase, in ms. */
  p99Ms: number;
  maxMs: number;
}

/** Above this p99 the client's own delay is a visible part of the phase's figures. */
export const CLIENT_BUSY_P99_MS = 20;

export class ClientLoad {
  readonly #histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 5 });
  readonly phases: ClientDelay[] = [];

  constructor() {
    this.#histogram.enable();
  }

  /** Runs `work` as a named phase and records the delay the bench's event loop saw meanwhile. */
  async phase<T>(name: string, work: () => Promise<T>): Promise<T> {
    this.#histogram.reset();
    try {
      return await work();
    } finally {
      const ms = (ns: number) => Math.round(ns / 1e4) / 100;
      this.phases.push({ phase: name, p99Ms: ms(this.#histogram.percentile(99)), maxMs: ms(this.#histogram.max) });
    }
  }

  busyPhases(): ClientDelay[] {
    return this.phases.filter((p) => p.p99Ms > CLIENT_BUSY_P99_MS);
  }

  stop(): void {
    this.#histogram.disable();
  }
}
