import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printSchema } from 'graphql';
import { buildAdapterSchema } from './index.js';

/** The committed `adapter-schema.graphql`, exactly as this prints it. */
export function printedAdapterSchema(): string {
  return printSchema(buildAdapterSchema()) + '\n';
}

export const ADAPTER_SCHEMA_FILE = fileURLToPath(new URL('../../../adapter-schema.graphql', import.meta.url));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(ADAPTER_SCHEMA_FILE, printedAdapterSchema());
  console.log(`wrote ${ADAPTER_SCHEMA_FILE}`);
}
