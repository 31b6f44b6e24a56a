import { EventEmitter, on } from 'node:events';

/**
 * Typed, in-process publish/subscribe. Listeners are attached when `subscribe` is called, not
 * when the iterator is first read, so a subscriber that reads the current state right after
 * subscribing cannot miss a change published in between. Events reach each subscriber in the
 * order they were published.
 */
export class PubSub<Topics extends Record<string, unknown>> {
  readonly #emitter = new EventEmitter();

  constructor() {
    // Every GraphQL subscription is one listener; hundreds are normal, not a leak.
    this.#emitter.setMaxListeners(0);
  }

  publish<T extends keyof Topics & string>(topic: T, payload: Topics[T]): void {
    this.#emitter.emit(topic, payload);
  }

  subscribe<T extends keyof Topics & string>(topic: T, signal?: AbortSignal): AsyncIterableIterator<Topics[T]> {
    const events = on(this.#emitter, topic, signal ? { signal } : {});
    return {
      [Symbol.asyncIterator]() {
        return this;
      },
      async next() {
        try {
          const result = await events.next();
          return result.done ? result : { done: false, value: (result.value as [Topics[T]])[0] };
        } catch (error) {
          if (error instanceof Error && error.name === 'AbortError') return { done: true, value: undefined };
          throw error;
        }
      },
      async return() {
        await events.return?.();
        return { done: true, value: undefined };
      },
    };
  }

  listenerCount(topic: keyof Topics & string): number {
    return this.#emitter.listenerCount(topic);
  }
}
