/** The time source, passed in so tests (and the weather ramps) can control it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
