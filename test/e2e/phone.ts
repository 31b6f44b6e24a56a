import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser } from '../support/browser.js';
import { REPO_ROOT } from '../support/command.js';
import { ADMIN_PASSWORD, startSystem, temporaryDataDir, type RunningSystem, type SystemStartOptions } from '../support/system.js';

/** What the browser tests share: the built UI, where screenshots go, a phone to hold, a system to run. */
export const UI_DIST = join(REPO_ROOT, 'ui/dist');
export const SCREENSHOTS = join(REPO_ROOT, 'screenshots');
export const PHONE = { width: 360, height: 740 };

export function requireBuiltUi(): void {
  if (!existsSync(join(UI_DIST, 'index.html'))) throw new Error('ui/dist is missing: run `npm run build`');
  mkdirSync(SCREENSHOTS, { recursive: true });
}

/** A phone-sized page; an uncaught error in the page fails the test. */
export async function openPhone(
  browser: Browser,
  colorScheme: 'light' | 'dark' = 'light',
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: PHONE, colorScheme, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
  return { context, page };
}

/** Opens the UI and logs in with the admin password (or `password`). */
export async function logIn(page: Page, url: string, password = ADMIN_PASSWORD): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Admin password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('radiogroup', { name: 'Mode' }).waitFor();
}

export interface UiSystem {
  readonly browser: Browser;
  /** The system as it runs now (a new one after `restart`). */
  readonly running: RunningSystem;
  /** Stops the server, keeping its database, as a power cut or an update would. */
  stop(): Promise<void>;
  /** Starts it again on the same ports and database. */
  start(): Promise<void>;
}

/**
 * For one file of browser tests: the whole system serving the built UI, on a database of its
 * own, and a browser; started before the file's tests and stopped after them.
 */
export function useUiSystem(options: () => Omit<SystemStartOptions, 'databaseFile' | 'uiDirectory'> = () => ({})): UiSystem {
  let browser: Browser | undefined;
  let running: RunningSystem | undefined;
  let data: ReturnType<typeof temporaryDataDir> | undefined;
  let ports = { httpPort: 0, devicePort: 0 };
  const start = async () => {
    running = await startSystem({ ...options(), ...ports, databaseFile: data!.databaseFile, uiDirectory: UI_DIST });
  };
  beforeAll(async () => {
    requireBuiltUi();
    data = temporaryDataDir();
    await start();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    // Already stopped when a test failed while the server was away.
    await running?.stop({ keepData: true }).catch(() => undefined);
    data?.remove();
  });
  return {
    get browser() {
      return browser!;
    },
    get running() {
      return running!;
    },
    stop: async () => {
      ports = { httpPort: running!.http, devicePort: running!.device };
      await running!.stop({ keepData: true });
    },
    start,
  };
}
