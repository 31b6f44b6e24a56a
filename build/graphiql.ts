import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { renderGraphiQLPage, type GraphiQLAssets } from '@cloud-cloud/api/http/graphiql-page';
import { build, transform } from 'esbuild';
import { trimGraphiQLScript } from './graphiql-script.js';
import { precompress, precompressFile } from './precompress.js';

const require = createRequire(import.meta.url);
const PACKAGE = '@graphql-yoga/render-graphiql';
// A dot file: the server does not serve it.
const MANIFEST = '.assets.json';
/** Bumped when what this build does to the package's parts changes, so kept files are redone. */
const RECIPE = 4;
/** What the parts run in: browsers of the last few years (class fields, optional chaining). */
const TARGET = 'es2022';

/** The parts of GraphiQL the package ships as strings, meant to be inlined into one page. */
interface GraphiQLParts {
  js: string;
  css: string;
  editorWorkerService: string;
  jsonWorker: string;
  graphqlWorker: string;
}

/** A name that changes with the content, so the file can be cached for good. */
function hashedName(stem: string, extension: string, content: string | Buffer): string {
  return `${stem}-${createHash('sha256').update(content).digest('base64url').slice(0, 10)}.${extension}`;
}

const FONT_EXTENSIONS: Record<string, string> = {
  'font/woff2': 'woff2',
  'font/woff': 'woff',
  'font/ttf': 'ttf',
  'image/png': 'png',
  'image/svg+xml': 'svg',
};

/**
 * Moves the fonts and images inlined in GraphiQL's stylesheet into files of their own: the
 * browser then fetches only the fonts a page uses (one of seven unicode ranges, not all of them).
 */
function extractInlined(css: string, write: (name: string, content: Buffer) => void): string {
  return css.replace(/url\(data:([a-z0-9+/-]+);base64,([A-Za-z0-9+/=]+)\)/g, (whole, mime: string, data: string) => {
    const extension = FONT_EXTENSIONS[mime];
    if (!extension) return whole;
    const content = Buffer.from(data, 'base64');
    const name = hashedName('inlined', extension, content);
    write(name, content);
    return `url(${name})`;
  });
}

/** Our JSON layout for GraphiQL's editors as one expression, the function itself. */
async function jsoncFormatter(): Promise<string> {
  const { outputFiles } = await build({
    entryPoints: [new URL('jsonc-format.ts', import.meta.url).pathname],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: 'jsonc',
    minify: true,
    target: TARGET,
    legalComments: 'none',
  });
  const module = /var jsonc=(.+);$/s.exec(outputFiles[0]!.text.trim())?.[1];
  if (!module) throw new Error('build: esbuild wrote the JSON layout in an unexpected shape');
  return `${module}.formatJsonc`;
}

/**
 * The editor workers ship unminified (a quarter of GraphiQL's bytes on the wire): minified
 * they keep their behaviour at about half the size.
 */
async function minified(script: string): Promise<string> {
  return (await transform(script, { minify: true, target: TARGET, legalComments: 'none' })).code;
}

/**
 * Writes GraphiQL's page and its separate, hashed and precompressed files into `directory`.
 * The files depend only on the package's version, so an unchanged version keeps them and
 * only the page is rewritten.
 */
export async function buildGraphiQL(directory: string, icon: string): Promise<void> {
  const version = (require(`${PACKAGE}/package.json`) as { version: string }).version;
  const manifestFile = join(directory, MANIFEST);
  let assets: GraphiQLAssets | undefined;
  if (existsSync(manifestFile)) {
    const kept = JSON.parse(readFileSync(manifestFile, 'utf8')) as { version: string; recipe?: number; assets: GraphiQLAssets };
    if (kept.version === version && kept.recipe === RECIPE) assets = kept.assets;
  }
  if (!assets) {
    rmSync(directory, { recursive: true, force: true });
    mkdirSync(directory, { recursive: true });
    const parts = (await import(`${PACKAGE}/graphiql`)) as GraphiQLParts;
    const write = (name: string, content: string | Buffer) => writeFileSync(join(directory, name), content);
    const file = (stem: string, extension: string, content: string | Buffer) => {
      const name = hashedName(stem, extension, content);
      write(name, content);
      return name;
    };
    const iconContent = readFileSync(icon);
    const script = trimGraphiQLScript(parts.js, await jsoncFormatter());
    if (script.skipped) process.stderr.write(`build: GraphiQL's script kept whole (${script.skipped})\n`);
    const [editorWorker, jsonWorker, graphqlWorker] = await Promise.all(
      [parts.editorWorkerService, parts.jsonWorker, parts.graphqlWorker].map(minified),
    );
    assets = {
      script: file('graphiql', 'js', script.script),
      stylesheet: file('graphiql', 'css', extractInlined(parts.css, write)),
      icon: file('icon', 'svg', iconContent),
      workers: {
        editorWorkerService: file('editor-worker', 'js', editorWorker!),
        json: file('json-worker', 'js', jsonWorker!),
        graphql: file('graphql-worker', 'js', graphqlWorker!),
      },
    };
    precompress(directory);
    writeFileSync(manifestFile, `${JSON.stringify({ version, recipe: RECIPE, assets }, null, 2)}\n`);
  }
  const page = join(directory, 'index.html');
  writeFileSync(page, renderGraphiQLPage(assets));
  precompressFile(page);
}
