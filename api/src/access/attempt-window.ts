import { isIPv6 } from 'node:net';

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

  /** Forgets every attempt of `key`: it proved itself. */
  clear(key: string): void {
    this.#attempts.delete(key);
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

/**
 * Whom to count an address's attempts against: an IPv4 address itself, but an IPv6 address's
 * /64 network, since one machine is commonly given a whole /64 and could otherwise take a
 * fresh address for every attempt.
 */
export function attemptSource(address: string): string {
  const bare = address.replace(/%.*$/, '').toLowerCase();
  if (!isIPv6(bare)) return address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  if (mapped) return mapped[1]!;
  const groups = (part: string) => (part === '' ? [] : part.split(':').flatMap((group) => (group.includes('.') ? ['v4', 'v4'] : [group])));
  const [head = '', tail] = bare.split('::');
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${all
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
