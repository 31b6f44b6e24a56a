/**
 * Simulated lamps for the broadcast benchmark: plain `ws` clients that do the handshake of
 * the lamp protocol (secret -> `ok` -> current display packet) and then only listen.
 * They never answer, so everything measured is the server pushing packets.
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

/** The server could not check the secret yet (e.g. its API link is still coming up). */
const TRY_AGAIN_LATER = 1013;
const HANDSHAKE_ATTEMPTS = 3;
const RETRY_DELAY_MS = 250;

export interface ConnectOptions {
  url: string;
  /** The query string lamp number `index` (0 first) adds to `url`, e.g. its `mac=`; none when omitted. */
  queryFor?: (index: number) => string;
  secret: string;
  count: number;
  /** Lamps handshaking at the same time; the server drops lamps that stay silent for 5 s. */
  batchSize: number;
  /** Longest a single handshake may take before the bench gives up. */
  handshakeTimeoutMs: number;
}

export interface HandshakeReport {
  /** Secret sent -> first display packet received, one entry per lamp, in ms. */
  durationsMs: number[];
  /** Lamps the server turned away with "try again later" and that were reconnected. */
  retries: number;
  /** Wall time to connect the whole fleet. */
  totalMs: number;
}

export interface BroadcastArrival {
  /** performance.now() when the first lamp had the packet. */
  firstAt: number;
  /** performance.now() when the last lamp had the packet. */
  lastAt: number;
}

class HandshakeRefused extends Error {
  constructor(
    readonly code: number,
    reason: string,
  ) {
    super(`lamp closed during the handshake (${code}${reason ? ` ${reason}` : ''})`);
  }
}

interface AwaitedBroadcast {
  packet: string;
  /** The lamps (by index) the packet is for; null for all. */
  only: ReadonlySet<number> | null;
  remaining: number;
  firstAt: number | null;
  resolve(arrival: BroadcastArrival): void;
  reject(error: Error): void;
}

/** One simulated lamp after its handshake: remembers the newest display packet it got. */
interface SimulatedLamp {
  /** Its place in the fleet, in the order it was asked to connect (0 first). */
  index: number;
  socket: WebSocket;
  displayPacket: string;
}

export class LampFleet {
  readonly #lamps: SimulatedLamp[] = [];
  #awaited: AwaitedBroadcast | null = null;
  #shuttingDown = false;
  /** Frames that were neither the awaited display packet nor a repeat of the lamp's current one. */
  unexpectedFrames = 0;
  /** Lamps the server closed after a completed handshake, by close code. */
  readonly closedByServer = new Map<number, number>();
  /** Every frame the lamps received after their handshake: the server's socket writes to them. */
  framesReceived = 0;

  get size(): number {
    return this.#lamps.length;
  }

  /** Connects `count` lamps, `batchSize` at a time; rejects if any lamp cannot complete its handshake. */
  async connect(options: ConnectOptions): Promise<HandshakeReport> {
    const report: HandshakeReport = { durationsMs: [], retries: 0, totalMs: 0 };
    const started = performance.now();
    for (let first = 0; first < options.count; first += options.batchSize) {
      const batch = Math.min(options.batchSize, options.count - first);
      const lamps = await Promise.all(Array.from({ length: batch }, (_, i) => this.#connectWithRetry(options, first + i, report)));
      this.#lamps.push(...lamps);
    }
    report.totalMs = performance.now() - started;
    return report;
  }

  /**
   * Arms the fleet for `packet` before the broadcast is triggered, so no early arrival is
   * missed. Resolves once every lamp (or every lamp whose index is in `only`) has it; rejects if
   * a lamp is closed or time runs out.
   */
  expect(packet: string, timeoutMs: number, only?: ReadonlySet<number>): Promise<BroadcastArrival> {
    if (this.#awaited) throw new Error('a broadcast is already awaited');
    return new Promise<BroadcastArrival>((resolve, reject) => {
      const timer = setTimeout(() => {
        const missing = this.#awaited?.remaining ?? 0;
        this.#awaited = null;
        reject(new Error(`${missing} of ${this.#lamps.length} lamps did not get ${packet} within ${timeoutMs} ms`));
      }, timeoutMs);
      const settle = () => {
        clearTimeout(timer);
        this.#awaited = null;
      };
      this.#awaited = {
        packet,
        only: only ?? null,
        remaining: this.#lamps.filter((lamp) => (!only || only.has(lamp.index)) && lamp.displayPacket !== packet).length,
        firstAt: null,
        resolve: (arrival) => {
          settle();
          resolve(arrival);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      };
      if (this.#awaited.remaining === 0) {
        const now = performance.now();
        this.#awaited.resolve({ firstAt: now, lastAt: now });
      }
    });
  }

  /** Drops every connection at once; the bench is done with these lamps. */
  terminate(): void {
    this.#shuttingDown = true;
    this.#awaited?.reject(new Error('the lamps were disconnected'));
    for (const lamp of this.#lamps) lamp.socket.terminate();
    this.#lamps.length = 0;
  }

  async #connectWithRetry(options: ConnectOptions, index: number, report: HandshakeReport): Promise<SimulatedLamp> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#connectOne(options, index, report);
      } catch (error) {
        const refusedForNow = error instanceof HandshakeRefused && error.code === TRY_AGAIN_LATER;
        if (!refusedForNow || attempt >= HANDSHAKE_ATTEMPTS) throw error;
        report.retries += 1;
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
      }
    }
  }

  #connectOne(options: ConnectOptions, index: number, report: HandshakeReport): Promise<SimulatedLamp> {
    return new Promise<SimulatedLamp>((resolve, reject) => {
      const query = options.queryFor?.(index);
      const socket = new WebSocket(query ? `${options.url}?${query}` : options.url, { perMessageDeflate: false });
      let phase: 'connecting' | 'awaiting-ok' | 'awaiting-display' | 'open' = 'connecting';
      let secretSentAt = 0;
      const fail = (error: Error) => {
        clearTimeout(timer);
        socket.terminate();
        reject(error);
      };
      const timer = setTimeout(
        () => fail(new Error(`lamp handshake took longer than ${options.handshakeTimeoutMs} ms (stuck in ${phase})`)),
        options.handshakeTimeoutMs,
      );

      socket.on('open', () => {
        phase = 'awaiting-ok';
        secretSentAt = performance.now();
        socket.send(options.secret);
      });
      socket.on('error', (error) => {
        if (phase !== 'open') fail(error);
      });
      socket.on('close', (code, reason) => {
        if (phase !== 'open') {
          fail(new HandshakeRefused(code, reason.toString()));
          return;
        }
        if (this.#shuttingDown) return;
        this.closedByServer.set(code, (this.closedByServer.get(code) ?? 0) + 1);
        this.#awaited?.reject(new Error(`a lamp was closed by the server (${code} ${reason.toString()})`));
      });
      socket.on('message', (data, isBinary) => {
        const text = isBinary ? '<binary>' : (data as Buffer).toString('utf8');
        switch (phase) {
          case 'awaiting-ok':
            if (text !== 'ok') return fail(new Error(`expected "ok" after the secret, got ${JSON.stringify(text)}`));
            phase = 'awaiting-display';
            return;
          case 'awaiting-display': {
            clearTimeout(timer);
            phase = 'open';
            report.durationsMs.push(performance.now() - secretSentAt);
            const lamp: SimulatedLamp = { index, socket, displayPacket: text };
            // From here on every frame is a broadcast; the lamp object is shared with the fleet.
            socket.removeAllListeners('message');
            socket.on('message', (frame, binary) => {
              this.#received(lamp, binary ? '<binary>' : (frame as Buffer).toString('utf8'));
            });
            resolve(lamp);
            return;
          }
          // Nothing arrives before the socket opens, and once open the lamp's own listener has taken over.
          case 'connecting':
          case 'open':
            return;
        }
      });
    });
  }

  #received(lamp: SimulatedLamp, packet: string): void {
    this.framesReceived += 1;
    const awaited = this.#awaited;
    if (awaited && packet === awaited.packet && lamp.displayPacket !== packet && (!awaited.only || awaited.only.has(lamp.index))) {
      lamp.displayPacket = packet;
      const now = performance.now();
      awaited.firstAt ??= now;
      awaited.remaining -= 1;
      if (awaited.remaining === 0) awaited.resolve({ firstAt: awaited.firstAt, lastAt: now });
      return;
    }
    if (packet !== lamp.displayPacket) this.unexpectedFrames += 1;
    lamp.displayPacket = packet;
  }
}
