import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { printedSchema, SCHEMA_FILE } from '@cloud-cloud/api/schema/print';

it('schema.graphql is the printed Pothos schema (run `npm run schema:print` after changing the schema)', () => {
  expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(printedSchema());
});
