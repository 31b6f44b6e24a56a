import SchemaBuilder from '@pothos/core';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { DateTimeResolver } from 'graphql-scalars';
import type { ApiContext } from '../context.js';
import { forbidden } from '../schema/errors.js';

/**
 * The adapter schema's own builder. It shares no type with the public schema, and a second
 * builder keeps it that way: nothing declared here can appear in what people and third-party
 * clients read, and nothing of theirs can appear here. Its endpoint lets ADAPTER credentials
 * in only; the root types say so again, so no other way in reaches a field.
 */
export const adapterBuilder = new SchemaBuilder<{
  Context: ApiContext;
  AuthScopes: { adapter: boolean };
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    ID: { Input: string; Output: string };
  };
}>({
  plugins: [ScopeAuthPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authorizeOnSubscribe: true,
    authScopes: (context) => ({ adapter: context.access.adapter }),
    unauthorizedError: () => forbidden('the adapter schema is for ADAPTER credentials only'),
  },
});

adapterBuilder.addScalarType('DateTime', DateTimeResolver);

// Every field, whatever the endpoint in front: adapters only.
adapterBuilder.queryType({ description: 'What an adapter reads.', authScopes: { adapter: true } });
adapterBuilder.mutationType({ description: 'What an adapter reports about its lamps.', authScopes: { adapter: true } });
adapterBuilder.subscriptionType({ description: 'What an adapter follows.', authScopes: { adapter: true } });
