import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable } from '../support/browser.js';
import { graphqlData } from '../support/graphql.js';
import { esp32Image } from '../support/firmware-images.js';
import { TestLamp } from '../support/lamp.js';
import { esp32UpdateHeaders, updateCheck } from '../support/update-client.js';
import { ADMIN_PASSWORD, DEVICE_SECRET } from '../support/system.js';
import { openPhone, PHONE, SCREENSHOTS, useUiSystem } from './phone.js';

/*
 * The web UI in a real browser (Debian's Chromium) against the real server, with raw
 * WebSocket lamps: what a person does on a phone, and what the lamp then receives.
 */

const runBrowserTests = browserAvailable();

describe.runIf(runBrowserTests)('web UI', () => {
  const ui = useUiSystem();

  const url = () => `http://127.0.0.1:${ui.running.http}/`;

  const phone = (colorScheme: 'light' | 'dark' = 'light'): Promise<{ context: BrowserContext; page: Page }> =>
    openPhone(ui.browser, colorScheme);

  async function loggedIn(colorScheme: 'light' | 'dark' = 'light') {
    const opened = await phone(colorScheme);
    await opened.page.goto(url());
    await opened.page.getByLabel('Admin password').fill(ADMIN_PASSWORD);
    await opened.page.getByRole('button', { name: 'Log in' }).click();
    await opened.page.getByRole('radiogroup', { name: 'Mode' }).waitFor();
    return opened;
  }

  const caption = (page: Page) => page.locator('figcaption');

  it('asks for the password, says when it is wrong, and stays logged in on that phone', async () => {
    const { context, page } = await phone();
    await page.goto(url());
    const password = page.getByLabel('Admin password');
    await password.fill('not it');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('wrong password');
    await password.fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await caption(page)
      .filter({ hasText: /Off|Manual|Weather/ })
      .waitFor();
    // A page opened later in the same browser shows the lamp straight away: the session holds.
    const reopened = await context.newPage();
    await reopened.goto(url());
    await caption(reopened)
      .filter({ hasText: /Off|Manual|Weather/ })
      .waitFor();
    expect(await reopened.getByLabel('Admin password').count()).toBe(0);

    await reopened.getByRole('button', { name: 'Log out' }).click();
    await reopened.getByLabel('Admin password').waitFor();
    await context.close();
  });

  it('switches modes with one tap, and a lamp follows', async () => {
    const { context, page } = await loggedIn();
    const { lamp } = await TestLamp.handshake(ui.running.device, DEVICE_SECRET);
    await page.getByRole('radio', { name: 'Weather' }).click();
    await lamp.waitFor('[cc:1:3:9]');
    await expect.poll(() => caption(page).textContent()).toBe('Weather · Clear sky · intensity 9');
    await page.getByRole('radio', { name: 'Off' }).click();
    await lamp.waitFor('[cc:0:?:?]');
    await page.getByRole('radio', { name: 'Manual' }).click();
    await lamp.waitFor((frame) => frame.startsWith('[cc:2:'));
    expect(await page.getByRole('radio', { name: 'Manual' }).getAttribute('aria-checked')).toBe('true');
    lamp.close();
    await context.close();
  });

  it('picks a colour: a swatch, a drag across the colour area, the hex field; the lamp gets each', async () => {
    const { context, page } = await loggedIn();
    const { lamp } = await TestLamp.handshake(ui.running.device, DEVICE_SECRET);
    await page.getByRole('radio', { name: 'Manual' }).click();

    await page.getByRole('button', { name: 'Pink' }).click();
    await lamp.waitFor((frame) => frame.startsWith('[cc:2:255,65,174:'));
    await expect.poll(() => page.getByLabel('Hex').inputValue()).toBe('#ff41ae');
    expect(await page.getByRole('button', { name: 'Pink' }).getAttribute('aria-pressed')).toBe('true');

    // A finger dragging across the area for about half a second.
    const sentBeforeDrag = lamp.received.length;
    const area = await page.getByRole('slider', { name: 'Hue and saturation' }).boundingBox();
    const y = area!.y + area!.height * 0.2;
    const moves = 40;
    await page.mouse.move(area!.x + 5, y);
    await page.mouse.down();
    for (let step = 1; step <= moves; step++) {
      await page.mouse.move(area!.x + 5 + ((area!.width - 10) * step) / moves, y);
      await page.waitForTimeout(12);
    }
    await page.mouse.up();
    const shownHex = await page.getByLabel('Hex').inputValue();
    const expected = `[cc:2:${[1, 3, 5].map((i) => parseInt(shownHex.slice(i, i + 2), 16)).join(',')}:`;
    await lamp.waitFor((frame) => frame.startsWith(expected));

    // A marker: the hex field's colour must be the very next packet, so nothing of the drag
    // arrives late; the pacing itself is proven on simulated time in the steady sender's tests.
    await page.getByLabel('Hex').fill('#102030');
    await page.getByLabel('Hex').press('Enter');
    const marker = '[cc:2:16,32,48:';
    expect(await lamp.next()).toMatch(new RegExp(`^\\${marker}`));
    const dragFrames = lamp.received.slice(sentBeforeDrag, -1).filter((frame) => frame.startsWith('[cc:2:'));
    // The lamp ends on what the page shows, with at most one packet per pointer event (the
    // press picks the colour under the finger, then each move).
    expect(dragFrames.at(-1)).toMatch(new RegExp(`^\\${expected.slice(0, -1)}:`));
    expect(dragFrames.length).toBeLessThanOrEqual(moves + 1);

    await page.getByLabel('Hex').fill('#zzz');
    await page.getByLabel('Hex').press('Enter');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('#ff8800');

    // Keyboard: the area moves with arrow keys.
    await page.getByRole('slider', { name: 'Hue and saturation' }).focus();
    await page.keyboard.press('ArrowRight');
    await lamp.waitFor((frame) => frame.startsWith('[cc:2:') && !frame.startsWith('[cc:2:16,32,48:'));

    await page.getByLabel('Pulsing').fill('4');
    await lamp.waitFor((frame) => frame.endsWith(':4]'));
    lamp.close();
    await context.close();
  });

  it('shows every change made elsewhere at once, without a reload', async () => {
    const first = await loggedIn();
    const second = await loggedIn('dark');
    await first.page.getByRole('radio', { name: 'Manual' }).click();
    await first.page.getByRole('button', { name: 'Cyan' }).click();
    await expect.poll(() => caption(second.page).textContent()).toBe('Manual · #00c8ff · pulse 4');
    await graphqlData(ui.running.http, 'mutation { setMode(mode: OFF) { frame } }');
    await expect.poll(() => caption(first.page).textContent()).toBe('Off');
    await expect.poll(() => caption(second.page).textContent()).toBe('Off');
    await first.context.close();
    await second.context.close();
  });

  it('shows a banner when the server goes away, and the true state when it is back', async () => {
    const { context, page } = await loggedIn();
    await graphqlData(ui.running.http, 'mutation { setColor(color: { hex: "#336699" }) { frame } }');
    await expect.poll(() => caption(page).textContent()).toContain('#336699');
    await ui.stop();
    const banner = page.getByRole('alert').filter({ hasText: 'Connection to the server lost' });
    await banner.waitFor();

    await ui.start();
    await graphqlData(ui.running.http, 'mutation { setPulse(pulse: 2) { frame } }');
    await banner.waitFor({ state: 'detached', timeout: 10_000 });
    await expect.poll(() => caption(page).textContent(), { timeout: 10_000 }).toBe('Manual · #336699 · pulse 2');
    await context.close();
  });

  it('lists lamps, resets one from its sheet after a confirmation, and streams debug lines', async () => {
    // The lamps of the tests before, all from this address, have gone: this one takes up their record.
    await expect.poll(async () => (await graphqlData(ui.running.http, '{ lamps(online: true) { totalCount } }')).lamps.totalCount).toBe(0);
    const { context, page } = await loggedIn();
    const { lamp } = await TestLamp.handshake(ui.running.device, DEVICE_SECRET);
    await page.getByRole('button', { name: 'Lamps' }).click();
    const home = page.getByRole('list', { name: 'Lamps in Home' });
    await home.getByRole('button', { name: 'Lamp at 127.0.0.1' }).waitFor();
    await expect.poll(() => page.getByText('1 online', { exact: true }).count()).toBe(1);
    // A lamp that gives no identity of its own is known by its address, and the page says so.
    await home.getByText('Weak identity: recognised by its address only').waitFor();

    await page.getByRole('switch', { name: 'Debug messages' }).click();
    await lamp.waitFor('[cc:d:1:?]');
    lamp.send('d:heap 18236');
    await page.getByRole('list', { name: 'Debug log' }).getByText('heap 18236').waitFor();

    await home.getByRole('button', { name: 'Lamp at 127.0.0.1' }).click();
    const sheet = page.getByRole('dialog', { name: 'Lamp at 127.0.0.1' });
    await sheet.getByRole('list', { name: 'Recent debug lines' }).getByText('heap 18236').waitFor();
    lamp.send('d:wifi -61');
    await sheet.getByRole('list', { name: 'Recent debug lines' }).getByText('wifi -61').waitFor();
    await sheet.getByRole('button', { name: 'Reset…' }).click();
    await sheet.getByText('It restarts and is dark for a few seconds.').waitFor();
    await sheet.getByRole('button', { name: 'Reset', exact: true }).click();
    await lamp.waitFor('[cc:r:?:?]');
    await sheet.getByText('Reset sent.').waitFor();
    await sheet.getByRole('button', { name: 'Close' }).click();
    await sheet.waitFor({ state: 'detached' });

    await page.getByRole('switch', { name: 'Debug messages' }).click();
    await lamp.waitFor('[cc:d:0:?]');

    // Gone offline, it stays listed with when it was last heard from.
    lamp.close();
    await home.getByText('Offline · last seen just now').waitFor();
    await context.close();
  });

  it('uploads firmware, makes it the default, and rolls it out to a connected lamp', async () => {
    const { context, page } = await loggedIn();
    const { lamp } = await TestLamp.handshake(ui.running.device, DEVICE_SECRET);
    await page.getByRole('button', { name: 'Firmware' }).click();
    const bytes = esp32Image({ version: '3.2.1', chipId: 9, seed: 'from-the-browser' });
    await page.getByLabel('Image file (.bin)').setInputFiles({ name: 'cloud.bin', mimeType: 'application/octet-stream', buffer: bytes });
    await page.getByLabel('Notes').fill('softer sunrise');
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByText('Uploaded version 3.2.1.').waitFor();
    await page.getByText('ESP32-S3 ·', { exact: false }).first().waitFor();

    await page.getByRole('button', { name: 'Make default' }).first().click();
    await page.getByText('Default', { exact: true }).waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Roll out' }).first().click();
    await lamp.waitFor('[cc:u:?:?]');
    await page.getByText(/Rolling out 3\.2\.1: 1 connected lamp/).waitFor();

    // The lamp checks in through the update endpoint; the page shows its progress live.
    const answer = await updateCheck(ui.running.http, '/ota', esp32UpdateHeaders({ mac: 'A4:CF:12:AB:CD:EF', version: '3.0.0' }));
    expect(answer.body.equals(bytes)).toBe(true);
    await page.getByText('A4:CF:12:AB:CD:EF').waitFor();
    await page.getByText('Update sent, waiting for it to come back').waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SCREENSHOTS, 'firmware-light.png') });
    lamp.close();
    await context.close();
  });

  it('fits a 360 px wide phone, with touch-sized controls', async () => {
    const { context, page } = await loggedIn();
    await page.getByRole('radio', { name: 'Manual' }).click();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    for (const name of ['Off', 'Weather', 'Manual']) {
      const box = await page.getByRole('radio', { name }).boundingBox();
      expect(box!.height).toBeGreaterThanOrEqual(44);
      expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
    }
    const swatch = await page.getByRole('button', { name: 'Violet' }).boundingBox();
    expect(swatch!.width).toBeGreaterThanOrEqual(44);
    await context.close();
  });

  it('writes screenshots of the main views, light and dark', async () => {
    const { lamp } = await TestLamp.handshake(ui.running.device, DEVICE_SECRET);
    for (const scheme of ['light', 'dark'] as const) {
      const { context, page } = await phone(scheme);
      await page.goto(url());
      await page.getByLabel('Admin password').waitFor();
      await page.screenshot({ path: join(SCREENSHOTS, `login-${scheme}.png`) });
      await page.getByLabel('Admin password').fill(ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('radio', { name: 'Manual' }).click();
      await page.getByRole('button', { name: 'Pink' }).click();
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(SCREENSHOTS, `manual-${scheme}.png`) });
      await page.getByRole('radio', { name: 'Weather' }).click();
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(SCREENSHOTS, `weather-${scheme}.png`) });
      await page.getByRole('button', { name: 'Lamps' }).click();
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(SCREENSHOTS, `lamps-${scheme}.png`) });
      await context.close();
    }
    lamp.close();
    expect(existsSync(join(SCREENSHOTS, 'manual-dark.png'))).toBe(true);
  }, 40_000);
});
