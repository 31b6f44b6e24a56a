import { createHash, randomUUID } from 'node:crypto';
import { ADAPTER_KEY, ADAPTER_KEY_RULE } from '@cloud-cloud/contract/ids';

export { ADAPTER_KEY_RULE };

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
