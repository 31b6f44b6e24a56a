import type { GraphQLSchema } from 'graphql';
import { answerWhenSynced } from '../schema/synced-mutations.js';
import { adapterBuilder } from './builder.js';
import './room-frames.js';
import './lamp-reports.js';
import './lamp-commands.js';

let schema: GraphQLSchema | undefined;

/** The adapter schema (served at the adapter endpoint only), built once; its mutations answer once synced. */
export function buildAdapterSchema(): GraphQLSchema {
  schema ??= answerWhenSynced(adapterBuilder.toSchema());
  return schema;
}
