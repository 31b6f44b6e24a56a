import { initGraphQLTada } from 'gql.tada';
import type { introspection } from './adapter-graphql-env.js';

/**
 * `graphql()` for the adapter: a document written with it is typed from `adapter-schema.graphql`
 * (the schema served at the adapter endpoint, through the introspection `npm run schema:print`
 * generates), so the adapter cannot select a field that schema does not have, nor an operation
 * of the public schema.
 */
export const adapterGraphql = initGraphQLTada<{
  disableMasking: true;
  introspection: introspection;
  scalars: {
    /** ISO 8601, as the API serialises dates. */
    DateTime: string;
  };
}>();
