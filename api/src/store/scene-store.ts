import type { DisplayMode } from '../display/display-state.js';
import type { SqliteDatabase } from './database.js';

/** What a scene sets in one room. */
export interface StoredSceneRoom {
  roomId: string;
  mode: DisplayMode;
  color: { r: number; g: number; b: number };
  pulse: number;
}

/** A scene as stored; its rooms in no particular order (the caller sorts them). */
export interface StoredScene {
  id: string;
  name: string;
  position: number;
  rooms: StoredSceneRoom[];
}

interface SceneRow {
  id: string;
  name: string;
  position: number;
}

interface SceneRoomRow {
  scene_id: string;
  room_id: string;
  mode: DisplayMode;
  red: number;
  green: number;
  blue: number;
  pulse: number;
}

/**
 * Scenes and the look each sets in its rooms. A room's part of every scene is deleted with the
 * room (ON DELETE CASCADE), so the store is always what the scenes are; nothing is cached.
 */
export class SceneStore {
  readonly #db: SqliteDatabase;
  readonly #scenes;
  readonly #rooms;
  readonly #insert;
  readonly #insertRoom;
  readonly #deleteRooms;
  readonly #rename;
  readonly #setPosition;
  readonly #delete;
  readonly #count;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#scenes = db.prepare<[], SceneRow>('SELECT id, name, position FROM scenes ORDER BY position, id');
    this.#rooms = db.prepare<[], SceneRoomRow>('SELECT * FROM scene_rooms');
    this.#insert = db.prepare('INSERT INTO scenes (id, name, position, created_at) VALUES (?, ?, ?, ?)');
    this.#insertRoom = db.prepare(
      `INSERT INTO scene_rooms (scene_id, room_id, mode, red, green, blue, pulse)
       VALUES (@scene_id, @room_id, @mode, @red, @green, @blue, @pulse)`,
    );
    this.#deleteRooms = db.prepare('DELETE FROM scene_rooms WHERE scene_id = ?');
    this.#rename = db.prepare('UPDATE scenes SET name = ? WHERE id = ?');
    this.#setPosition = db.prepare('UPDATE scenes SET position = ? WHERE id = ?');
    this.#delete = db.prepare('DELETE FROM scenes WHERE id = ?');
    this.#count = db.prepare<[], { count: number }>('SELECT count(*) AS count FROM scenes');
  }

  /** Every scene, by position. */
  list(): StoredScene[] {
    const rooms = new Map<string, StoredSceneRoom[]>();
    for (const row of this.#rooms.all()) {
      const list = rooms.get(row.scene_id) ?? [];
      list.push({ roomId: row.room_id, mode: row.mode, color: { r: row.red, g: row.green, b: row.blue }, pulse: row.pulse });
      rooms.set(row.scene_id, list);
    }
    return this.#scenes.all().map((row) => ({ id: row.id, name: row.name, position: row.position, rooms: rooms.get(row.id) ?? [] }));
  }

  count(): number {
    return this.#count.get()!.count;
  }

  add(scene: StoredScene, createdAt: Date): void {
    this.#db.transaction(() => {
      this.#insert.run(scene.id, scene.name, scene.position, createdAt.toISOString());
      this.#insertRooms(scene.id, scene.rooms);
    })();
  }

  /** The scene's rooms become exactly these. */
  replaceRooms(sceneId: string, rooms: readonly StoredSceneRoom[]): void {
    this.#db.transaction(() => {
      this.#deleteRooms.run(sceneId);
      this.#insertRooms(sceneId, rooms);
    })();
  }

  rename(id: string, name: string): void {
    this.#rename.run(name, id);
  }

  /** Gives each scene its index in `ids` as its position. */
  reorder(ids: readonly string[]): void {
    this.#db.transaction(() => ids.forEach((id, position) => this.#setPosition.run(position, id)))();
  }

  /** Deletes the scene (its rooms go with it) and closes the gap it leaves in the positions. */
  delete(id: string): void {
    this.#db.transaction(() => {
      this.#delete.run(id);
      this.#scenes.all().forEach((row, position) => this.#setPosition.run(position, row.id));
    })();
  }

  #insertRooms(sceneId: string, rooms: readonly StoredSceneRoom[]): void {
    for (const room of rooms) {
      this.#insertRoom.run({
        scene_id: sceneId,
        room_id: room.roomId,
        mode: room.mode,
        red: room.color.r,
        green: room.color.g,
        blue: room.color.b,
        pulse: room.pulse,
      });
    }
  }
}
