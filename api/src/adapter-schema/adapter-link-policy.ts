import { ADAPTER_ID } from '@cloud-cloud/contract/ids';
import { CloseCode } from 'graphql-ws';
import type { Logger } from 'pino';
import type { Principal } from '../access/principal.js';
import type { LinkPolicy } from '../http/graphql-ws-link.js';
import { connectionParam } from '../http/graphql-ws-link.js';
import type { LampConnections } from '../lamps/lamp-connections.js';
import { adapterLinkIdentity } from './adapter-identity.js';

export const NOT_AN_ADAPTER =
  'the adapter endpoint takes ADAPTER credentials only (CC_ADAPTER_TOKEN or an ADAPTER API token); people and apps use /graphql';

/**
 * Who may link to the adapter endpoint, and what a link is: ADAPTER credentials only (anything
 * else is closed with 4403, saying why); an adapter is known by the identity its key gives it
 * (see adapter-identity), and its lamps are reported gone when its last link closes.
 */
export function adapterLinkPolicy(lampConnections: LampConnections, logger: Logger): LinkPolicy {
  const openLinks = new Map<string, number>();
  return {
    open: (principal, params) => {
      if (principal.role !== 'ADAPTER') return { code: CloseCode.Forbidden, reason: NOT_AN_ADAPTER };
      const name = connectionParam(params, 'adapterId');
      // A link without a (valid) name may read room frames but act on no lamp.
      if (name === undefined || !ADAPTER_ID.test(name)) return { principal: { ...principal, adapterId: null } };
      // From here on the adapter is known by its link identity, not by the name it gave.
      const link = adapterLinkIdentity(name, params.adapterKey);
      if ('error' in link) return { code: CloseCode.BadRequest, reason: link.error };
      openLinks.set(link.identity, (openLinks.get(link.identity) ?? 0) + 1);
      logger.info({ adapterId: link.identity }, 'adapter linked');
      return { principal: { ...principal, adapterId: link.identity } };
    },
    closed: (principal: Principal) => {
      const adapterId = principal.kind === 'authenticated' ? principal.adapterId : null;
      if (!adapterId) return;
      const remaining = (openLinks.get(adapterId) ?? 1) - 1;
      if (remaining > 0) {
        openLinks.set(adapterId, remaining);
        return;
      }
      openLinks.delete(adapterId);
      logger.warn({ adapterId }, 'adapter link closed');
      lampConnections.detachAdapter(adapterId, 'the adapter serving this lamp lost its link to the API');
    },
  };
}
