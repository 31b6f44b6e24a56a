import type { Clock } from '@cloud-cloud/api/clock';

/**
 * A clock a test moves by hand, to reach sunrise without waiting for it. It counts how often it
 * was read, so a test can wait until work that reads the clock (a recompute) has run.
 */
export class ManualClock implements Clock {
  #now: number;
  #reads = 0;

  constructor(start: Date) {
    this.#now = start.getTime();
  }

  now(): Date {
    this.#reads++;
    return new Date(this.#now);
  }

  get reads(): number {
    return this.#reads;
  }

  set(at: Date): void {
    this.#now = at.getTime();
  }

  advance(ms: number): void {
    this.#now += ms;
  }
}
