/**
 * Limits failed logins per address: after `maxFailures` within `windowMs`, further attempts
 * from that address are refused until the oldest failure leaves the window. Kept in memory:
 * a restart forgets it, which costs an attacker a restart they cannot cause.
 */
export class LoginThrottle {
  readonly #failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures = 5,
    private readonly windowMs = 15 * 60_000,
    private readonly maxTrackedAddresses = 10_000,
  ) {}

  /** Milliseconds until `address` may try again; 0 when it may try now. */
  retryAfterMs(address: string, now: number): number {
    const recent = this.#recent(address, now);
    if (recent.length < this.maxFailures) return 0;
    return recent[recent.length - this.maxFailures]! + this.windowMs - now;
  }

  recordFailure(address: string, now: number): void {
    if (this.#failures.size >= this.maxTrackedAddresses) this.#forgetOld(now);
    this.#failures.set(address, [...this.#recent(address, now), now]);
  }

  recordSuccess(address: string): void {
    this.#failures.delete(address);
  }

  #recent(address: string, now: number): number[] {
    return (this.#failures.get(address) ?? []).filter((at) => at > now - this.windowMs);
  }

  #forgetOld(now: number): void {
    for (const [address] of this.#failures) {
      if (this.#recent(address, now).length === 0) this.#failures.delete(address);
    }
    // Still full of live entries: drop the oldest addresses rather than grow without bound.
    for (const [address] of this.#failures) {
      if (this.#failures.size < this.maxTrackedAddresses) break;
      this.#failures.delete(address);
    }
  }
}
