/**
 * What is waiting to be written to one lamp. Commands queue in order and are never dropped;
 * of display packets only the newest matters, so a new one replaces any that has not been
 * written yet. A lamp whose socket is backed up therefore holds at most one display packet
 * plus its commands, however fast the display changes.
 */
export class Outbox {
  readonly #queue: { packet: string; display: boolean }[] = [];

  get size(): number {
    return this.#queue.length;
  }

  pushDisplay(packet: string): void {
    const stale = this.#queue.findIndex((item) => item.display);
    if (stale !== -1) this.#queue.splice(stale, 1);
    this.#queue.push({ packet, display: true });
  }

  pushCommand(packet: string): void {
    this.#queue.push({ packet, display: false });
  }

  shift(): string | undefined {
    return this.#queue.shift()?.packet;
  }
}
