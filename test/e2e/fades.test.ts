import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { browserAvailable } from '../support/browser.js';
import { graphqlData } from '../support/graphql.js';
import { logIn, openPhone, SCREENSHOTS, useUiSystem } from './phone.js';

/*
 * A room's running fade, wake-up light or sleep timer in the web UI: every phone shows the same
 * words under the preview, read from the display state, and they go when the room is changed.
 */

describe.runIf(browserAvailable())('transitions in the web UI', () => {
  const ui = useUiSystem();
  const url = () => `http://127.0.0.1:${ui.running.http}/`;
  const mutate = (query: string) => graphqlData(ui.running.http, `mutation { ${query} { mode } }`);

  it('shows a fade, a wake-up light and a sleep timer on every phone, and nothing once the room is changed', async () => {
    await mutate('setColor(color: { hex: "#000080" })');
    const phones = [await openPhone(ui.browser), await openPhone(ui.browser, 'dark')];
    for (const { page } of phones) await logIn(page, url());
    const status = (index: number) => phones[index]!.page.locator('p.transition');

    await mutate('setColor(color: { hex: "#ff8800" }, transitionSeconds: 600)');
    for (const index of [0, 1])
      await expect.poll(() => status(index).textContent(), { timeout: 5000 }).toMatch(/Fading to #ff8800 · 10 min left/);
    await phones[0]!.page.screenshot({ path: join(SCREENSHOTS, 'home-fading-light.png') });

    await mutate('startWakeUpLight(durationMinutes: 30)');
    for (const index of [0, 1])
      await expect.poll(() => status(index).textContent(), { timeout: 5000 }).toMatch(/Wake-up light until \d{1,2}:\d{2}/);

    await mutate('setColor(color: { hex: "#00ff00" })');
    for (const index of [0, 1]) await expect.poll(() => status(index).count(), { timeout: 5000 }).toBe(0);

    await mutate('startSleepTimer(durationMinutes: 45)');
    for (const index of [0, 1]) {
      await expect.poll(() => status(index).textContent(), { timeout: 5000 }).toMatch(/Sleep timer · off at \d{1,2}:\d{2}/);
    }
    await phones[1]!.page.screenshot({ path: join(SCREENSHOTS, 'home-sleep-timer-dark.png') });

    await mutate('setMode(mode: OFF)');
    for (const index of [0, 1]) await expect.poll(() => status(index).count(), { timeout: 5000 }).toBe(0);
    for (const { context } of phones) await context.close();
  });
});
