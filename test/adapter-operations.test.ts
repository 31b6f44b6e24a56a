import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildSchema, Kind, validate, type DocumentNode } from 'graphql';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { ADAPTER_SCHEMA_FILE, printedAdapterSchema } from '@cloud-cloud/api/adapter-schema/print';
import * as adapterOperations from '@cloud-cloud/device-adapter/api-operations';

/*
 * The adapter types its operations from adapter-schema.graphql (through the introspection in
 * contract/src/adapter-graphql-env.d.ts), so a change to the adapter schema that breaks the
 * adapter has to fail here or in the typecheck, not on a running system.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const INTROSPECTION_FILE = join(ROOT, 'contract/src/adapter-graphql-env.d.ts');
const GQL_TADA = join(ROOT, 'node_modules/.bin/gql.tada');

const workDir = mkdtempSync(join(tmpdir(), 'cloud-cloud-adapter-operations-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const documents = Object.entries(adapterOperations).filter((entry): entry is [string, DocumentNode] => {
  const value = entry[1];
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === Kind.DOCUMENT;
});

function validationErrors(schemaText: string): string[] {
  const schema = buildSchema(schemaText);
  return documents.flatMap(([name, document]) => validate(schema, document).map((error) => `${name}: ${error.message}`));
}

/** adapter-schema.graphql with `RoomFrame.frame` renamed, as a server change could do. */
function schemaWithFrameRenamed(): string {
  const schema = readFileSync(ADAPTER_SCHEMA_FILE, 'utf8');
  const renamed = schema.replace(/(type RoomFrame \{[^}]*?)\bframe:/, '$1packet:');
  expect(renamed).not.toBe(schema);
  return renamed;
}

/** Generates the adapter introspection the way `npm run schema:print` does (multi-schema), from the given schema text. */
async function generateIntrospection(schemaText: string, name: string): Promise<string> {
  const dir = mkdtempSync(join(workDir, `${name}-`));
  writeFileSync(join(dir, 'public.graphql'), readFileSync(join(ROOT, 'schema.graphql'), 'utf8'));
  writeFileSync(join(dir, 'adapter.graphql'), schemaText);
  const schemas = [
    { name: 'public', schema: './public.graphql', tadaOutputLocation: './public-env.d.ts' },
    { name: 'adapter', schema: './adapter.graphql', tadaOutputLocation: './adapter-env.d.ts' },
  ];
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { plugins: [{ name: 'gql.tada/ts-plugin', schemas }] } }));
  await promisify(execFile)(GQL_TADA, ['generate', 'output', '--tsconfig', join(dir, 'tsconfig.json')], { cwd: dir });
  return readFileSync(join(dir, 'adapter-env.d.ts'), 'utf8');
}

/** Type errors in `file` (and what it imports) when the adapter introspection reads `introspection`. */
function typeErrors(file: string, introspection: string): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, 'tsconfig.json'),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  );
  if (!config) throw new Error('tsconfig.json did not parse');
  const host = ts.createCompilerHost(config.options);
  const readFile = host.readFile.bind(host);
  host.readFile = (path) => (resolve(path) === INTROSPECTION_FILE ? introspection : readFile(path));
  const program = ts.createProgram({ rootNames: [file], options: config.options, host });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

it('adapter-schema.graphql is the printed adapter schema (run `npm run schema:print` after changing it)', () => {
  expect(readFileSync(ADAPTER_SCHEMA_FILE, 'utf8')).toBe(printedAdapterSchema());
});

it('contract/src/adapter-graphql-env.d.ts is generated from adapter-schema.graphql (run `npm run schema:print`)', async () => {
  expect(await generateIntrospection(readFileSync(ADAPTER_SCHEMA_FILE, 'utf8'), 'current')).toBe(readFileSync(INTROSPECTION_FILE, 'utf8'));
});

describe("the adapter's operations", () => {
  it('are all valid against adapter-schema.graphql', () => {
    expect(documents.length).toBeGreaterThan(0);
    expect(validationErrors(readFileSync(ADAPTER_SCHEMA_FILE, 'utf8'))).toEqual([]);
  });

  it('are not valid against the public schema.graphql, which has none of them', () => {
    const errors = validationErrors(readFileSync(join(ROOT, 'schema.graphql'), 'utf8'));
    for (const [name] of documents) {
      expect(errors.some((error) => error.startsWith(`${name}: `) && /Cannot query field|Unknown type/.test(error))).toBe(true);
    }
  });

  it('stop validating when a field they select is renamed in the adapter schema', () => {
    expect(validationErrors(schemaWithFrameRenamed())).toContainEqual(
      expect.stringContaining('Cannot query field "frame" on type "RoomFrame"'),
    );
  });
});

describe('the adapter typecheck', () => {
  const adapter = join(ROOT, 'device-adapter/src/adapter.ts');

  it('passes against the committed introspection', () => {
    expect(typeErrors(adapter, readFileSync(INTROSPECTION_FILE, 'utf8'))).toEqual([]);
  });

  it('fails when the field it reads is renamed in the adapter schema', async () => {
    const errors = typeErrors(adapter, await generateIntrospection(schemaWithFrameRenamed(), 'renamed'));
    // The frame it hands the room index is no longer a string.
    expect(errors).toContainEqual(expect.stringContaining("of type 'unknown' is not assignable to parameter of type 'string'"));
  });
});
