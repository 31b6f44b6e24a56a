import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { REPO_ROOT } from '../support/command.js';
import { ADMIN_PASSWORD } from '../support/system.js';

/** What the browser tests share: the built UI, where screenshots go, and a phone to hold. */
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
