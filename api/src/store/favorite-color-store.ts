import type { SqliteDatabase } from './database.js';

/** A colour kept to be picked again with one tap. */
export interface StoredFavoriteColor {
  id: string;
  name: string;
  position: number;
  color: { r: number; g: number; b: number };
}

interface FavoriteColorRow {
  id: string;
  name: string;
  position: number;
  red: number;
  green: number;
  blue: number;
}

/** The favourite colours, in the order people put them. */
export class FavoriteColorStore {
  readonly #db: SqliteDatabase;
  readonly #list;
  readonly #insert;
  readonly #rename;
  readonly #setPosition;
  readonly #delete;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#list = db.prepare<[], FavoriteColorRow>('SELECT * FROM favorite_colors ORDER BY position, id');
    this.#insert = db.prepare(
      'INSERT INTO favorite_colors (id, name, position, red, green, blue) VALUES (@id, @name, @position, @red, @green, @blue)',
    );
    this.#rename = db.prepare('UPDATE favorite_colors SET name = ? WHERE id = ?');
    this.#setPosition = db.prepare('UPDATE favorite_colors SET position = ? WHERE id = ?');
    this.#delete = db.prepare('DELETE FROM favorite_colors WHERE id = ?');
  }

  /** By position. */
  list(): StoredFavoriteColor[] {
    return this.#list.all().map((row) => ({
      id: row.id,
      name: row.name,
      position: row.position,
      color: { r: row.red, g: row.green, b: row.blue },
    }));
  }

  add(favorite: StoredFavoriteColor): void {
    this.#insert.run({
      id: favorite.id,
      name: favorite.name,
      position: favorite.position,
      red: favorite.color.r,
      green: favorite.color.g,
      blue: favorite.color.b,
    });
  }

  rename(id: string, name: string): void {
    this.#rename.run(name, id);
  }

  /** Gives each favourite its index in `ids` as its position. */
  reorder(ids: readonly string[]): void {
    this.#db.transaction(() => ids.forEach((id, position) => this.#setPosition.run(position, id)))();
  }

  /** Removes it and closes the gap it leaves in the positions. */
  remove(id: string): void {
    this.#db.transaction(() => {
      this.#delete.run(id);
      this.#list.all().forEach((row, position) => this.#setPosition.run(position, row.id));
    })();
  }
}
