import type { ObjectRef } from '@pothos/core';
import { builder } from './builder.js';
import { integerFrom, type ArgumentRule } from './arguments.js';
import { invalidArgument } from './errors.js';

/** One page of a list, with where it starts and ends for the next request. */
export interface Page<T> {
  nodes: T[];
  startCursor: string | null;
  endCursor: string | null;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  totalCount: number;
}

export const PageInfoRef = builder.objectRef<Page<unknown>>('PageInfo').implement({
  description: 'Where a page of a list starts and ends, and whether there is more on either side.',
  fields: (t) => ({
    startCursor: t.exposeString('startCursor', { nullable: true, description: "The first item's cursor; null for an empty page." }),
    endCursor: t.exposeString('endCursor', {
      nullable: true,
      description: "The last item's cursor: pass it as `after` for the next page. Null for an empty page.",
    }),
    hasNextPage: t.exposeBoolean('hasNextPage', { description: 'Whether more items follow this page.' }),
    hasPreviousPage: t.exposeBoolean('hasPreviousPage', { description: 'Whether items come before this page.' }),
  }),
});

/** Cursors are opaque to clients: the key of an item, base64url-encoded. */
export function cursorOf(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

/** A cursor's key, or BAD_USER_INPUT naming the argument. */
export const cursorKey: ArgumentRule<string> = (cursor, argument) => {
  const key = /^[A-Za-z0-9_-]{1,400}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (key.length === 0) throw invalidArgument(argument, 'is not a cursor this API gave out');
  return key;
};

/** A page size from 1 to `max`. */
export function pageSize(max: number): ArgumentRule<number> {
  return integerFrom(1, max);
}

/**
 * A page of a list held in memory: `first` items after the item whose key is `after`. A cursor
 * naming an item no longer in the list is refused, as the place it marked is gone.
 */
export function pageOf<T>(items: readonly T[], keyOf: (item: T) => string, first: number, after: string | null): Page<T> {
  let start = 0;
  if (after !== null) {
    const index = items.findIndex((item) => keyOf(item) === after);
    if (index === -1) throw invalidArgument('after', 'names an item that is no longer in the list; start again without it');
    start = index + 1;
  }
  const nodes = items.slice(start, start + first);
  return {
    nodes,
    startCursor: nodes.length > 0 ? cursorOf(keyOf(nodes[0]!)) : null,
    endCursor: nodes.length > 0 ? cursorOf(keyOf(nodes.at(-1)!)) : null,
    hasNextPage: start + nodes.length < items.length,
    hasPreviousPage: start > 0,
    totalCount: items.length,
  };
}

type BuilderTypes = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer Types> ? Types : never;

/** A page type for items of `nodeRef`: its nodes, where it is, and (`counted`) how many there are in all. */
export function definePage<T>(
  name: string,
  description: string,
  nodeRef: ObjectRef<BuilderTypes, T>,
  counted: boolean,
): ObjectRef<BuilderTypes, Page<T>> {
  const ref = builder.objectRef<Page<T>>(name);
  ref.implement({
    description,
    fields: (t) => ({
      nodes: t.field({ type: [nodeRef], description: 'The items of this page, in the order of the list.', resolve: (p) => p.nodes }),
      pageInfo: t.field({ type: PageInfoRef, description: 'Where this page is in the list.', resolve: (p) => p }),
      ...(counted
        ? { totalCount: t.exposeInt('totalCount', { description: 'How many items the whole list has (not just this page).' }) }
        : {}),
    }),
  });
  return ref;
}
