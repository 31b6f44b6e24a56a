import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { thinDependencyMappings } from '../build/source-map-thinning.js';

/* The compiled commands' source maps keep every mapping of our own code and one per original line in dependencies. */

const dir = mkdtempSync(join(tmpdir(), 'cloud-cloud-source-map-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A bundle of one own module and one dependency: several statements on a line, one call over several lines. */
async function bundle(): Promise<{ code: string; map: string }> {
  mkdirSync(join(dir, 'node_modules/dimmer'), { recursive: true });
  writeFileSync(
    join(dir, 'node_modules/dimmer/index.js'),
    'export function dim(level) { const a = level * 2; const b = a + 1; return [a, b].map((x) => x / 3).join(","); }\n' +
      'export function brighten(level) {\n  if (level > 9) throw new Error("too bright: " + level);\n  return dim(\n    level +\n      1,\n  );\n}\n',
  );
  writeFileSync(
    join(dir, 'room.ts'),
    'import { brighten, dim } from "dimmer";\n' +
      'export function show(level: number): string { const shown = dim(level); return shown + brighten(level); }\n' +
      'export const rooms = [1, 2, 3].map((room) => show(room)).filter((text) => text.length > 0);\n',
  );
  const result = await build({
    absWorkingDir: dir,
    entryPoints: ['room.ts'],
    outfile: join(dir, 'out.js'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    sourcemap: 'external',
    sourcesContent: false,
    write: false,
  });
  const file = (suffix: string) => result.outputFiles.find((output) => output.path.endsWith(suffix))?.text ?? '';
  return { code: file('out.js'), map: file('out.js.map') };
}

describe('thinDependencyMappings', () => {
  it('keeps every mapping into our sources, and the file and line of every position in a dependency', async () => {
    const { code, map } = await bundle();
    const thinned = thinDependencyMappings(map);
    const full = new SourceMap(JSON.parse(map) as SourceMapPayload);
    const thin = new SourceMap(JSON.parse(thinned) as SourceMapPayload);
    expect(thinned.length).toBeLessThan(map.length);

    let own = 0;
    let dependency = 0;
    code.split('\n').forEach((text, line) => {
      for (let column = 0; column < text.length; column += 1) {
        const exact = full.findEntry(line, column);
        const found = thin.findEntry(line, column);
        if (!('originalSource' in exact)) continue;
        if (exact.originalSource.includes('node_modules/')) {
          dependency += 1;
          expect(found).toMatchObject({ originalSource: exact.originalSource, originalLine: exact.originalLine });
        } else {
          own += 1;
          expect(found).toEqual(exact);
        }
      }
    });
    expect(own).toBeGreaterThan(50);
    expect(dependency).toBeGreaterThan(50);
  });

  it('drops mappings only in dependencies', async () => {
    const { map } = await bundle();
    const count = (text: string) => (JSON.parse(text) as { mappings: string }).mappings.split(/[;,]/).filter(Boolean).length;
    const thinned = thinDependencyMappings(map);
    expect(count(thinned)).toBeLessThan(count(map));
    const ownOnly = JSON.stringify({
      ...JSON.parse(map),
      sources: (JSON.parse(map) as { sources: string[] }).sources.map((s) => s.replace('node_modules/', 'vendor/')),
    });
    expect(count(thinDependencyMappings(ownOnly))).toBe(count(map));
  });

  it('names what is wrong in a broken map', () => {
    expect(() => thinDependencyMappings(JSON.stringify({ version: 3, sources: ['a.ts'], names: [], mappings: 'AA!A' }))).toThrow(
      /"!" is not a base64 digit/,
    );
  });
});
