import WebSocket from 'ws';

export interface CloseInfo {
  code: number;
  reason: string;
}

/**
 * A raw WebSocket client that plays a lamp: it sends and receives text frames exactly as
 * firmware does, and lets a test wait for what the server sends or for how it closes.
 */
export class TestLamp {
  readonly received: string[] = [];
  readonly closed: Promise<CloseInfo>;
  #cursor = 0;
  #waiters: (() => void)[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.received.push((data as Buffer).toString('utf8'));
      this.#wake();
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.#wake();
      });
    });
    socket.on('error', () => {});
  }

  /**
   * Dials the device port: at `path` (firmware that names itself dials `/?mac=…`), and from
   * `from`, another loopback address, to play a lamp elsewhere on the network.
   */
  static connect(port: number, dial: { path?: string; from?: string | undefined } = {}): Promise<TestLamp> {
    const socket = new WebSocket(`ws://127.0.0.1:${port}${dial.path ?? '/'}`, dial.from ? { localAddress: dial.from } : {});
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new TestLamp(socket)));
      socket.once('error', reject);
    });
  }

  /** Connects, sends the secret and expects `ok` then a display packet, which it returns. */
  static async handshake(port: number, secret: string): Promise<{ lamp: TestLamp; packet: string }> {
    const lamp = await TestLamp.connect(port);
    lamp.send(secret);
    const ok = await lamp.next();
    if (ok !== 'ok') throw new Error(`expected ok, got ${ok}`);
    return { lamp, packet: await lamp.next() };
  }

  send(text: string): void {
    this.socket.send(text);
  }

  /** The next frame not yet taken by `next` or `waitFor`. */
  next(timeoutMs = 3000): Promise<string> {
    return this.#take(() => true, timeoutMs, 'the next frame');
  }

  /** Skips frames until one equals `expected` (or satisfies it); returns that frame. */
  waitFor(expected: string | ((frame: string) => boolean), timeoutMs = 3000): Promise<string> {
    const match = typeof expected === 'string' ? (frame: string) => frame === expected : expected;
    return this.#take(match, timeoutMs, typeof expected === 'string' ? expected : 'a matching frame');
  }

  /** Stops reading from the socket, as a lamp on a stalled network would. */
  stall(): void {
    (this.socket as unknown as { _socket: import('node:net').Socket })._socket.pause();
  }

  resume(): void {
    (this.socket as unknown as { _socket: import('node:net').Socket })._socket.resume();
  }

  close(): void {
    this.socket.close();
  }

  async #take(match: (frame: string) => boolean, timeoutMs: number, what: string): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.#cursor < this.received.length) {
        const frame = this.received[this.#cursor++]!;
        if (match(frame)) return frame;
      }
      if (this.socket.readyState === WebSocket.CLOSED) throw new Error(`lamp closed while waiting for ${what}`);
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new Error(`timed out waiting for ${what}; received ${JSON.stringify(this.received.slice(-5))}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}
