/** How one kind of request reaches the API: many items at once, or (an API of the previous version) one by one. */
export interface BatchedRequest<Item, Answer> {
  /** At most `max` items; answers one per item, in order. */
  many(items: Item[]): Promise<Answer[]>;
  one(item: Item): Promise<Answer>;
  max: number;
  /**
   * During a burst (more than one item went at the last send, in one request or several of
   * `max`), the least time between two sends: what arrives meanwhile goes in the next one.
   */
  burstSpacingMs: number;
  /** The error an API without the batched operation gives (graphql validation names the field). */
  unsupported: RegExp;
}

interface Waiting<Item, Answer> {
  item: Item;
  resolve: (answer: Answer) => void;
  reject: (error: unknown) => void;
}

/**
 * Items that arrive close together (lamps' secrets, lamps leaving) go to the API in one request,
 * `max` per request, so a fleet reconnecting costs the API a few requests and writes rather than
 * one per lamp. Those that arrive in the same turn of the event loop go together, and a lone
 * item waits for nothing. In a burst, requests are `burstSpacingMs` apart: lamps reach the event
 * loop a few per turn, and one request per turn made a storm of 5000 lamps thousands of requests,
 * each paying the API's whole cost of an operation. An API that lacks the batched operation is
 * asked one at a time.
 */
export class RequestBatches<Item, Answer> {
  #waiting: Waiting<Item, Answer>[] = [];
  #scheduled = false;
  #oneByOne = false;
  /** Items that went at the last send, and when (performance.now()). */
  #lastSize = 0;
  #lastSentAt = 0;

  constructor(private readonly request: BatchedRequest<Item, Answer>) {}

  add(item: Item): Promise<Answer> {
    if (this.#oneByOne) return this.request.one(item);
    return new Promise<Answer>((resolve, reject) => {
      this.#waiting.push({ item, resolve, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      const wait = this.#lastSize > 1 ? this.#lastSentAt + this.request.burstSpacingMs - performance.now() : 0;
      if (wait > 0) setTimeout(() => this.#sendWaiting(), wait);
      else setImmediate(() => this.#sendWaiting());
    });
  }

  /** The link reopened, perhaps to another API: try batches again. */
  linkChanged(): void {
    this.#oneByOne = false;
  }

  #sendWaiting(): void {
    this.#scheduled = false;
    const waiting = this.#waiting;
    this.#waiting = [];
    this.#lastSize = waiting.length;
    this.#lastSentAt = performance.now();
    for (let first = 0; first < waiting.length; first += this.request.max) {
      void this.#send(waiting.slice(first, first + this.request.max));
    }
  }

  async #send(batch: Waiting<Item, Answer>[]): Promise<void> {
    let answers: Answer[];
    try {
      answers = await this.request.many(batch.map((waiting) => waiting.item));
      if (answers.length !== batch.length) throw new Error(`the API answered ${answers.length} times for ${batch.length} items`);
    } catch (error) {
      if (error instanceof Error && this.request.unsupported.test(error.message)) {
        this.#oneByOne = true;
        for (const waiting of batch) this.request.one(waiting.item).then(waiting.resolve, waiting.reject);
        return;
      }
      for (const waiting of batch) waiting.reject(error);
      return;
    }
    batch.forEach((waiting, index) => waiting.resolve(answers[index]!));
  }
}
