import type { Writable } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import { LampCloseCode } from '@cloud-cloud/protocol/close-codes';
import { HANDSHAKE_OK, parseDeviceMessage, PONG } from '@cloud-cloud/protocol/device-message';
import type { Logger } from 'pino';
import { Outbox, packetText, type Packet, type QueuedPacket } from './outbox.js';
import { RateLimit } from './rate-limit.js';

/**
 * What a lamp's handshake secret amounts to, as the API decides: which lamp it is, its room,
 * and the frame to write right after `ok`.
 */
export type Admission =
  { accepted: true; lampId: string; name: string | null; roomId: string; frame: string } | { accepted: false; reason: string };

export class AdmissionUnavailable extends Error {
  override name = 'AdmissionUnavailable';
}

/** The adapter-side services a connection needs; passed in so connections stay testable. */
export interface LampConnectionHost {
  admit(lamp: LampConnection, secret: string): Promise<Admission>;
  /** The lamp was admitted: `ok` and its frame are queued, and written once this returns. */
  onOpen(lamp: LampConnection, admission: Extract<Admission, { accepted: true }>): void;
  /** The connection has ended, however it ended (handshake or not): called exactly once. */
  onEnded(lamp: LampConnection, reason: string): void;
  /**
   * A lamp the API admitted is gone, so the API must be told: called once per admitted lamp,
   * also for one that went away while the API was admitting it, and never for any other.
   */
  onLeft(lamp: LampConnection, reason: string): void;
  onDebugMessage(lamp: LampConnection, text: string, at: Date): void;
  logger: Logger;
}

/** Who the connection is, as it opened. */
export interface LampConnectionIdentity {
  id: string;
  remoteAddress: string;
  /** What the lamp said about itself in its connection URL (valid values only). */
  mac: string | null;
  firmwareVersion: string | null;
}

/** Settings shared by every connection of an adapter (one object, not one per lamp). */
export interface LampConnectionOptions {
  /** How long the lamp may take to send its secret; see `expireHandshake`. */
  handshakeTimeoutMs: number;
  /** Unsent data (see `unsentBytes`) beyond which the lamp is dropped (4429). */
  maxUnsentBytes: number;
  /** Milliseconds since the epoch. */
  now: () => number;
}

/** The socket's connection, so that its listeners are shared functions rather than closures per lamp. */
const CONNECTION = Symbol('lamp connection');
type LampSocket = WebSocket & { [CONNECTION]: LampConnection };

const PONG_BYTES = Buffer.byteLength(PONG);
/** Encoded packets are sent as text frames, as the protocol's strings are. */
const AS_TEXT = { binary: false } as const;

type WriteCallback = (error?: Error | null) => void;

type Phase = 'awaiting-secret' | 'admitting' | 'open' | 'closed';

/**
 * One lamp's connection: the handshake, heartbeat bookkeeping, and a write path that never
 * lets a slow lamp build a queue: display packets and pongs are coalesced, and a lamp whose
 * unsent data still passes a limit is dropped. The wire format itself is in the protocol package.
 * Thousands are open at once, so each holds little: times are numbers, and its logger, rate
 * limits and handshake deadline cost nothing until used (the adapter sweeps the deadlines).
 */
export class LampConnection {
  /** The connection's id (`<adapterId>.<number>`); the lamp's own id is `lampId`. */
  readonly id: string;
  readonly remoteAddress: string;
  readonly mac: string | null;
  readonly firmwareVersion: string | null;
  /** When the connection opened (ms since the epoch). */
  readonly connectedAt: number;
  /** When the lamp last showed a sign of life (ms since the epoch). */
  lastSeenAt: number;
  /** When the API let the lamp in (ms since the epoch); 0 until then. */
  openedAt = 0;
  /** The lamp this connection is, once the API admitted it. */
  lampId: string | null = null;
  name: string | null = null;
  /** Kept so the adapter can have the API re-check the lamp after the API link comes back. */
  secret: string | null = null;
  /** The newest display packet handed to this lamp (written or waiting). */
  lastDisplayPacket: string | null = null;

  #phase: Phase = 'awaiting-secret';
  #writing = false;
  readonly #outbox = new Outbox();
  /** Pings since a pong last went to the socket; all are answered by the one waiting pong. */
  #pingsAwaitingPong = 0;
  #unexpectedLog: RateLimit | null = null;
  #debugForward: RateLimit | null = null;
  #debugDropped = 0;
  #logger: Logger | null = null;

  static readonly #onMessage = function (this: WebSocket, data: RawData, isBinary: boolean): void {
    (this as LampSocket)[CONNECTION].#receive(data as Buffer, isBinary);
  };
  static readonly #onLife = function (this: WebSocket): void {
    (this as LampSocket)[CONNECTION].#sawLife();
  };
  static readonly #onClose = function (this: WebSocket, code: number, reason: Buffer): void {
    (this as LampSocket)[CONNECTION].#closed(`closed by lamp (${code}${reason.length ? ` ${reason.toString()}` : ''})`);
  };
  static readonly #onError = function (this: WebSocket, error: Error): void {
    const lamp = (this as LampSocket)[CONNECTION];
    lamp.#log.warn({ err: error.message }, 'lamp socket error');
    lamp.#closed(`socket error: ${error.message}`);
  };

  constructor(
    private readonly socket: WebSocket,
    /**
     * The TCP stream under `socket`: an encoded packet, already framed, is written to it as is,
     * one write of the frame's bytes shared by every lamp. The WebSocket's own writes (pings,
     * pongs, close) go to the same stream, in order, as nothing is compressed.
     */
    private readonly stream: Writable,
    private readonly host: LampConnectionHost,
    identity: LampConnectionIdentity,
    private readonly options: LampConnectionOptions,
  ) {
    this.id = identity.id;
    this.remoteAddress = identity.remoteAddress;
    this.mac = identity.mac;
    this.firmwareVersion = identity.firmwareVersion;
    this.connectedAt = options.now();
    this.lastSeenAt = this.connectedAt;
    (socket as LampSocket)[CONNECTION] = this;
    socket.on('message', LampConnection.#onMessage);
    socket.on('ping', LampConnection.#onLife);
    socket.on('pong', LampConnection.#onLife);
    socket.on('close', LampConnection.#onClose);
    socket.on('error', LampConnection.#onError);
  }

  /** Made when first needed: most lamps never log anything of their own. */
  get #log(): Logger {
    return (this.#logger ??= this.host.logger.child({ lamp: this.id, remoteAddress: this.remoteAddress }));
  }

  /** Closes a connection still waiting for its secret `handshakeTimeoutMs` after it opened. */
  expireHandshake(nowMs: number): void {
    if (this.#phase === 'awaiting-secret' && nowMs - this.connectedAt >= this.options.handshakeTimeoutMs) {
      this.close(LampCloseCode.HandshakeTimeout, 'no secret received in time');
    }
  }

  get isOpen(): boolean {
    return this.#phase === 'open';
  }

  /**
   * When the lamp last showed it is alive, as far as the heartbeat goes. A lamp cannot ping
   * before it has `ok`, so the time the API took to let it in does not count against it; while
   * the API decides, the lamp is waiting on us, not silent.
   */
  get aliveAt(): number {
    if (this.#phase === 'admitting') return this.options.now();
    return Math.max(this.openedAt, this.lastSeenAt);
  }

  /** Packets waiting to be written: at most one display packet and one pong, plus commands. */
  get pendingPackets(): number {
    return this.#outbox.size;
  }

  /**
   * What the lamp is owed and has not taken: the packets waiting, what the socket has not yet
   * handed to the network, and a pong's worth for every further ping the waiting pong answers.
   */
  get unsentBytes(): number {
    const coalescedPongs = Math.max(0, this.#pingsAwaitingPong - 1) * PONG_BYTES;
    return this.#outbox.bytes + this.socket.bufferedAmount + coalescedPongs;
  }

  /** Hands the lamp a display packet unless it already has exactly this one. */
  showDisplay(packet: Packet): void {
    const text = packetText(packet);
    if (this.#phase !== 'open' || text === this.lastDisplayPacket) return;
    this.lastDisplayPacket = text;
    // The common case, a lamp that has taken everything: straight to the socket.
    if (!this.#writing && this.#outbox.size === 0) this.#send(packet, this.#written);
    else this.#outbox.pushDisplay(packet);
    this.#flush();
  }

  /** Queues a command packet; false when the lamp is not open (or was dropped for its backlog). */
  sendCommand(packet: Packet): boolean {
    if (this.#phase !== 'open') return false;
    if (!this.#writing && this.#outbox.size === 0) this.#send(packet, this.#written);
    else this.#outbox.pushCommand(packet);
    this.#flush();
    return this.isOpen;
  }

  close(code: number, reason: string): void {
    if (this.#phase === 'closed') return;
    this.#log.info({ code, reason }, 'closing lamp connection');
    this.socket.close(code, reason);
    // A lamp that has gone silent may never complete the closing handshake.
    setTimeout(() => this.socket.terminate(), 1000).unref();
    this.#closed(reason);
  }

  #receive(data: Buffer, isBinary: boolean): void {
    this.#sawLife();
    if (isBinary) {
      if (this.#phase === 'awaiting-secret') {
        this.close(LampCloseCode.UnsupportedData, 'binary frames are not part of the protocol');
      } else {
        this.#unexpected(`binary frame of ${data.length} bytes`);
      }
      return;
    }
    const text = data.toString('utf8');
    switch (this.#phase) {
      case 'awaiting-secret':
        void this.#admit(text);
        return;
      case 'admitting':
        this.#unexpected('message before the handshake finished');
        return;
      case 'open':
        this.#handle(text);
        return;
      case 'closed':
        return;
    }
  }

  async #admit(secret: string): Promise<void> {
    this.#phase = 'admitting';
    let admission: Admission;
    try {
      admission = await this.host.admit(this, secret);
    } catch (error) {
      if (error instanceof AdmissionUnavailable) {
        this.close(LampCloseCode.TryAgainLater, 'server not ready, try again later');
        return;
      }
      this.#log.error({ err: error }, 'lamp admission failed');
      this.close(LampCloseCode.TryAgainLater, 'server error, try again later');
      return;
    }
    if (this.#phase !== 'admitting') {
      // The lamp went away while the API was deciding: if the API let it in, it must hear it left.
      if (admission.accepted) this.host.onLeft(this, 'closed during the handshake');
      return;
    }
    if (!admission.accepted) {
      this.close(LampCloseCode.Unauthorized, admission.reason);
      return;
    }
    this.secret = secret;
    this.lampId = admission.lampId;
    this.name = admission.name;
    this.#phase = 'open';
    this.openedAt = this.options.now();
    this.#outbox.pushCommand(HANDSHAKE_OK);
    this.lastDisplayPacket = admission.frame;
    this.#outbox.pushDisplay(admission.frame);
    // Filed under its room before anything is written: a newer frame (the lamp moved, or its
    // room changed, while the API was admitting it) takes the admission's place, unsent.
    this.host.onOpen(this, admission);
    // `ok` and the frame in one write. (A limit set below their size drops the lamp at once.)
    this.#flush();
  }

  #handle(text: string): void {
    const message = parseDeviceMessage(text);
    switch (message.kind) {
      case 'ping':
        this.#pingsAwaitingPong += 1;
        this.#outbox.pushPong(PONG);
        this.#flush();
        return;
      case 'debug': {
        const at = new Date(this.lastSeenAt);
        this.#debugForward ??= new RateLimit(100, 5_000);
        if (this.#debugForward.take(this.lastSeenAt)) {
          if (this.#debugDropped > 0) {
            this.host.onDebugMessage(this, `(${this.#debugDropped} debug lines dropped: too many too fast)`, at);
            this.#debugDropped = 0;
          }
          this.host.onDebugMessage(this, message.text, at);
        } else {
          this.#debugDropped += 1;
        }
        return;
      }
      case 'unexpected':
        this.#unexpected(`unexpected message ${JSON.stringify(message.text.slice(0, 80))}`);
        return;
    }
  }

  #unexpected(what: string): void {
    this.#unexpectedLog ??= new RateLimit(5, 60_000);
    if (this.#unexpectedLog.take(this.lastSeenAt)) this.#log.warn(`${what}; ignored`);
  }

  #sawLife(): void {
    this.lastSeenAt = this.options.now();
  }

  /** One write in flight at a time: what goes next is chosen only once the socket took the last. */
  #flush(): void {
    if (this.#phase === 'closed') return;
    if (!this.#writing) this.#writeWaiting();
    if (this.#phase === 'open' && this.unsentBytes > this.options.maxUnsentBytes) {
      this.close(LampCloseCode.Backlogged, `more than ${this.options.maxUnsentBytes} bytes waiting: the lamp is not reading`);
    }
  }

  /**
   * Writes everything waiting as one write: after the handshake, `ok` and the display packet
   * reach the lamp together, not a socket write apart. The outbox has already kept only what
   * is still to be sent (the newest display packet, one pong), so nothing goes out stale.
   */
  #writeWaiting(): void {
    let item = this.#outbox.shift();
    if (item === undefined) return;
    const several = this.#outbox.size > 0;
    if (several) this.stream.cork();
    for (let next = this.#outbox.shift(); next !== undefined; next = this.#outbox.shift()) {
      this.#sendItem(item, undefined);
      item = next;
    }
    // The last write's callback frees the socket: the stream calls back in order.
    this.#sendItem(item, this.#written);
    if (several) this.stream.uncork();
  }

  #sendItem(item: QueuedPacket, written: WriteCallback | undefined): void {
    if (item.kind === 'pong') this.#pingsAwaitingPong = 0;
    this.#send(item.packet, written);
  }

  /** `written` only on the last of a corked run: its callback is what frees the socket. */
  #send(packet: Packet, written: WriteCallback | undefined): void {
    this.#writing = true;
    if (typeof packet === 'string') this.socket.send(packet, AS_TEXT, written);
    else this.stream.write(packet.frame, written);
  }

  /** The socket took the last write: one callback per connection, not one per packet. */
  readonly #written = (error?: Error | null): void => {
    this.#writing = false;
    if (error) {
      this.#closed(`write failed: ${error.message}`);
      return;
    }
    if (this.#outbox.size > 0) this.#flush();
  };

  /** Every way a connection ends comes through here, once. */
  #closed(reason: string): void {
    if (this.#phase === 'closed') return;
    const wasOpen = this.#phase === 'open';
    this.#phase = 'closed';
    this.host.onEnded(this, reason);
    // An admission still in flight tells the API itself when it returns (see #admit).
    if (wasOpen) this.host.onLeft(this, reason);
  }
}
