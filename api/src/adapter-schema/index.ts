import type { GraphQLSchema } from 'graphql';
import { adapterBuilder } from './builder.js';
import './room-frames.js';
import './lamp-reports.js';
import './lamp-commands.js';

let schema: GraphQLSchema | undefined;

/** The adapter schema (served at the adapter endpoint only), built once. */
export function buildAdapterSchema(): GraphQLSchema {
  schema ??= adapterBuilder.toSchema();
  return schema;
}
