/**
 * The build behind `npm install` and `npm run build` (after the web UI's `vite build`):
 *   node --import tsx build/build.ts [--server-only]
 * compiles the commands to dist/server/, writes GraphiQL's page and files to dist/graphiql/,
 * and precompresses the web UI in ui/dist/. With --server-only just the first (what
 * `npm start` runs when a source changed since the last build).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildGraphiQL } from './graphiql.js';
import { precompress } from './precompress.js';
import { buildServer } from './server.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { 'server-only': { type: 'boolean' } }, strict: true });
const say = (line: string) => process.stderr.write(`build: ${line}\n`);

let started = performance.now();
await buildServer(ROOT, join(ROOT, 'dist/server'));
say(`compiled the commands to dist/server/ in ${Math.round(performance.now() - started)} ms`);
if (!values['server-only']) {
  started = performance.now();
  await buildGraphiQL(join(ROOT, 'dist/graphiql'), join(ROOT, 'ui/public/icon.svg'));
  say(`GraphiQL's page and files in dist/graphiql/ (${Math.round(performance.now() - started)} ms)`);
  const ui = join(ROOT, 'ui/dist');
  if (existsSync(ui)) say(`precompressed ${precompress(ui)} files of the web UI in ui/dist/`);
  else say('no web UI build in ui/dist/ to precompress');
}
