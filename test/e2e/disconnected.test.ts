import type { WebSocketRoute } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable } from '../support/browser.js';
import { graphqlData } from '../support/graphql.js';
import { DEVICE_SECRET } from '../support/system.js';
import { TestLamp } from '../support/lamp.js';
import { logIn, openPhone, useUiSystem } from './phone.js';

/*
 * With the server gone, the page must not pretend: the preview keeps the last state the server
 * confirmed, a tap says it was not applied, and nothing is sent once the server is back.
 */

describe.runIf(browserAvailable())('web UI while the connection is down', () => {
  const ui = useUiSystem();

  it('keeps showing the confirmed state, says a tap was not applied, and sends nothing later', async () => {
    const { context, page } = await openPhone(ui.browser);
    await logIn(page, `http://127.0.0.1:${ui.running.http}/`);
    await graphqlData(ui.running.http, 'mutation { setColor(color: { hex: "#336699" }) { frame } }');
    await graphqlData(ui.running.http, 'mutation { setPulse(pulse: 1) { frame } }');
    const caption = page.locator('figcaption');
    const confirmed = 'Manual · #336699 · pulse 1';
    await expect.poll(() => caption.textContent()).toBe(confirmed);

    await ui.stop();
    await page.getByRole('alert').filter({ hasText: 'Connection to the server lost' }).waitFor();
    await page.getByText('Last state the server confirmed.').waitFor();

    await page.getByRole('button', { name: 'Pink' }).click();
    const notApplied = page.getByRole('alert').filter({ hasText: 'Not applied' });
    await notApplied.waitFor();
    expect(await notApplied.textContent()).toContain('no connection to the server');
    expect(await caption.textContent()).toBe(confirmed);
    expect(await page.getByLabel('Hex').inputValue()).toBe('#336699');
    expect(await page.getByRole('button', { name: 'Pink' }).getAttribute('aria-pressed')).toBe('false');

    await page.getByLabel('Pulsing').fill('7');
    await page.getByRole('radio', { name: 'Off' }).click();
    expect(await caption.textContent()).toBe(confirmed);
    expect(await page.getByRole('radio', { name: 'Manual' }).getAttribute('aria-checked')).toBe('true');
    expect(await page.getByLabel('Pulsing').inputValue()).toBe('1');

    await ui.start();
    await page.getByText('Connected again.').waitFor({ timeout: 10_000 });
    await expect.poll(() => page.getByText('Last state the server confirmed.').count()).toBe(0);
    expect(await caption.textContent()).toBe(confirmed);
    const { lamp, packet } = await TestLamp.handshake(ui.running.device, DEVICE_SECRET);
    expect(packet).toBe('[cc:2:51,102,153:1]');
    expect((await graphqlData(ui.running.http, '{ displayState { frame } }')).displayState.frame).toBe('[cc:2:51,102,153:1]');

    // A choice made now goes out; none of the refused ones ever does.
    await page.getByRole('button', { name: 'Cyan' }).click();
    await lamp.waitFor('[cc:2:0,200,255:1]');
    expect(lamp.received.filter((frame) => frame !== '[cc:2:51,102,153:1]' && frame !== 'ok')).toEqual(['[cc:2:0,200,255:1]']);
    await expect.poll(() => caption.textContent()).toBe('Manual · #00c8ff · pulse 1');
    lamp.close();
    await context.close();
  });

  it('with only the live connection cut (HTTP still working) sends nothing either', async () => {
    const { context, page } = await openPhone(ui.browser);
    // Stands between the page and the server's graphql-ws endpoint, to cut just that.
    let cut = false;
    const links = new Set<WebSocketRoute>();
    await page.routeWebSocket(/\/graphql$/, (route) => {
      if (cut) {
        void route.close({ code: 1012, reason: 'cut by the test' });
        return;
      }
      route.connectToServer();
      links.add(route);
    });
    await logIn(page, `http://127.0.0.1:${ui.running.http}/`);
    await graphqlData(ui.running.http, 'mutation { setColor(color: { hex: "#224466" }) { frame } }');
    await graphqlData(ui.running.http, 'mutation { setPulse(pulse: 3) { frame } }');
    const caption = page.locator('figcaption');
    const confirmed = 'Manual · #224466 · pulse 3';
    await expect.poll(() => caption.textContent()).toBe(confirmed);

    cut = true;
    for (const link of links) await link.close({ code: 1012, reason: 'cut by the test' });
    links.clear();
    await page.getByRole('alert').filter({ hasText: 'Connection to the server lost' }).waitFor();

    await page.getByRole('button', { name: 'Violet' }).click();
    await page.getByRole('alert').filter({ hasText: 'Not applied' }).waitFor();
    await page.getByRole('radio', { name: 'Weather' }).click();
    expect(await caption.textContent()).toBe(confirmed);
    // The server could have been reached over HTTP, but was not asked to change anything.
    expect((await graphqlData(ui.running.http, '{ displayState { frame } }')).displayState.frame).toBe('[cc:2:34,68,102:3]');

    cut = false;
    await page.getByText('Connected again.').waitFor({ timeout: 10_000 });
    expect(await caption.textContent()).toBe(confirmed);
    expect((await graphqlData(ui.running.http, '{ displayState { frame } }')).displayState.frame).toBe('[cc:2:34,68,102:3]');
    await context.close();
  });
});
