import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';

/** A logger whose messages a test can wait for: what the code reports is the event. */
export class LogLines {
  readonly messages: string[] = [];
  readonly logger: Logger;
  #waiters: (() => void)[] = [];

  constructor() {
    const sink = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        for (const line of chunk.toString().split('\n')) {
          if (!line) continue;
          const { msg } = JSON.parse(line) as { msg?: unknown };
          this.messages.push(typeof msg === 'string' ? msg : JSON.stringify(msg ?? ''));
        }
        for (const wake of this.#waiters.splice(0)) wake();
        done();
      },
    });
    this.logger = pino({ level: 'debug' }, sink);
  }

  /** Resolves with the first message matching `pattern`, logged before or after the call. */
  async waitFor(pattern: RegExp, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find((message) => pattern.test(message));
      if (found !== undefined) return found;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`no log message matching ${pattern}; got ${JSON.stringify(this.messages.slice(-5))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}
