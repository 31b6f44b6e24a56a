import { createHash, randomUUID } from 'node:crypto';

const ADAPTER_KEY = /^[A-Za-z0-9_-]{22,128}$/;
export const ADAPTER_KEY_RULE = 'adapterKey must be 22 to 128 letters, digits, - or _';

/**
 * Who an adapter's graphql-ws link is, as far as its lamps go. The `adapterId` an adapter sends
 * is only a name for logs: anyone with an adapter token could send the same one. What binds
 * links to one adapter is its `adapterKey`, a random secret each adapter makes for itself and
 * sends on every link it opens, so a link that comes back after a drop is the same adapter,
 * and nobody who merely knows its name is. A link without a key is an adapter of its own.
 *
 * Returns the identity (the name, then a digest of the key or a random part), or the rule the
 * key broke.
 */
export function adapterLinkIdentity(name: string, key: unknown): { identity: string } | { error: string } {
  if (key === undefined || key === null) return { identity: `${name}#link-${randomUUID()}` };
  if (typeof key !== 'string' || !ADAPTER_KEY.test(key)) return { error: ADAPTER_KEY_RULE };
  const digest = createHash('sha256').update(key).digest('base64url').slice(0, 32);
  return { identity: `${name}#${digest}` };
}
