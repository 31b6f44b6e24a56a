import type { ApiContext } from '../context.js';
import { forbidden } from '../schema/errors.js';

/**
 * The identity of the calling adapter's link, as the API assigned it (see adapter-identity).
 * Operations on lamps act on the calling adapter's own lamps only, so they need a graphql-ws
 * link: over plain HTTP there is no link to tell one adapter from another.
 */
export function linkedAdapter(context: ApiContext): string {
  if (!context.adapterId) throw forbidden('this operation needs a graphql-ws link opened with an adapterId');
  return context.adapterId;
}
