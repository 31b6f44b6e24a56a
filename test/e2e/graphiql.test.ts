import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchBrowser } from '../support/browser.js';
import { killCommands, runNpmScript } from '../support/command.js';

/* GraphiQL in Chromium, from the compiled server as `npm start` runs it: it loads from this server alone and works offline. */

const LISTENING = /^cloud-cloud listening http=(\d+) device=(\d+)$/m;
const PASSWORD = 'graphiql test password';
const LIMIT_BYTES = 1_500_000;
const WORKERS = ['editor-worker', 'json-worker', 'graphql-worker'];

/** How many bytes of body the server sends for `url` with these request headers. */
function bytesSent(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { headers }, (response) => {
      let bytes = 0;
      response.on('data', (chunk: Buffer) => (bytes += chunk.length));
      response.on('end', () => resolve(bytes));
      response.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

/** What a Monaco editor shows, one line each (it renders spaces as no-break spaces). */
async function editorText(editor: Locator): Promise<string> {
  return (await editor.locator('.view-lines').innerText()).replace(/\u00a0/g, ' ');
}

describe.runIf(browserAvailable())('GraphiQL', () => {
  let browser: Browser;
  let context: BrowserContext;
  let base = '';
  let dataDir = '';

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cloud-cloud-graphiql-'));
    const started = runNpmScript('start', {
      CC_HOST: '127.0.0.1',
      CC_HTTP_PORT: '0',
      CC_DEVICE_PORT: '0',
      CC_DATA_DIR: dataDir,
      CC_ADMIN_PASSWORD: PASSWORD,
    });
    const [, http] = await started.waitForOutput(LISTENING, 60_000);
    base = `http://127.0.0.1:${http}`;
    browser = await launchBrowser();
    context = await browser.newContext();
    // Logged in as a person would be after running the Login mutation.
    await context.request.post(`${base}/graphql`, { data: { query: `mutation { login(password: "${PASSWORD}") { expiresAt } }` } });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    killCommands();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function open(): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (error) => {
      throw error;
    });
    return page;
  }

  it('loads from this server alone, 1.5 MB or less with its editor workers, and runs a query', async () => {
    const page = await open();
    const files = new Set<string>();
    const elsewhere: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).origin !== base) elsewhere.push(request.url());
      else if (request.method() === 'GET') files.add(request.url());
    });
    const workersStarted = WORKERS.map((worker) => page.waitForRequest((request) => request.url().includes(`/${worker}-`)));

    const opened = await page.goto(`${base}/graphql?query=${encodeURIComponent('{ displayState { frame } }')}`);
    // What this browser accepts (br and gzip today); it asks the same for every file.
    const { accept, 'accept-encoding': acceptEncoding } = await opened!.request().allHeaders();
    await page.getByRole('button', { name: /execute query/i }).click();
    await page.locator('.graphiql-response').getByText('"[cc:0:?:?]"').waitFor();
    await Promise.all(workersStarted);

    expect(elsewhere).toEqual([]);
    const scripts = [...files].filter((url) => url.endsWith('.js'));
    // GraphiQL itself and Monaco's three editor workers, each a file of its own.
    expect(scripts.length).toBe(4);
    let total = 0;
    const sizes: string[] = [];
    for (const url of files) {
      // The page is HTML only for a browser's Accept; the rest comes whatever is accepted.
      const headers = { accept: url === opened!.url() ? (accept ?? '') : '*/*', 'accept-encoding': acceptEncoding ?? '' };
      const bytes = await bytesSent(url, headers);
      sizes.push(`${bytes} ${url}`);
      total += bytes;
    }
    // Everything the first load fetched, as the browser received it: the page, GraphiQL's script,
    // stylesheet, fonts, icon and the editors' workers.
    expect(total, `${total} bytes:\n${sizes.join('\n')}`).toBeLessThanOrEqual(LIMIT_BYTES);
    await page.close();
  });

  it('completes and checks a query, takes variables, lays out the editors and shows the docs', async () => {
    const page = await open();
    await page.goto(`${base}/graphql`);
    const query = page.locator('.graphiql-query-editor .monaco-editor');
    await query.locator('.view-lines').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText('query Q($show: Boolean!) { displayState { nope fr');

    // Completion from the schema, and the unknown field marked: the GraphQL worker at work.
    await page.keyboard.press('Control+Space');
    await page.locator('.suggest-widget').getByText('frame', { exact: true }).waitFor();
    await query.locator('.squiggly-error').first().waitFor();
    await page.keyboard.press('Escape');

    await page.keyboard.press('Control+A');
    await page.keyboard.insertText('query Q($show: Boolean!) { displayState { frame @include(if: $show) mode } }');
    const variables = page.locator('.graphiql-editor-tool .monaco-editor').first();
    await variables.locator('.view-lines').click();
    await page.keyboard.insertText('{"show":false, // not the frame\n}');

    await page.getByRole('button', { name: /prettify query/i }).click();
    await expect.poll(() => editorText(variables)).toBe('{\n  "show": false // not the frame\n}');
    expect(await editorText(query)).toBe('query Q($show: Boolean!) {\n  displayState {\n    frame @include(if: $show)\n    mode\n  }\n}');

    // The variable reached the server: without it the query is an error, with `true` the frame shows.
    await page.getByRole('button', { name: /execute query/i }).click();
    const response = page.locator('.graphiql-response');
    await response.getByText('"mode"').waitFor();
    expect(await response.innerText()).not.toContain('"frame"');

    await page.getByRole('button', { name: /show documentation explorer/i }).click();
    const docs = page.locator('.graphiql-doc-explorer');
    await docs.getByText('Root Types').waitFor();
    await docs.getByRole('link', { name: 'Query', exact: true }).click();
    await docs.getByText('displayState').first().waitFor();
    await page.close();
  });
});
