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
 * How long a room's change is written to its lamps before the adapter lets the event loop run
 * again. A change to thousands of lamps then never holds up a mutation's answer, a lamp's
 * handshake or a ping for more than a few milliseconds; and a change that arrives while the
 * last one is still on its way goes to the lamps it has not reached yet instead (newest wins).
 * A time rather than a number of lamps: a Raspberry Pi Zero writes a lamp many times slower
 * than a desktop, and a count that suits one stalls or fragments the other.
 */
export const TURN_BUDGET_MS = 2;

/** What is left of the turn under way: passes write lamps until its deadline. */
interface Turn {
  /** `performance.now()` at which the turn is over. */
  readonly deadline: number;
  lampsLeft: number;
}

/** A room's change on its way to the room's lamps, a turn's worth at a time. */
interface Pass<Lamp> {
  readonly roomId: string;
  /** The room's lamps not reached yet (a live view: lamps placed or removed meanwhile count). */
  lamps: Iterator<Lamp>;
  /** A newer frame arrived after the pass began: the lamps already passed need another. */
  again: boolean;
}

/**
 * Which of this adapter's lamps are in which room, and each room's newest frame. A room's
 * change is written to that room's lamps only, so a change to a room of 10 lamps costs 10
 * writes however many lamps the adapter holds. A lamp filed under a room whose frame is not
 * known yet gets it when it arrives.
 *
 * A change goes out in passes over the room's lamps, `TURN_BUDGET_MS` of writing per turn of
 * the event loop. Each lamp is handed the room's newest frame when the pass reaches it, so
 * under a stream of changes every lamp is written once per pass, in turn, and ends on the last
 * frame.
 */
export class RoomLamps<Lamp extends RoomMember> {
  readonly #frames = new Map<string, KnownFrame>();
  readonly #members = new Map<string, Set<Lamp>>();
  readonly #roomOf = new Map<Lamp, string>();
  readonly #passes = new Map<string, Pass<Lamp>>();
  readonly #turnBudgetMs: number;
  readonly #lampsPerTurn: number;
  #turnScheduled = false;

  /** `lampsPerTurn` also caps a turn by count (tests use it to see the turns). */
  constructor({ turnBudgetMs = TURN_BUDGET_MS, lampsPerTurn = Infinity }: { turnBudgetMs?: number; lampsPerTurn?: number } = {}) {
    this.#turnBudgetMs = turnBudgetMs;
    this.#lampsPerTurn = lampsPerTurn;
  }

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
    if (!members) return true;
    let pass = this.#passes.get(roomId);
    if (pass) pass.again = true;
    else this.#passes.set(roomId, (pass = { roomId, lamps: members.values(), again: false }));
    // The room's first lamps get the change in this turn, ahead of other rooms' passes.
    this.#advance(pass, this.#startTurn());
    this.#scheduleTurn();
    return true;
  }

  /**
   * Hands the lamp its room's newest frame now, if it does not have it yet (a pass may not have
   * reached it): a command written next then follows the frames that came before it.
   */
  catchUp(lamp: Lamp): void {
    const roomId = this.#roomOf.get(lamp);
    const known = roomId === undefined ? undefined : this.#frames.get(roomId);
    if (known) lamp.showDisplay(known.packet);
  }

  #startTurn(): Turn {
    return { deadline: performance.now() + this.#turnBudgetMs, lampsLeft: this.#lampsPerTurn };
  }

  /**
   * Takes a pass further, until it is over or the turn is; returns whether the turn has time
   * left. A turn always writes at least one lamp, so a pass moves on however slow the writes.
   */
  #advance(pass: Pass<Lamp>, turn: Turn): boolean {
    const packet = this.#frames.get(pass.roomId)!.packet;
    for (;;) {
      const next = pass.lamps.next();
      if (next.done) {
        const members = this.#members.get(pass.roomId);
        if (!pass.again || !members) {
          this.#passes.delete(pass.roomId);
          return true;
        }
        pass.lamps = members.values();
        pass.again = false;
        continue;
      }
      // A lamp that already has the frame (passed twice, or placed meanwhile) costs no write.
      next.value.showDisplay(packet);
      turn.lampsLeft -= 1;
      if (turn.lampsLeft <= 0 || performance.now() >= turn.deadline) return false;
    }
  }

  #scheduleTurn(): void {
    if (this.#turnScheduled || this.#passes.size === 0) return;
    this.#turnScheduled = true;
    setImmediate(() => {
      this.#turnScheduled = false;
      const turn = this.#startTurn();
      for (const pass of this.#passes.values()) if (!this.#advance(pass, turn)) break;
      this.#scheduleTurn();
    });
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
    this.catchUp(lamp);
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
