import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printSchema } from 'graphql';
import { buildSchema } from './index.js';

/** The committed `schema.graphql`, exactly as this prints it. */
export function printedSchema(): string {
  return printSchema(buildSchema()) + '\n';
}

export const SCHEMA_FILE = fileURLToPath(new URL('../../../schema.graphql', import.meta.url));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(SCHEMA_FILE, printedSchema());
  console.log(`wrote ${SCHEMA_FILE}`);
}
