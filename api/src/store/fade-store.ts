import type { DisplayMode, DisplayTarget, TransitionKind } from '../display/display-state.js';
import type { SqliteDatabase } from './database.js';

/** A running fade as stored: enough to take the same steps again after a restart. */
export interface StoredFade {
  roomId: string;
  kind: TransitionKind;
  /** What the room showed when the fade began (a wake-up light starts from off). */
  from: DisplayTarget;
  target: DisplayTarget;
  startedAt: Date;
  endsAt: Date;
  /** A wake-up light that turns off again: when. */
  offAt: Date | null;
}

interface FadeRow {
  room_id: string;
  kind: TransitionKind;
  from_mode: DisplayMode;
  from_red: number;
  from_green: number;
  from_blue: number;
  from_pulse: number;
  target_mode: DisplayMode;
  target_red: number;
  target_green: number;
  target_blue: number;
  target_pulse: number;
  started_at: string;
  ends_at: string;
  off_at: string | null;
}

/** The fades running in rooms, one per room at most. */
export class FadeStore {
  readonly #db: SqliteDatabase;
  readonly #list;
  readonly #save;
  readonly #delete;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#list = db.prepare<[], FadeRow>('SELECT * FROM room_fades');
    this.#save = db.prepare(
      `INSERT OR REPLACE INTO room_fades (room_id, kind, from_mode, from_red, from_green, from_blue, from_pulse,
         target_mode, target_red, target_green, target_blue, target_pulse, started_at, ends_at, off_at)
       VALUES (@room_id, @kind, @from_mode, @from_red, @from_green, @from_blue, @from_pulse,
         @target_mode, @target_red, @target_green, @target_blue, @target_pulse, @started_at, @ends_at, @off_at)`,
    );
    this.#delete = db.prepare('DELETE FROM room_fades WHERE room_id = ?');
  }

  list(): StoredFade[] {
    return this.#list.all().map((row) => ({
      roomId: row.room_id,
      kind: row.kind,
      from: { mode: row.from_mode, color: { r: row.from_red, g: row.from_green, b: row.from_blue }, pulse: row.from_pulse },
      target: { mode: row.target_mode, color: { r: row.target_red, g: row.target_green, b: row.target_blue }, pulse: row.target_pulse },
      startedAt: new Date(row.started_at),
      endsAt: new Date(row.ends_at),
      offAt: row.off_at === null ? null : new Date(row.off_at),
    }));
  }

  /** Saves these fades together, each replacing its room's. */
  save(fades: readonly StoredFade[]): void {
    this.#db.transaction(() => {
      for (const fade of fades) {
        this.#save.run({
          room_id: fade.roomId,
          kind: fade.kind,
          from_mode: fade.from.mode,
          from_red: fade.from.color.r,
          from_green: fade.from.color.g,
          from_blue: fade.from.color.b,
          from_pulse: fade.from.pulse,
          target_mode: fade.target.mode,
          target_red: fade.target.color.r,
          target_green: fade.target.color.g,
          target_blue: fade.target.color.b,
          target_pulse: fade.target.pulse,
          started_at: fade.startedAt.toISOString(),
          ends_at: fade.endsAt.toISOString(),
          off_at: fade.offAt?.toISOString() ?? null,
        });
      }
    })();
  }

  delete(roomIds: readonly string[]): void {
    this.#db.transaction(() => {
      for (const roomId of roomIds) this.#delete.run(roomId);
    })();
  }
}
