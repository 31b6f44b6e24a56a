import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildSchema, Kind, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import * as uiOperations from '../ui/src/lib/operations.js';

/*
 * The UI types its operations from schema.graphql (through the introspection in
 * contract/src/graphql-env.d.ts), so a schema change that breaks it has to fail here or in the
 * typecheck, not in front of a user. (The adapter's operations, on the adapter schema, are
 * checked in adapter-operations.test.ts.)
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SCHEMA_FILE = join(ROOT, 'schema.graphql');
const INTROSPECTION_FILE = join(ROOT, 'contract/src/graphql-env.d.ts');
const GQL_TADA = join(ROOT, 'node_modules/.bin/gql.tada');

const workDir = mkdtempSync(join(tmpdir(), 'cloud-cloud-operations-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const clients = { ui: uiOperations };

function documentsOf(operations: Record<string, unknown>): [string, DocumentNode][] {
  return Object.entries(operations).filter((entry): entry is [string, DocumentNode] => {
    const value = entry[1];
    return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === Kind.DOCUMENT;
  });
}

function validationErrors(schema: GraphQLSchema, operations: Record<string, unknown>): string[] {
  return documentsOf(operations).flatMap(([name, document]) => validate(schema, document).map((error) => `${name}: ${error.message}`));
}

/** schema.graphql with `DisplayState.frame` renamed, as a server change could do. */
function schemaWithFrameRenamed(): string {
  const schema = readFileSync(SCHEMA_FILE, 'utf8');
  const renamed = schema.replace(/(type DisplayState \{[^}]*?)\bframe:/, '$1packet:');
  expect(renamed).not.toBe(schema);
  return renamed;
}

/** Generates the introspection the way `npm run schema:print` does, from the given schema text. */
async function generateIntrospection(schemaText: string, name: string): Promise<string> {
  const dir = mkdtempSync(join(workDir, `${name}-`));
  writeFileSync(join(dir, 'schema.graphql'), schemaText);
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        plugins: [
          {
            name: 'gql.tada/ts-plugin',
            schemas: [{ name: 'public', schema: './schema.graphql', tadaOutputLocation: './graphql-env.d.ts' }],
          },
        ],
      },
    }),
  );
  await promisify(execFile)(GQL_TADA, ['generate', 'output', '--tsconfig', join(dir, 'tsconfig.json')], { cwd: dir });
  return readFileSync(join(dir, 'graphql-env.d.ts'), 'utf8');
}

it('contract/src/graphql-env.d.ts is generated from schema.graphql (run `npm run schema:print`)', async () => {
  expect(await generateIntrospection(readFileSync(SCHEMA_FILE, 'utf8'), 'current')).toBe(readFileSync(INTROSPECTION_FILE, 'utf8'));
});

describe.each(Object.entries(clients))('the %s operations', (_client, operations) => {
  it('are all valid against schema.graphql', () => {
    expect(documentsOf(operations).length).toBeGreaterThan(0);
    expect(validationErrors(buildSchema(readFileSync(SCHEMA_FILE, 'utf8')), operations)).toEqual([]);
  });

  it('stop validating when a field they select is renamed in the schema', () => {
    const errors = validationErrors(buildSchema(schemaWithFrameRenamed()), operations);
    expect(errors.some((error) => error.includes('Cannot query field "frame" on type "DisplayState"'))).toBe(true);
  });
});
