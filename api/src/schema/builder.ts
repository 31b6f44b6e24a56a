import SchemaBuilder from '@pothos/core';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { DateTimeResolver } from 'graphql-scalars';
import type { ApiContext } from '../context.js';
import type { Access } from '../access/principal.js';
import { forbidden, unauthenticated } from './errors.js';

export const builder = new SchemaBuilder<{
  Context: ApiContext;
  AuthScopes: Access;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    Date: { Input: string; Output: string };
    File: { Input: File; Output: never };
    ID: { Input: string; Output: string };
  };
}>({
  plugins: [ScopeAuthPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authScopes: (context) => context.access,
    unauthorizedError: (_parent, context, info) =>
      context.principal.kind === 'anonymous'
        ? unauthenticated('log in, or send an API token as "Authorization: Bearer <token>"')
        : forbidden(`your credentials do not allow ${info.parentType.name}.${info.fieldName}`),
  },
});

builder.addScalarType('DateTime', DateTimeResolver);
builder.scalarType('File', {
  description: 'A file sent as a multipart request (GraphQL multipart request spec).',
  serialize: () => {
    throw new Error('File is an input-only scalar');
  },
});

builder.queryType({ description: 'What a client can read: rooms, lamps, display states, firmware, weather, credentials.' });
builder.mutationType({ description: 'What a client can change. Each answers with the state after the change.' });
builder.subscriptionType({ description: 'Changes as they happen, over graphql-ws or server-sent events.' });
