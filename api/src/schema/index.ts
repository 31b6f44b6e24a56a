import type { GraphQLSchema } from 'graphql';
import { builder } from './builder.js';
import { answerWhenSynced } from './synced-mutations.js';
import './display-state.js';
import './rooms.js';
import './fades.js';
import './scenes.js';
import './commands.js';
import './weather.js';
import './firmware.js';
import './lamps.js';
import './access.js';
import './schedules.js';
import './mqtt.js';

let schema: GraphQLSchema | undefined;

/** The API's schema, built once from every domain module imported above; its mutations answer once synced. */
export function buildSchema(): GraphQLSchema {
  schema ??= answerWhenSynced(builder.toSchema());
  return schema;
}
