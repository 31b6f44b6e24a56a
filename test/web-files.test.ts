import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureWebBytes } from '../bench/web-bytes.js';
import { killCommands, REPO_ROOT, runNpmScript } from './support/command.js';

/* The web UI's and GraphiQL's files on the wire, from the compiled server as `npm start` runs it. */

const LISTENING = /^cloud-cloud listening http=(\d+) device=(\d+)$/m;
const UI_ASSETS = join(REPO_ROOT, 'ui/dist/assets');
const GRAPHIQL = join(REPO_ROOT, 'dist/graphiql');
const FOR_GOOD = 'public, max-age=31536000, immutable';

let base = '';
let dataDir = '';

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'cloud-cloud-web-files-'));
  const started = runNpmScript('start', { CC_HOST: '127.0.0.1', CC_HTTP_PORT: '0', CC_DEVICE_PORT: '0', CC_DATA_DIR: dataDir });
  const [, http] = await started.waitForOutput(LISTENING, 60_000);
  base = `http://127.0.0.1:${http}`;
}, 70_000);

afterAll(() => {
  killCommands();
  rmSync(dataDir, { recursive: true, force: true });
});

const fileIn = (directory: string, pattern: RegExp) => {
  const name = readdirSync(directory).find((file) => pattern.test(file));
  if (!name) throw new Error(`no file matching ${pattern} in ${directory}: run \`npm run build\``);
  return name;
};

/** The bytes as sent (fetch would decompress them and hide the encoding). */
function get(
  path: string,
  acceptEncoding: string | null,
  accept = '*/*',
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  const headers: Record<string, string> = { accept };
  if (acceptEncoding !== null) headers['accept-encoding'] = acceptEncoding;
  return new Promise((resolve, reject) => {
    request(`${base}${path}`, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

describe.each([
  {
    what: "the web UI's script",
    path: () => `/assets/${fileIn(UI_ASSETS, /^index-.*\.js$/)}`,
    file: () => join(UI_ASSETS, fileIn(UI_ASSETS, /^index-.*\.js$/)),
  },
  {
    what: "GraphiQL's script",
    path: () => `/graphiql/${fileIn(GRAPHIQL, /^graphiql-.*\.js$/)}`,
    file: () => join(GRAPHIQL, fileIn(GRAPHIQL, /^graphiql-.*\.js$/)),
  },
  {
    what: "GraphiQL's GraphQL editor worker",
    path: () => `/graphiql/${fileIn(GRAPHIQL, /^graphql-worker-.*\.js$/)}`,
    file: () => join(GRAPHIQL, fileIn(GRAPHIQL, /^graphql-worker-.*\.js$/)),
  },
  {
    what: "GraphiQL's stylesheet",
    path: () => `/graphiql/${fileIn(GRAPHIQL, /^graphiql-.*\.css$/)}`,
    file: () => join(GRAPHIQL, fileIn(GRAPHIQL, /^graphiql-.*\.css$/)),
  },
])('$what', ({ path, file }) => {
  it('comes as brotli, gzip or as it is, by Accept-Encoding, cached for good', async () => {
    const original = readFileSync(file());
    const brotli = await get(path(), 'gzip, deflate, br');
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(brotli.body).equals(original)).toBe(true);
    expect(brotli.body.length).toBeLessThan(original.length / 2);

    const gzip = await get(path(), 'gzip');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body).equals(original)).toBe(true);

    const plain = await get(path(), null);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(original)).toBe(true);

    for (const { status, headers } of [brotli, gzip, plain]) {
      expect(status).toBe(200);
      expect(headers.vary).toBe('Accept-Encoding');
      expect(headers['cache-control']).toBe(FOR_GOOD);
    }
  });
});

describe('pages', () => {
  it("the web UI's page is compressed and asked for again each time", async () => {
    const { headers, body } = await get('/', 'br');
    expect(headers['content-encoding']).toBe('br');
    expect(headers['cache-control']).toBe('no-cache');
    expect(brotliDecompressSync(body).toString()).toContain('<div id="app"');
  });

  it("GraphiQL's page is small, compressed, asked for again each time, and loads nothing from elsewhere", async () => {
    const { headers, body } = await get('/graphql', 'gzip', 'text/html');
    expect(headers['content-encoding']).toBe('gzip');
    expect(headers['cache-control']).toBe('no-cache');
    const html = gunzipSync(body).toString();
    expect(html).toContain('cloud-cloud GraphiQL');
    expect(html.length).toBeLessThan(10_000);
    expect(html).toMatch(/<script src="\/graphiql\/graphiql-[\w-]+\.js">/);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    // The editor opens on the example operations, starting at the left margin.
    expect(html).toContain('"defaultQuery":"# Welcome to cloud-cloud.');
    expect(html).toContain('\\n\\nmutation Login {\\n  login(');
  });

  it("GraphiQL's first load, its editor workers and room for its fonts included, is 1.5 MB or less with brotli", async () => {
    const bytes = await measureWebBytes(base);
    // The page names its script, stylesheet, icon and the three workers it starts at once.
    expect(bytes.graphiqlFiles).toBe(6);
    expect(bytes.graphiqlWorkers.br).toBeGreaterThan(0);
    // The fonts the stylesheet names are fetched only as a page uses them: about 90 KB in
    // Chromium (the browser test counts them exactly).
    const fonts = 100_000;
    const total = bytes.graphiql.br + bytes.graphiqlWorkers.br + fonts;
    expect(total, JSON.stringify(bytes)).toBeLessThanOrEqual(1_500_000);
  });

  it('a GraphiQL file that does not exist is a 404, and the build manifest is not served', async () => {
    expect((await get('/graphiql/nothing-here.js', 'br')).status).toBe(404);
    expect((await get('/graphiql/.assets.json', 'br')).status).toBe(404);
  });
});
