import type { DisplayMode } from '../display/display-state.js';
import type { SqliteDatabase } from './database.js';

/** A room as stored: its place in the list and its own display (the weather is global). */
export interface StoredRoom {
  id: string;
  name: string;
  position: number;
  display: StoredRoomDisplay;
}

export interface StoredRoomDisplay {
  mode: DisplayMode;
  color: { r: number; g: number; b: number };
  pulse: number;
  revision: number;
  updatedAt: Date;
}

interface RoomRow {
  id: string;
  name: string;
  position: number;
  mode: DisplayMode;
  red: number;
  green: number;
  blue: number;
  pulse: number;
  revision: number;
  updated_at: string;
}

/** Rooms and their display states. Deleting a room moves its lamps to another in the same transaction. */
export class RoomStore {
  readonly #db: SqliteDatabase;
  readonly #list;
  readonly #insert;
  readonly #rename;
  readonly #setPosition;
  readonly #saveDisplay;
  readonly #saveDisplaysTogether;
  readonly #moveLamps;
  readonly #delete;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#list = db.prepare<[], RoomRow>('SELECT * FROM rooms ORDER BY position, id');
    this.#insert = db.prepare(
      `INSERT INTO rooms (id, name, position, mode, red, green, blue, pulse, revision, updated_at)
       VALUES (@id, @name, @position, @mode, @red, @green, @blue, @pulse, @revision, @updated_at)`,
    );
    this.#rename = db.prepare('UPDATE rooms SET name = ? WHERE id = ?');
    this.#setPosition = db.prepare('UPDATE rooms SET position = ? WHERE id = ?');
    this.#saveDisplay = db.prepare(
      `UPDATE rooms SET mode = @mode, red = @red, green = @green, blue = @blue, pulse = @pulse, revision = @revision,
         updated_at = @updated_at WHERE id = @id`,
    );
    this.#saveDisplaysTogether = db.transaction((displays: readonly RoomDisplayChange[]) => {
      for (const change of displays) this.#saveOneDisplay(change);
    });
    this.#moveLamps = db.prepare<[string, string], { id: string }>('UPDATE lamps SET room_id = ? WHERE room_id = ? RETURNING id');
    this.#delete = db.prepare('DELETE FROM rooms WHERE id = ?');
  }

  list(): StoredRoom[] {
    return this.#list.all().map((row) => ({
      id: row.id,
      name: row.name,
      position: row.position,
      display: {
        mode: row.mode,
        color: { r: row.red, g: row.green, b: row.blue },
        pulse: row.pulse,
        revision: row.revision,
        updatedAt: new Date(row.updated_at),
      },
    }));
  }

  add(room: StoredRoom): void {
    this.#insert.run({ id: room.id, name: room.name, position: room.position, ...displayRow(room.display) });
  }

  rename(id: string, name: string): void {
    this.#rename.run(name, id);
  }

  /** Gives each room its index in `ids` as its position. */
  reorder(ids: readonly string[]): void {
    this.#db.transaction(() => ids.forEach((id, position) => this.#setPosition.run(position, id)))();
  }

  /** Saves the display state of each room given, together. */
  saveDisplays(displays: readonly RoomDisplayChange[]): void {
    // One room, the everyday change, is one statement: atomic by itself, and a colour change
    // reaches the lamps sooner without a transaction's BEGIN and COMMIT around it.
    if (displays.length === 1) this.#saveOneDisplay(displays[0]!);
    else this.#saveDisplaysTogether(displays);
  }

  #saveOneDisplay({ roomId, display }: RoomDisplayChange): void {
    this.#saveDisplay.run({ id: roomId, ...displayRow(display) });
  }

  /** Moves the room's lamps to `toRoomId` and deletes it; returns the ids of the lamps moved. */
  delete(id: string, toRoomId: string): string[] {
    return this.#db.transaction(() => {
      const moved = this.#moveLamps.all(toRoomId, id).map((row) => row.id);
      this.#delete.run(id);
      return moved;
    })();
  }
}

interface RoomDisplayChange {
  roomId: string;
  display: StoredRoomDisplay;
}

function displayRow(display: StoredRoomDisplay) {
  return {
    mode: display.mode,
    red: display.color.r,
    green: display.color.g,
    blue: display.color.b,
    pulse: display.pulse,
    revision: display.revision,
    updated_at: display.updatedAt.toISOString(),
  };
}
