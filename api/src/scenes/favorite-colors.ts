import { randomBytes } from 'node:crypto';
import { formatHexColor } from '@cloud-cloud/protocol/color';
import type { Rgb } from '@cloud-cloud/protocol/packet';
import type { PubSub } from '../events/pubsub.js';
import { InvalidInput } from '../invalid-input.js';
import type { FavoriteColorStore } from '../store/favorite-color-store.js';
import { checkNewOrder, checkUniqueName, nextPosition } from './ordered-names.js';

/** A colour kept to be picked again with one tap. */
export interface FavoriteColor {
  id: string;
  name: string;
  /** 0 first. */
  position: number;
  color: Rgb;
}

/** Wakes the followers of the favourite colours: they read the list again. */
export type FavoriteColorEvents = { favoriteColorsChanged: null };

export const MAX_FAVORITE_COLORS = 24;
export const FAVORITE_COLOR_NAME_MAX = 40;

/** The favourite colours every client offers: add, rename, remove, reorder. Each colour is there once. */
export class FavoriteColors {
  constructor(
    private readonly store: FavoriteColorStore,
    private readonly pubsub: PubSub<FavoriteColorEvents>,
  ) {}

  /** By position. */
  list(): FavoriteColor[] {
    return this.store.list();
  }

  /** The favourite, or InvalidInput naming `argument`. */
  require(id: string, argument = 'favoriteColorId'): FavoriteColor {
    const favorite = this.list().find((item) => item.id === id);
    if (!favorite) throw new InvalidInput(argument, `no favourite colour with id ${id}`);
    return favorite;
  }

  /** A new favourite, last in the list; named by its hex code when no name is given. */
  add(color: Rgb, name: string | null = null): FavoriteColor {
    const favorites = this.list();
    const same = favorites.find((item) => item.color.r === color.r && item.color.g === color.g && item.color.b === color.b);
    if (same) throw new InvalidInput('color', `${formatHexColor(color)} is a favourite already (${JSON.stringify(same.name)})`);
    if (favorites.length >= MAX_FAVORITE_COLORS) {
      throw new InvalidInput('color', `there are ${MAX_FAVORITE_COLORS} favourite colours already, the most there can be`);
    }
    const favorite: FavoriteColor = {
      id: `color-${randomBytes(9).toString('base64url')}`,
      name: name ?? formatHexColor(color),
      position: nextPosition(favorites),
      color: { r: color.r, g: color.g, b: color.b },
    };
    checkUniqueName(favorites, favorite.name, null, 'favourite colour');
    this.store.add(favorite);
    this.#changed();
    return favorite;
  }

  rename(id: string, name: string): FavoriteColor {
    this.require(id);
    checkUniqueName(this.list(), name, id, 'favourite colour');
    this.store.rename(id, name);
    this.#changed();
    return this.require(id);
  }

  /** Removes it; answers it as it was. */
  remove(id: string): FavoriteColor {
    const favorite = this.require(id);
    this.store.remove(id);
    this.#changed();
    return favorite;
  }

  /** `ids` is every favourite's id once, in the new order. */
  reorder(ids: readonly string[]): FavoriteColor[] {
    checkNewOrder(
      this.list().map((item) => item.id),
      ids,
      'favourite colour',
      'favoriteColorIds',
    );
    this.store.reorder(ids);
    this.#changed();
    return this.list();
  }

  /** The whole list at once, then again after every change. A slow reader gets the newest list. */
  async *updates(signal?: AbortSignal): AsyncGenerator<FavoriteColor[]> {
    const wakes = this.pubsub.latest('favoriteColorsChanged', signal);
    try {
      yield this.list();
      for await (const _wake of wakes) yield this.list();
    } finally {
      await wakes.return?.();
    }
  }

  #changed(): void {
    this.pubsub.publish('favoriteColorsChanged', null);
  }
}
