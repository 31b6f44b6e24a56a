// Runs a compiled command: `node --enable-source-maps build/run.mjs <main|adapter-main> [args]`.
// A source edited (or the command never built) since the last build is compiled first, so an
// edit always runs; a fresh build costs one stat per source file. Plain JavaScript: nothing
// here may need compiling itself.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const command = process.argv[2];
if (command !== 'main' && command !== 'adapter-main') {
  process.stderr.write('usage: node --enable-source-maps build/run.mjs <main|adapter-main> [arguments]\n');
  process.exit(2);
}
const compiled = `${root}dist/server/${command}.js`;

function stale() {
  let builtAt;
  let sources;
  try {
    builtAt = statSync(compiled).mtimeMs;
    sources = JSON.parse(readFileSync(`${root}dist/server/sources.json`, 'utf8'));
  } catch {
    return true;
  }
  return sources.some((source) => {
    try {
      return statSync(`${root}${source}`).mtimeMs > builtAt;
    } catch {
      return true; // a source gone since the build
    }
  });
}

if (stale()) {
  // Compiling needs tsx for the build script; stdout stays free for the command's own lines.
  execFileSync(process.execPath, ['--import', 'tsx', `${root}build/build.ts`, '--server-only'], { cwd: root, stdio: ['ignore', 2, 2] });
}
// The command reads its own arguments from process.argv.slice(2).
process.argv.splice(2, 1);
await import(pathToFileURL(compiled).href);
