/**
 * Counts attempts per key (a client address, a lamp) within a sliding window, and says how long
 * a key over the limit must wait. Kept in memory and bounded: at most `maxKeys` keys, the ones
 * with nothing in the window forgotten first, then the longest-tracked.
 */
export class AttemptWindow {
  readonly #attempts = new Map<string, number[]>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly maxKeys = 10_000,
  ) {}

  /** Milliseconds until `key` may make another attempt; 0 when it may now. */
  retryAfterMs(key: string, now: number): number {
    const recent = this.#recent(key, now);
    if (recent.length < this.limit) return 0;
    return recent[recent.length - this.limit]! + this.windowMs - now;
  }

  /** Counts an attempt at `now`; only attempts within the limit need counting. */
  count(key: string, now: number): void {
    const recent = this.#recent(key, now);
    if (!this.#attempts.has(key) && this.#attempts.size >= this.maxKeys) this.#makeRoom(now);
    recent.push(now);
    // Only the newest `limit` attempts decide when the key may try again.
    if (recent.length > this.limit) recent.splice(0, recent.length - this.limit);
    this.#attempts.set(key, recent);
  }

  /** Takes back one attempt counted at `at`: it turned out to be no attempt to hold against the key. */
  forgive(key: string, at: number): void {
    const attempts = this.#attempts.get(key);
    const index = attempts?.lastIndexOf(at) ?? -1;
    if (index === -1) return;
    attempts!.splice(index, 1);
    if (attempts!.length === 0) this.#attempts.delete(key);
  }

  /** How many keys are tracked. */
  get size(): number {
    return this.#attempts.size;
  }

  #recent(key: string, now: number): number[] {
    return (this.#attempts.get(key) ?? []).filter((at) => at > now - this.windowMs);
  }

  #makeRoom(now: number): void {
    for (const [key] of this.#attempts) {
      if (this.#recent(key, now).length === 0) this.#attempts.delete(key);
    }
    for (const [key] of this.#attempts) {
      if (this.#attempts.size < this.maxKeys) break;
      this.#attempts.delete(key);
    }
  }
}
