type Kind = 'display' | 'command' | 'pong';

/**
 * What is waiting to be written to one lamp. Commands queue in order and are never dropped
 * here (the connection drops a lamp whose backlog grows too large instead); of display packets
 * only the newest matters, so a new one replaces any that has not been written yet; and a pong
 * is an answer, not a command: one waiting pong answers every ping that arrives before it is
 * written. However fast the display changes or the lamp pings, the outbox holds at most one
 * display packet and one pong, plus its commands.
 */
export class Outbox {
  readonly #queue: { packet: string; kind: Kind }[] = [];
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

  pushDisplay(packet: string): void {
    const stale = this.#queue.findIndex((item) => item.kind === 'display');
    if (stale !== -1) this.#bytes -= byteLength(this.#queue.splice(stale, 1)[0]!.packet);
    this.#push(packet, 'display');
  }

  pushCommand(packet: string): void {
    this.#push(packet, 'command');
  }

  /** Queues a pong unless one is already waiting; returns whether it queued one. */
  pushPong(packet: string): boolean {
    if (this.#pongWaiting) return false;
    this.#pongWaiting = true;
    this.#push(packet, 'pong');
    return true;
  }

  shift(): { packet: string; kind: Kind } | undefined {
    const item = this.#queue.shift();
    if (!item) return undefined;
    this.#bytes -= byteLength(item.packet);
    if (item.kind === 'pong') this.#pongWaiting = false;
    return item;
  }

  #push(packet: string, kind: Kind): void {
    this.#queue.push({ packet, kind });
    this.#bytes += byteLength(packet);
  }
}

function byteLength(packet: string): number {
  return Buffer.byteLength(packet, 'utf8');
}
