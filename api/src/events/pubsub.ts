/**
 * How many events a subscriber may fall behind before it is cut off. Events are shared objects,
 * so a backlog costs a reference per event; the bound keeps a client that stops reading from
 * holding the server's memory.
 */
export const MAX_SUBSCRIBER_BACKLOG = 1000;

/** A subscriber fell further behind than its bound allows; its stream ends with this. */
export class SubscriberBehind extends Error {
  override name = 'SubscriberBehind';
  constructor(readonly backlog: number) {
    super(`fell more than ${backlog} events behind; subscribe again to catch up`);
  }
}

/**
 * What a subscriber keeps while it is not reading: every event, up to a bound (a stream of
 * events, where each one counts), or only the newest (a stream of states, where a newer state
 * makes the older one worthless, as with the lamps' display packets).
 */
export type Backlog = { keep: 'every'; max: number } | { keep: 'newest' };

/**
 * Typed, in-process publish/subscribe. Listeners are attached when `subscribe` is called, not
 * when the iterator is first read, so a subscriber that reads the current state right after
 * subscribing cannot miss a change published in between. Events reach each subscriber in the
 * order they were published. A subscriber ends when its signal aborts or it is returned, at once
 * even while it waits for the next event.
 */
export class PubSub<Topics extends Record<string, unknown>> {
  readonly #subscribers = new Map<string, Set<Subscriber<unknown>>>();

  constructor(private readonly maxBacklog = MAX_SUBSCRIBER_BACKLOG) {}

  /** Events published but not yet read, over every subscriber: what slow readers cost. */
  get backlog(): number {
    let count = 0;
    for (const subscribers of this.#subscribers.values()) for (const subscriber of subscribers) count += subscriber.unread;
    return count;
  }

  /** Subscribers following `topic` now: a subscription has started once it is counted here. */
  subscriberCount(topic: keyof Topics & string): number {
    return this.#subscribers.get(topic)?.size ?? 0;
  }

  publish<T extends keyof Topics & string>(topic: T, payload: Topics[T]): void {
    for (const subscriber of this.#subscribers.get(topic) ?? []) subscriber.push(payload);
  }

  /** Every event of `topic`, up to `maxBacklog` unread before the stream fails. */
  subscribe<T extends keyof Topics & string>(topic: T, signal?: AbortSignal): AsyncIterableIterator<Topics[T]> {
    return this.#attach(topic, { keep: 'every', max: this.maxBacklog }, signal);
  }

  /** The newest event of `topic`: one not yet read is replaced by the next. */
  latest<T extends keyof Topics & string>(topic: T, signal?: AbortSignal): AsyncIterableIterator<Topics[T]> {
    return this.#attach(topic, { keep: 'newest' }, signal);
  }

  #attach<T extends keyof Topics & string>(topic: T, backlog: Backlog, signal?: AbortSignal): AsyncIterableIterator<Topics[T]> {
    const subscribers = this.#subscribers.get(topic) ?? new Set();
    this.#subscribers.set(topic, subscribers);
    const subscriber: Subscriber<Topics[T]> = new Subscriber<Topics[T]>(backlog, () => {
      subscribers.delete(subscriber as Subscriber<unknown>);
      if (subscribers.size === 0) this.#subscribers.delete(topic);
    });
    subscribers.add(subscriber as Subscriber<unknown>);
    if (signal) {
      if (signal.aborted) subscriber.end();
      else signal.addEventListener('abort', () => subscriber.end(), { once: true });
    }
    return subscriber;
  }
}

class Subscriber<T> implements AsyncIterableIterator<T> {
  readonly #queue: T[] = [];
  #waiting: ((result: IteratorResult<T>) => void) | null = null;
  #failWaiting: ((error: Error) => void) | null = null;
  #failure: Error | null = null;
  #ended = false;

  constructor(
    private readonly backlog: Backlog,
    private readonly detach: () => void,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  get unread(): number {
    return this.#queue.length;
  }

  push(value: T): void {
    if (this.#ended) return;
    if (this.#waiting) {
      const resolve = this.#waiting;
      this.#clearWaiting();
      resolve({ done: false, value });
      return;
    }
    if (this.backlog.keep === 'newest') {
      this.#queue.length = 0;
    } else if (this.#queue.length >= this.backlog.max) {
      this.#failure = new SubscriberBehind(this.backlog.max);
      this.#queue.length = 0;
      this.#close();
      return;
    }
    this.#queue.push(value);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#queue.length > 0) return Promise.resolve({ done: false, value: this.#queue.shift()! });
    if (this.#failure) {
      const failure = this.#failure;
      this.#failure = null;
      return Promise.reject(failure);
    }
    if (this.#ended) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => {
      this.#waiting = resolve;
      this.#failWaiting = reject;
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.end();
    return Promise.resolve({ done: true, value: undefined });
  }

  /** Stops the stream: whatever is unread is dropped, and a pending read finishes. */
  end(): void {
    this.#queue.length = 0;
    this.#close();
  }

  #close(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.detach();
    const resolve = this.#waiting;
    const reject = this.#failWaiting;
    this.#clearWaiting();
    if (this.#failure && reject) {
      const failure = this.#failure;
      this.#failure = null;
      reject(failure);
    } else {
      resolve?.({ done: true, value: undefined });
    }
  }

  #clearWaiting(): void {
    this.#waiting = null;
    this.#failWaiting = null;
  }
}
