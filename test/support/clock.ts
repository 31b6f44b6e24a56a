import type { Clock } from '@cloud-cloud/api/clock';

/** A clock a test moves by hand, to reach sunrise without waiting for it. */
export class ManualClock implements Clock {
  #now: number;

  constructor(start: Date) {
    this.#now = start.getTime();
  }

  now(): Date {
    return new Date(this.#now);
  }

  set(at: Date): void {
    this.#now = at.getTime();
  }

  advance(ms: number): void {
    this.#now += ms;
  }
}
