import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchBrowser } from '../support/browser.js';
import { killCommands, runNpmScript } from '../support/command.js';

/* GraphiQL in Chromium, from the compiled server as `npm start` runs it: it loads from this server alone and runs a query. */

const LISTENING = /^cloud-cloud listening http=(\d+) device=(\d+)$/m;
const PASSWORD = 'graphiql test password';
const LIMIT_BYTES = 1_500_000;

/** How many bytes of body the server sends for `url` with these request headers. */
function bytesSent(url: string, acceptEncoding: string): Promise<number> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { headers: { 'accept-encoding': acceptEncoding } }, (response) => {
      let bytes = 0;
      response.on('data', (chunk: Buffer) => (bytes += chunk.length));
      response.on('end', () => resolve(bytes));
      response.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

describe.runIf(browserAvailable())('GraphiQL', () => {
  let browser: Browser;
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
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    killCommands();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("loads from this server alone, under 1.5 MB before the editors' workers, and runs a query", async () => {
    const context = await browser.newContext();
    // Logged in as a person would be after running the Login mutation.
    await context.request.post(`${base}/graphql`, { data: { query: `mutation { login(password: "${PASSWORD}") { expiresAt } }` } });
    const page = await context.newPage();
    page.on('pageerror', (error) => {
      throw error;
    });
    const files = new Set<string>();
    const elsewhere: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).origin !== base) elsewhere.push(request.url());
      else if (request.method() === 'GET') files.add(request.url());
    });

    const opened = await page.goto(`${base}/graphql?query=${encodeURIComponent('{ displayState { frame } }')}`);
    // What this browser accepts (br and gzip today); it asks the same for every file.
    const acceptEncoding = (await opened!.request().allHeaders())['accept-encoding'] ?? '';
    await page.getByRole('button', { name: /execute query/i }).click();
    await page.locator('.graphiql-response').getByText('"[cc:0:?:?]"').waitFor();

    expect(elsewhere).toEqual([]);
    const scripts = [...files.keys()].filter((url) => url.endsWith('.js'));
    // GraphiQL itself and Monaco's three editor workers, each a file of its own.
    expect(scripts.length).toBe(4);
    let total = 0;
    const sizes: string[] = [];
    for (const url of files) {
      const bytes = await bytesSent(url, acceptEncoding);
      sizes.push(`${bytes} ${url}`);
      if (!/-worker-/.test(url)) total += bytes;
    }
    // The page, its script, stylesheet, fonts and icon, as the browser received them. (The
    // editors' workers come on top: about 0.4 MB more, also cached for good after.)
    expect(total, `${total} bytes:\n${sizes.join('\n')}`).toBeLessThan(LIMIT_BYTES);
    await context.close();
  });
});
