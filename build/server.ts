import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { thinDependencyMappings } from './source-map-thinning.js';

/** The commands, by the name of their compiled file. */
export const COMMANDS = { main: 'cli/src/main.ts', 'adapter-main': 'cli/src/adapter-main.ts' };
/** The sources each compiled command was built from, for the freshness check in run.mjs. */
export const SOURCES_FILE = 'sources.json';

/**
 * What stays an import Node resolves from node_modules at run time: better-sqlite3 finds its
 * native module next to its own files, pino-pretty is loaded only for a terminal (logger.ts),
 * and ws's optional native helpers may be missing.
 */
const OUTSIDE = ['better-sqlite3', 'pino-pretty', 'bufferutil', 'utf-8-validate'];

/**
 * Compiles each command with everything it imports into one JavaScript file under
 * `outDirectory`: Node then reads one file instead of resolving and compiling about 1,200
 * modules at each start. Source maps let `node --enable-source-maps` report the TypeScript
 * files and lines in stack traces; their dependency part is thinned to save memory
 * (source-map-thinning.ts).
 */
export async function buildServer(root: string, outDirectory: string): Promise<void> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: COMMANDS,
    outdir: outDirectory,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: OUTSIDE,
    // CommonJS dependencies inside an ES module still need `require` for Node's own modules.
    banner: {
      js: "import { createRequire as createRequireOfBundle } from 'node:module';\nconst require = createRequireOfBundle(import.meta.url);",
    },
    // Stack traces need only the mapping; the sources are in the tree next to it.
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    logLevel: 'warning',
    write: false,
  });
  // Each file is written aside and renamed into place: a command starting meanwhile reads
  // either the old file or the new one, never half of one.
  mkdirSync(outDirectory, { recursive: true });
  for (const file of result.outputFiles) {
    writeFileSync(`${file.path}.${process.pid}`, file.path.endsWith('.map') ? thinDependencyMappings(file.text) : file.contents);
    renameSync(`${file.path}.${process.pid}`, file.path);
  }
  // Our own sources only: an upgraded dependency comes with `npm install`, which builds again.
  const sources = Object.keys(result.metafile.inputs)
    .filter((input) => !input.includes('node_modules/'))
    .map((input) => relative(root, join(root, input)));
  writeFileSync(join(outDirectory, `${SOURCES_FILE}.${process.pid}`), `${JSON.stringify(sources)}\n`);
  renameSync(join(outDirectory, `${SOURCES_FILE}.${process.pid}`), join(outDirectory, SOURCES_FILE));
}
