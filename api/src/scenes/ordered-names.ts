import { InvalidInput } from '../invalid-input.js';

/*
 * Rules scenes and favourite colours share: each is named uniquely (ignoring case) and people
 * put them in their own order, by naming every one of them once.
 */

/** Refuses `name` when another item (not `exceptId`) holds it, ignoring case. */
export function checkUniqueName(
  items: readonly { id: string; name: string }[],
  name: string,
  exceptId: string | null,
  kind: string,
  argument = 'name',
): void {
  const wanted = name.toLowerCase();
  const holder = items.find((item) => item.id !== exceptId && item.name.toLowerCase() === wanted);
  if (holder) throw new InvalidInput(argument, `a ${kind} named ${JSON.stringify(holder.name)} exists already`);
}

/** Refuses a new order that does not name every existing id exactly once. */
export function checkNewOrder(existingIds: readonly string[], ids: readonly string[], kind: string, argument: string): void {
  const known = new Set(existingIds);
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) throw new InvalidInput(argument, `no ${kind} with id ${unknown.join(', ')}`);
  if (new Set(ids).size !== ids.length) throw new InvalidInput(argument, `names a ${kind} more than once`);
  const missing = existingIds.filter((id) => !ids.includes(id));
  if (missing.length > 0) throw new InvalidInput(argument, `must name every ${kind}; missing ${missing.join(', ')}`);
}

/** The position after the last one (0 for an empty list). */
export function nextPosition(items: readonly { position: number }[]): number {
  return Math.max(-1, ...items.map((item) => item.position)) + 1;
}
