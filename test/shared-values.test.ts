import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { ApiErrorCode } from '@cloud-cloud/contract/api-errors';

/*
 * Values the API and its clients must agree on are written once (in contract/ or protocol/)
 * and imported everywhere else: a second copy is how two sides drift apart unnoticed.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_DIRS = ['protocol/src', 'contract/src', 'api/src', 'device-adapter/src', 'cli/src', 'ui/src'];

const VALUES = [
  { what: 'the CSRF header name', written: /x-graphql-yoga-csrf/i, home: 'contract/src/http.ts' },
  { what: 'the GraphQL path', written: /['"`]\/graphql['"`]/, home: 'contract/src/http.ts' },
  {
    what: 'an API error code',
    written: new RegExp(`['"](${Object.values(ApiErrorCode).join('|')})['"]`),
    home: 'contract/src/api-errors.ts',
  },
  { what: 'the hex colour notation', written: /0-9a-f\]\{6\}/i, home: 'protocol/src/color.ts' },
  { what: 'an adapter or lamp id rule', written: /A-Za-z0-9\._:-|A-Za-z0-9_-\]\{22/, home: 'contract/src/ids.ts' },
  // Lamp close codes live in protocol/src/close-codes.ts, the API link's in graphql-ws's CloseCode.
  { what: 'a WebSocket close code as a bare number', written: /(===?\s*|\.close\(\s*)4\d{3}\b/, home: 'protocol/src/close-codes.ts' },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|svelte)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

it('writes each shared value in one place only', () => {
  const copies: string[] = [];
  for (const file of SOURCE_DIRS.flatMap(sourceFiles)) {
    const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
    for (const { what, written, home } of VALUES) {
      if (file === home) continue;
      lines.forEach((line, index) => {
        if (written.test(line)) copies.push(`${file}:${index + 1} writes ${what} again (import it from ${home})`);
      });
    }
  }
  expect(copies).toEqual([]);
});
