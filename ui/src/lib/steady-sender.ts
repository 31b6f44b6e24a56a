export interface SteadySenderOptions {
  /** Shortest time between two sends. 50 ms is 20 a second. */
  minGapMs: number;
  now?: () => number;
  onError?: (error: unknown) => void;
}

export interface SteadySender<T> {
  /** Offers the newest value; the UI never waits for this. */
  push(value: T): void;
  /** Resolves when everything pushed so far has been sent and answered. */
  settled(): Promise<void>;
}

/**
 * Sends a stream of values (a finger dragging a colour) at a steady pace: at most one request
 * in flight and at most one every `minGapMs`, always the newest value, and always the last one.
 * One request at a time also keeps them in order, so the lamp ends on the value the finger
 * lifted on.
 */
export function createSteadySender<T>(send: (value: T) => Promise<unknown>, options: SteadySenderOptions): SteadySender<T> {
  const now = options.now ?? (() => performance.now());
  let pending: { value: T } | null = null;
  let inFlight = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastSentAt = Number.NEGATIVE_INFINITY;
  const waiters: (() => void)[] = [];

  function pump(): void {
    if (inFlight || timer !== null) return;
    if (!pending) {
      for (const wake of waiters.splice(0)) wake();
      return;
    }
    const wait = lastSentAt + options.minGapMs - now();
    if (wait > 0) {
      timer = setTimeout(() => {
        timer = null;
        pump();
      }, wait);
      return;
    }
    const { value } = pending;
    pending = null;
    inFlight = true;
    lastSentAt = now();
    send(value)
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        inFlight = false;
        pump();
      });
  }

  return {
    push(value) {
      pending = { value };
      pump();
    },
    settled() {
      if (!pending && !inFlight && timer === null) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
}
