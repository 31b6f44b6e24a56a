/**
 * Simulated lamps for the benchmark: plain `ws` clients that do the handshake of the lamp
 * protocol (secret -> `ok` -> current display packet) and then only listen. They never
 * answer, so everything measured is the server pushing packets.
 *
 * One bench process holds up to 10000 of them, so they are kept lean: every socket shares the
 * same four listener functions (the lamp rides on the socket), nothing is allocated per frame
 * but the frame's text, and one sweep per fleet times out handshakes instead of a timer per lamp.
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

/** The server could not check the secret yet, or has too many handshakes in flight. */
const TRY_AGAIN_LATER = 1013;
const HANDSHAKE_ATTEMPTS = 3;
const RETRY_DELAY_MS = 250;
const SWEEP_MS = 250;
/** Sockets opened per turn of the event loop when many lamps connect at once. */
const OPEN_SLICE = 100;

/** What makes a lamp try again, and when the fleet gives up on it. */
export interface RetryPolicy {
  /** Any close or error during the handshake is retried (deployed firmware), not only 1013. */
  anyClose: boolean;
  delayMs: number;
  /** Attempts per lamp before the whole connect fails; Infinity to keep trying. */
  attempts: number;
}

const CAREFUL: RetryPolicy = { anyClose: false, delayMs: RETRY_DELAY_MS, attempts: HANDSHAKE_ATTEMPTS };

export interface ConnectOptions {
  url: string;
  secret: string;
  count: number;
  /** Lamp numbers start here (they pick each lamp's MAC); default: after the fleet's last lamp. */
  firstIndex?: number;
  /** Lamps handshaking at the same time; the server drops lamps that stay silent for 5 s. */
  batchSize: number;
  /** Longest a single handshake may take before the lamp gives up on that attempt. */
  handshakeTimeoutMs: number;
  /** Connect without `?mac=` (as old firmware does); by default every lamp names its own MAC. */
  anonymous?: boolean;
}

export interface HandshakeReport {
  /** Socket opened -> display packet received, one entry per lamp, in ms. */
  durationsMs: number[];
  /** Lamps the server turned away with "try again later" and that were reconnected. */
  retries: number;
  /** Wall time to connect the whole batch of lamps. */
  totalMs: number;
}

export interface BroadcastArrival {
  /** performance.now() when the first lamp had the packet. */
  firstAt: number;
  /** performance.now() when the last lamp had the packet. */
  lastAt: number;
}

export interface StormReport {
  lamps: number;
  /** Drop -> every lamp is connected again and shows the current packet, in ms; null if time ran out. */
  allBackMs: number | null;
  lampsBack: number;
  /** Lamps closed by the server (or whose connection it refused or reset) at least once during the storm. */
  lampsRefused: number;
  /** Lamps that gave up on an attempt at least once: no answer within the handshake timeout. */
  lampsTimedOut: number;
  /** Every close by the server during the storm, by close code ('error' for socket errors). */
  closes: Record<string, number>;
  attempts: number;
}

type Phase = 'connecting' | 'awaiting-ok' | 'awaiting-display' | 'open' | 'waiting' | 'dropped';

/** One simulated lamp; it outlives its sockets (a reconnect opens a new one). */
interface SimulatedLamp {
  readonly fleet: LampFleet;
  /** Its place in the fleet (0 first): picks its MAC. */
  readonly index: number;
  readonly url: string;
  socket: WebSocket | null;
  phase: Phase;
  attemptStartedAt: number;
  attempts: number;
  displayPacket: string | null;
  /** Closed or errored by the server during the current storm. */
  refused: boolean;
  /** Gave up waiting on an attempt during the current storm. */
  timedOut: boolean;
}

const LAMP = Symbol('lamp');
type LampSocket = WebSocket & { [LAMP]: SimulatedLamp };

/** A distinct, valid, locally administered MAC for lamp number `index`. */
export function macOf(index: number): string {
  const hex = index.toString(16).padStart(6, '0').toUpperCase();
  return `02:CC:BE:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}`;
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

/** Lamps being brought in (a connect batch or a storm): settles when none is left. */
interface Arrivals {
  remaining: number;
  policy: RetryPolicy;
  secret: string;
  timeoutMs: number;
  report: HandshakeReport;
  /** In a storm, a lamp counts only once it shows this packet. */
  current: string | null;
  storm: StormReport | null;
  done(): void;
  fail(error: Error): void;
}

export class LampFleet {
  readonly #lamps: SimulatedLamp[] = [];
  #awaited: AwaitedBroadcast | null = null;
  #arrivals: Arrivals | null = null;
  #sweep: NodeJS.Timeout | null = null;
  #shuttingDown = false;
  /** Frames other than the awaited display packet or a repeat of the lamp's current one. */
  unexpectedFrames = 0;
  /** Frames of any content are fine (many changes in flight); only the newest counts. */
  anyFrames = false;
  /** Lamps the server closed after a completed handshake (outside a storm), by close code. */
  readonly closedByServer = new Map<string, number>();
  /** Every frame the lamps received after their handshake: the server's socket writes to them. */
  framesReceived = 0;

  get size(): number {
    return this.#lamps.length;
  }

  /** Lamps that are connected and show `packet`. */
  showing(packet: string): number {
    return this.#lamps.filter((lamp) => lamp.phase === 'open' && lamp.displayPacket === packet).length;
  }

  /** Connects `count` more lamps, `batchSize` at a time; rejects if any cannot complete its handshake. */
  async connect(options: ConnectOptions): Promise<HandshakeReport> {
    const report: HandshakeReport = { durationsMs: [], retries: 0, totalMs: 0 };
    const started = performance.now();
    const first = options.firstIndex ?? (this.#lamps.at(-1)?.index ?? -1) + 1;
    for (let from = 0; from < options.count; from += options.batchSize) {
      const batch: SimulatedLamp[] = [];
      for (let i = from; i < Math.min(options.count, from + options.batchSize); i++) {
        const index = first + i;
        const url = options.anonymous ? options.url : `${options.url}?mac=${macOf(index)}`;
        const lamp: SimulatedLamp = {
          fleet: this,
          index,
          url,
          socket: null,
          phase: 'waiting',
          attemptStartedAt: 0,
          attempts: 0,
          displayPacket: null,
          refused: false,
          timedOut: false,
        };
        batch.push(lamp);
        this.#lamps.push(lamp);
      }
      await this.#bringIn(batch, {
        policy: CAREFUL,
        secret: options.secret,
        timeoutMs: options.handshakeTimeoutMs,
        report,
        current: null,
        storm: null,
      });
    }
    report.totalMs = performance.now() - started;
    return report;
  }

  /**
   * The reconnect storm: every lamp's connection drops at once (terminated here, as a power cut
   * or a restarted access point would), and every lamp reconnects at once, retrying every
   * `retryMs` without backoff whenever it is refused or closed, as deployed firmware does.
   * Resolves when every lamp shows `current` again, or with `allBackMs: null` after `timeoutMs`.
   */
  async storm(options: {
    secret: string;
    current: string;
    retryMs: number;
    handshakeTimeoutMs: number;
    timeoutMs: number;
  }): Promise<StormReport> {
    const storm: StormReport = {
      lamps: this.#lamps.length,
      allBackMs: null,
      lampsBack: 0,
      lampsRefused: 0,
      lampsTimedOut: 0,
      closes: {},
      attempts: 0,
    };
    const lamps = [...this.#lamps];
    for (const lamp of lamps) {
      lamp.phase = 'dropped';
      lamp.refused = false;
      lamp.timedOut = false;
      lamp.attempts = 0;
      lamp.socket?.terminate();
      lamp.socket = null;
      lamp.displayPacket = null;
    }
    const started = performance.now();
    const report: HandshakeReport = { durationsMs: [], retries: 0, totalMs: 0 };
    const policy: RetryPolicy = { anyClose: true, delayMs: options.retryMs, attempts: Infinity };
    const back = this.#bringIn(lamps, {
      policy,
      secret: options.secret,
      timeoutMs: options.handshakeTimeoutMs,
      report,
      current: options.current,
      storm,
    });
    let giveUp: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      back.then(() => false),
      new Promise<boolean>((resolve) => (giveUp = setTimeout(() => resolve(true), options.timeoutMs))),
    ]);
    // Not left behind: a pending timer would keep the bench alive that long after its report.
    clearTimeout(giveUp);
    if (timedOut) this.#arrivals?.done();
    else storm.allBackMs = performance.now() - started;
    storm.lampsBack = this.showing(options.current);
    storm.lampsRefused = lamps.filter((lamp) => lamp.refused).length;
    storm.lampsTimedOut = lamps.filter((lamp) => lamp.timedOut).length;
    for (const lamp of lamps) if (lamp.phase === 'waiting' || lamp.phase === 'connecting') lamp.phase = 'dropped';
    return storm;
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
      const awaited: AwaitedBroadcast = {
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
      this.#awaited = awaited;
      if (awaited.remaining === 0) {
        const now = performance.now();
        awaited.resolve({ firstAt: now, lastAt: now });
      }
    });
  }

  /** Drops every connection at once; the bench is done with these lamps. */
  terminate(): void {
    this.#shuttingDown = true;
    this.#awaited?.reject(new Error('the lamps were disconnected'));
    this.#arrivals?.fail(new Error('the lamps were disconnected'));
    if (this.#sweep) clearInterval(this.#sweep);
    for (const lamp of this.#lamps) {
      lamp.phase = 'dropped';
      lamp.socket?.terminate();
    }
    this.#lamps.length = 0;
  }

  #bringIn(lamps: SimulatedLamp[], arrivals: Omit<Arrivals, 'remaining' | 'done' | 'fail'>): Promise<void> {
    if (this.#arrivals) throw new Error('lamps are already being connected');
    return new Promise<void>((resolve, reject) => {
      const settle = () => {
        this.#arrivals = null;
        if (this.#sweep) clearInterval(this.#sweep);
        this.#sweep = null;
      };
      this.#arrivals = {
        ...arrivals,
        remaining: lamps.length,
        done: () => {
          settle();
          resolve();
        },
        fail: (error) => {
          settle();
          reject(error);
        },
      };
      this.#sweep = setInterval(() => this.#timeOutHandshakes(), SWEEP_MS);
      if (lamps.length === 0) return this.#arrivals.done();
      // A slice per turn of the event loop: opening thousands of sockets in one go would hold
      // this process's loop for seconds, and the first lamps' answers with it.
      const openFrom = (from: number) => {
        for (const lamp of lamps.slice(from, from + OPEN_SLICE)) this.#open(lamp);
        if (from + OPEN_SLICE < lamps.length) setImmediate(openFrom, from + OPEN_SLICE);
      };
      openFrom(0);
    });
  }

  #open(lamp: SimulatedLamp): void {
    if (this.#shuttingDown) return;
    lamp.attempts += 1;
    if (this.#arrivals?.storm) this.#arrivals.storm.attempts += 1;
    lamp.phase = 'connecting';
    lamp.attemptStartedAt = performance.now();
    const socket = new WebSocket(lamp.url, { perMessageDeflate: false }) as LampSocket;
    socket[LAMP] = lamp;
    lamp.socket = socket;
    socket.on('open', onOpen);
    socket.on('message', onMessage);
    socket.on('close', onClose);
    socket.on('error', onError);
  }

  #timeOutHandshakes(): void {
    const arrivals = this.#arrivals;
    if (!arrivals) return;
    const cutoff = performance.now() - arrivals.timeoutMs;
    for (const lamp of this.#lamps) {
      if (
        (lamp.phase === 'connecting' || lamp.phase === 'awaiting-ok' || lamp.phase === 'awaiting-display') &&
        lamp.attemptStartedAt < cutoff
      ) {
        this.#attemptFailed(
          lamp,
          `timeout (${lamp.phase})`,
          `lamp handshake took longer than ${arrivals.timeoutMs} ms (stuck in ${lamp.phase})`,
        );
      }
    }
  }

  /** @internal */
  opened(lamp: SimulatedLamp): void {
    if (lamp.phase !== 'connecting' || !this.#arrivals) return;
    lamp.phase = 'awaiting-ok';
    lamp.socket!.send(this.#arrivals.secret);
  }

  /** @internal */
  frame(lamp: SimulatedLamp, text: string): void {
    switch (lamp.phase) {
      case 'awaiting-ok':
        if (text === 'ok') lamp.phase = 'awaiting-display';
        else this.#attemptFailed(lamp, 'not ok', `expected "ok" after the secret, got ${JSON.stringify(text.slice(0, 80))}`);
        return;
      case 'awaiting-display':
        lamp.phase = 'open';
        lamp.displayPacket = text;
        this.#arrived(lamp);
        return;
      case 'open':
        this.#received(lamp, text);
        return;
      // Nothing arrives before the socket opens; a dropped lamp's socket is no longer listened to.
      case 'connecting':
      case 'waiting':
      case 'dropped':
        return;
    }
  }

  /** @internal A close or error of the lamp's current socket, as the server or the network caused it. */
  lost(lamp: SimulatedLamp, code: string, reason: string): void {
    if (this.#shuttingDown || lamp.phase === 'dropped' || lamp.phase === 'waiting') return;
    if (lamp.phase !== 'open')
      return this.#attemptFailed(lamp, code, `lamp closed during the handshake (${code}${reason ? ` ${reason}` : ''})`);
    lamp.phase = 'dropped';
    const storm = this.#arrivals?.storm;
    if (storm) {
      // Replaced, kicked or reset after getting in: a lamp does what it does after any close.
      storm.closes[code] = (storm.closes[code] ?? 0) + 1;
      lamp.refused = true;
      this.#arrivals!.remaining += lamp.displayPacket === this.#arrivals!.current ? 1 : 0;
      this.#retryLater(lamp);
      return;
    }
    this.closedByServer.set(code, (this.closedByServer.get(code) ?? 0) + 1);
    this.#awaited?.reject(new Error(`a lamp was closed by the server (${code}${reason ? ` ${reason}` : ''})`));
  }

  #attemptFailed(lamp: SimulatedLamp, code: string, message: string): void {
    const arrivals = this.#arrivals;
    lamp.socket?.terminate();
    lamp.socket = null;
    lamp.phase = 'waiting';
    if (!arrivals) return;
    if (arrivals.storm) {
      arrivals.storm.closes[code] = (arrivals.storm.closes[code] ?? 0) + 1;
      if (code.startsWith('timeout')) lamp.timedOut = true;
      else lamp.refused = true;
    }
    const retry = arrivals.policy.anyClose || code === String(TRY_AGAIN_LATER);
    if (!retry || lamp.attempts >= arrivals.policy.attempts) return arrivals.fail(new Error(message));
    arrivals.report.retries += 1;
    this.#retryLater(lamp);
  }

  #retryLater(lamp: SimulatedLamp): void {
    lamp.phase = 'waiting';
    setTimeout(() => {
      if (lamp.phase === 'waiting' && this.#arrivals) this.#open(lamp);
    }, this.#arrivals!.policy.delayMs);
  }

  #arrived(lamp: SimulatedLamp): void {
    const arrivals = this.#arrivals;
    if (!arrivals) return;
    arrivals.report.durationsMs.push(performance.now() - lamp.attemptStartedAt);
    if (arrivals.current !== null && lamp.displayPacket !== arrivals.current) return; // it waits for the current one
    if (--arrivals.remaining === 0) arrivals.done();
  }

  #received(lamp: SimulatedLamp, packet: string): void {
    this.framesReceived += 1;
    const arrivals = this.#arrivals;
    if (arrivals?.current != null && lamp.displayPacket !== arrivals.current && packet === arrivals.current) {
      lamp.displayPacket = packet;
      if (--arrivals.remaining === 0) arrivals.done();
      return;
    }
    const awaited = this.#awaited;
    if (awaited && packet === awaited.packet && lamp.displayPacket !== packet && (!awaited.only || awaited.only.has(lamp.index))) {
      lamp.displayPacket = packet;
      const now = performance.now();
      awaited.firstAt ??= now;
      if (--awaited.remaining === 0) awaited.resolve({ firstAt: awaited.firstAt, lastAt: now });
      return;
    }
    if (packet !== lamp.displayPacket && !this.anyFrames) this.unexpectedFrames += 1;
    lamp.displayPacket = packet;
  }
}

// The listeners every socket shares; `this` is the socket, which carries its lamp.
const lampOf = (socket: WebSocket) => (socket as LampSocket)[LAMP];
function onOpen(this: WebSocket): void {
  lampOf(this).fleet.opened(lampOf(this));
}
function onMessage(this: WebSocket, data: WebSocket.RawData, isBinary: boolean): void {
  const lamp = lampOf(this);
  if (lamp.socket === this) lamp.fleet.frame(lamp, isBinary ? '<binary>' : (data as Buffer).toString('utf8'));
}
function onClose(this: WebSocket, code: number, reason: Buffer): void {
  const lamp = lampOf(this);
  if (lamp.socket === this) lamp.fleet.lost(lamp, String(code), reason.toString());
}
function onError(this: WebSocket, error: Error & { code?: string }): void {
  const lamp = lampOf(this);
  // ws emits 'close' after 'error' for an open socket; before it opens, the error is all there is.
  if (lamp.socket === this && lamp.phase === 'connecting') lamp.fleet.lost(lamp, `error ${error.code ?? error.message}`, '');
}
