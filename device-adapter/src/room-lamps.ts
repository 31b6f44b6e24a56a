import { EncodedPacket } from './outbox.js';

/** What the room index needs of a lamp connection. */
export interface RoomMember {
  /** Hands the lamp a display packet (the connection skips one it already has). */
  showDisplay(packet: EncodedPacket): void;
}

interface KnownFrame {
  /** Encoded once, written as is to each of the room's lamps. */
  packet: EncodedPacket;
  /** -1 once the link to the API has come back: the next frame for the room wins, whatever its number. */
  revision: number;
}

/**
 * Which of this adapter's lamps are in which room, and each room's newest frame. A room's
 * change is written to that room's lamps only, so a change to a room of 10 lamps costs 10
 * writes however many lamps the adapter holds. A lamp filed under a room whose frame is not
 * known yet gets it when it arrives.
 */
export class RoomLamps<Lamp extends RoomMember> {
  readonly #frames = new Map<string, KnownFrame>();
  readonly #members = new Map<string, Set<Lamp>>();
  readonly #roomOf = new Map<Lamp, string>();

  /** Whether any room's frame is known. */
  get knowsFrames(): boolean {
    return this.#frames.size > 0;
  }

  /** The room's newest frame, if known. */
  frameOf(roomId: string): string | null {
    return this.#frames.get(roomId)?.packet.text ?? null;
  }

  roomOf(lamp: Lamp): string | null {
    return this.#roomOf.get(lamp) ?? null;
  }

  /** The lamps filed under a room. */
  lampsIn(roomId: string): ReadonlySet<Lamp> {
    return this.#members.get(roomId) ?? new Set();
  }

  /**
   * A room's frame from the API. A frame older than the one the room has is stale and dropped;
   * a newer one goes to the room's lamps. Returns whether it was taken.
   */
  frameArrived(roomId: string, frame: string, revision: number): boolean {
    const known = this.#frames.get(roomId);
    if (known && revision <= known.revision) return false;
    // The same frame again (after the link came back, say) keeps its encoding.
    const packet = known?.packet.text === frame ? known.packet : new EncodedPacket(frame);
    this.#frames.set(roomId, { packet, revision });
    const members = this.#members.get(roomId);
    if (members) for (const lamp of members) lamp.showDisplay(packet);
    return true;
  }

  /**
   * Revision numbers count within one API: after the link comes back (perhaps to another API,
   * or one restarted), the frames it sends first are current whatever their numbers. The frames
   * themselves stay, so lamps keep their packet until the new ones arrive.
   */
  forgetRevisions(): void {
    for (const known of this.#frames.values()) known.revision = -1;
  }

  /** Files the lamp under `roomId` (out of any other) and hands it the room's frame if known. */
  place(lamp: Lamp, roomId: string): void {
    const current = this.#roomOf.get(lamp);
    if (current !== roomId) {
      if (current !== undefined) this.#leave(lamp, current);
      this.#roomOf.set(lamp, roomId);
      const members = this.#members.get(roomId) ?? new Set<Lamp>();
      members.add(lamp);
      this.#members.set(roomId, members);
    }
    const known = this.#frames.get(roomId);
    if (known) lamp.showDisplay(known.packet);
  }

  remove(lamp: Lamp): void {
    const current = this.#roomOf.get(lamp);
    if (current === undefined) return;
    this.#roomOf.delete(lamp);
    this.#leave(lamp, current);
  }

  #leave(lamp: Lamp, roomId: string): void {
    const members = this.#members.get(roomId);
    members?.delete(lamp);
    if (members?.size === 0) this.#members.delete(roomId);
  }
}
