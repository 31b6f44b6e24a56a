/** A token bucket: at most `capacity` events per `windowMs`, refilled evenly. */
export class RateLimit {
  #tokens: number;
  #updatedAt = 0;

  constructor(
    private readonly capacity: number,
    private readonly windowMs: number,
  ) {
    this.#tokens = capacity;
  }

  /** Takes one token at time `nowMs`; false when none is left. */
  take(nowMs: number): boolean {
    const refill = ((nowMs - this.#updatedAt) / this.windowMs) * this.capacity;
    this.#tokens = Math.min(this.capacity, this.#tokens + Math.max(0, refill));
    this.#updatedAt = nowMs;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
