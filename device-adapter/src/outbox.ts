type Kind = 'display' | 'command' | 'pong';

/**
 * A packet encoded once for every lamp it goes to: a room's frame reaches each of its lamps as
 * the same bytes, WebSocket framing included, instead of being encoded and framed per lamp.
 */
export class EncodedPacket {
  readonly bytes: Buffer;
  /** The whole text frame a server sends for it (RFC 6455 §5.2: final, opcode 1, unmasked). */
  readonly frame: Buffer;

  constructor(readonly text: string) {
    this.bytes = Buffer.from(text, 'utf8');
    this.frame = Buffer.concat([textFrameHeader(this.bytes.length), this.bytes]);
  }
}

/** A packet as the connection is handed it: text, or already encoded. */
export type Packet = string | EncodedPacket;

const FINAL_TEXT_FRAME = 0x81;

function textFrameHeader(length: number): Buffer {
  if (length < 126) return Buffer.from([FINAL_TEXT_FRAME, length]);
  if (length < 0x10000) {
    const header = Buffer.from([FINAL_TEXT_FRAME, 126, 0, 0]);
    header.writeUInt16BE(length, 2);
    return header;
  }
  const header = Buffer.alloc(10);
  header[0] = FINAL_TEXT_FRAME;
  header[1] = 127;
  header.writeBigUInt64BE(BigInt(length), 2);
  return header;
}

export function packetText(packet: Packet): string {
  return typeof packet === 'string' ? packet : packet.text;
}

/** A packet taken from the outbox, with what it is. */
export interface QueuedPacket {
  readonly packet: Packet;
  readonly kind: Kind;
}

interface Item extends QueuedPacket {
  bytes: number;
}

/**
 * What is waiting to be written to one lamp. Commands queue in order and are never dropped
 * here (the connection drops a lamp whose backlog grows too large instead); of display packets
 * only the newest matters, so a new one replaces any that has not been written yet; and a pong
 * is an answer, not a command: one waiting pong answers every ping that arrives before it is
 * written. However fast the display changes or the lamp pings, the outbox holds at most one
 * display packet and one pong, plus its commands.
 */
export class Outbox {
  readonly #queue: Item[] = [];
  /** The display packet waiting, if any (it is also in the queue, where it keeps its turn). */
  #display: Item | null = null;
  #bytes = 0;
  #pongWaiting = false;

  get size(): number {
    return this.#queue.length;
  }

  /** The bytes of every packet waiting. */
  get bytes(): number {
    return this.#bytes;
  }

  get hasPong(): boolean {
    return this.#pongWaiting;
  }

  pushDisplay(packet: Packet): void {
    const stale = this.#display;
    if (stale) {
      this.#queue.splice(this.#queue.indexOf(stale), 1);
      this.#bytes -= stale.bytes;
    }
    this.#display = this.#push(packet, 'display');
  }

  pushCommand(packet: Packet): void {
    this.#push(packet, 'command');
  }

  /** Queues a pong unless one is already waiting; returns whether it queued one. */
  pushPong(packet: Packet): boolean {
    if (this.#pongWaiting) return false;
    this.#pongWaiting = true;
    this.#push(packet, 'pong');
    return true;
  }

  shift(): QueuedPacket | undefined {
    const item = this.#queue.shift();
    if (!item) return undefined;
    this.#bytes -= item.bytes;
    if (item.kind === 'pong') this.#pongWaiting = false;
    else if (item === this.#display) this.#display = null;
    return item;
  }

  #push(packet: Packet, kind: Kind): Item {
    const bytes = typeof packet === 'string' ? Buffer.byteLength(packet, 'utf8') : packet.bytes.length;
    const item = { packet, kind, bytes };
    this.#queue.push(item);
    this.#bytes += bytes;
    return item;
  }
}
