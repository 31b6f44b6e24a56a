import { initGraphQLTada } from 'gql.tada';
import type { introspection } from './graphql-env.js';

/**
 * `graphql()` for the API's clients: a document written with it is typed from `schema.graphql`
 * (through the introspection `npm run schema:print` generates), so a client that selects a field
 * the schema no longer has, or reads one it did not select, fails the typecheck.
 */
export const graphql = initGraphQLTada<{
  // Fragments only share selections here; nothing hides behind them.
  disableMasking: true;
  introspection: introspection;
  scalars: {
    /** ISO 8601, as the API serialises dates. */
    DateTime: string;
    File: File;
  };
}>();

export type { FragmentOf, ResultOf, VariablesOf, TadaDocumentNode } from 'gql.tada';
export { readFragment } from 'gql.tada';
