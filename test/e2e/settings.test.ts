import { join } from 'node:path';
import { LampCloseCode } from '@cloud-cloud/protocol/close-codes';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable } from '../support/browser.js';
import { graphql, graphqlData } from '../support/graphql.js';
import { TestLamp } from '../support/lamp.js';
import { currentWeather, OpenWeatherMapStandIn, OWM_ERRORS } from '../support/openweathermap-stand-in.js';
import { ADMIN_PASSWORD } from '../support/system.js';
import { logIn, openPhone, PHONE, SCREENSHOTS, useUiSystem } from './phone.js';

/*
 * The admin's Settings view in a real browser against the real server: the weather source
 * (tried against a local OpenWeatherMap stand-in, then saved), API tokens, the device secret
 * with raw lamps on either side of a rotation, and the admin password.
 */

describe.runIf(browserAvailable())('web UI settings', () => {
  const standIn = OpenWeatherMapStandIn.forEachTest();
  // No CC_DEVICE_SECRET: the secret is generated and stored, so it can be rotated.
  const ui = useUiSystem(() => ({ deviceSecret: undefined, weather: { baseUrl: standIn.url } }));

  const url = () => `http://127.0.0.1:${ui.running.http}/`;

  async function settings(colorScheme: 'light' | 'dark' = 'light', password = ADMIN_PASSWORD) {
    const opened = await openPhone(ui.browser, colorScheme);
    await logIn(opened.page, url(), password);
    await opened.page.getByRole('button', { name: 'Settings' }).click();
    await opened.page.getByRole('heading', { name: 'Weather source' }).waitFor();
    return opened;
  }

  const weatherAnswer = (page: Page) => page.getByTestId('weather-answer');

  it('tests weather settings without saving them, then saves them', async () => {
    const { context, page } = await settings();
    await page.getByText('No key is saved yet.').waitFor();
    expect(await page.getByTestId('weather-source-state').textContent()).toContain('Not set up yet');
    await page.getByLabel('API key').fill('key-from-the-browser');
    await page.getByLabel('By name').check();
    await page.getByLabel('City', { exact: true }).fill('Zurich,CH');
    await page.getByRole('button', { name: 'Test' }).click();
    await expect.poll(() => weatherAnswer(page).textContent()).toContain('Zurich, CH: moderate rain, 9 °C');
    expect(await weatherAnswer(page).textContent()).toContain('The lamps would show Rain at intensity 5. Not saved yet.');
    expect(standIn.requests.at(-1)!.searchParams.get('appid')).toBe('key-from-the-browser');
    expect(standIn.requests.at(-1)!.searchParams.get('q')).toBe('Zurich,CH');
    const unsaved = (await graphqlData(ui.running.http, '{ weather { source { apiKeyConfigured place { city } } } }')).weather.source;
    expect(unsaved).toEqual({ apiKeyConfigured: false, place: null });

    // A refusal comes back in words.
    standIn.reply = { kind: 'error', status: 401, body: OWM_ERRORS.invalidKey };
    await page.getByRole('button', { name: 'Test' }).click();
    await expect.poll(() => weatherAnswer(page).textContent()).toMatch(/^Test failed: .*401/);

    standIn.reply = { kind: 'weather', body: currentWeather() };
    await page.getByLabel('Fetch every (minutes)').fill('15');
    await page.getByRole('region', { name: 'Weather source' }).getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => weatherAnswer(page).textContent()).toBe('Saved. Zurich, CH: moderate rain, 9 °C.');
    const saved = (await graphqlData(ui.running.http, '{ weather { source { apiKeyConfigured intervalSeconds place { city } } } }')).weather
      .source;
    expect(saved).toEqual({ apiKeyConfigured: true, intervalSeconds: 900, place: { city: 'Zurich,CH' } });
    // Write-only: the key is never sent back to the page.
    await page.getByText('A key is saved. It is never shown again.').waitFor();
    expect(await page.getByTestId('weather-source-state').textContent()).toContain('Working: the weather for Zurich, CH.');
    expect(await page.getByLabel('API key').inputValue()).toBe('');
    expect(await page.content()).not.toContain('key-from-the-browser');
    await context.close();
  });

  it('creates an API token, shows it once, and revokes it after asking', async () => {
    const { context, page } = await settings();
    await page.getByLabel('Name', { exact: true }).fill('wall display');
    await page.getByLabel('Scope').selectOption('READ_ONLY');
    await page.getByRole('button', { name: 'Create token' }).click();
    const shown = page.getByLabel('New token "wall display"', { exact: true });
    await shown.waitFor();
    const token = await shown.inputValue();
    expect(token).toMatch(/^cc_/);
    await page.getByRole('button', { name: 'Copy new token "wall display"' }).click();
    await page.getByText('Copied.').waitFor();
    await shown.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'settings-new-token-light.png') });
    const asToken = { authorization: `Bearer ${token}` };
    expect((await graphql(ui.running.http, '{ viewer { scope } }', undefined, asToken)).data).toEqual({ viewer: { scope: 'READ_ONLY' } });

    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.content()).not.toContain(token);
    const row = page.getByRole('list', { name: 'API tokens' }).getByRole('listitem').filter({ hasText: 'wall display' });
    expect(await row.textContent()).toContain('Read only · created');

    await page.getByRole('button', { name: 'Revoke wall display' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Programs using it are refused from now on').waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect((await graphql(ui.running.http, '{ viewer { scope } }', undefined, asToken)).data).toEqual({ viewer: { scope: 'READ_ONLY' } });
    await page.getByRole('button', { name: 'Revoke wall display' }).click();
    await dialog.getByRole('button', { name: 'Revoke' }).click();
    await page.getByText('Revoked "wall display".').waitFor();
    await expect.poll(() => row.count()).toBe(0);
    expect((await graphql(ui.running.http, '{ viewer { scope } }', undefined, asToken)).errors?.[0]?.extensions?.code).toBe(
      'UNAUTHENTICATED',
    );
    await context.close();
  });

  it('shows the device secret and rotates it: the new one lets a lamp in, the old one is refused', async () => {
    const { context, page } = await settings();
    const field = page.getByLabel('Shared secret', { exact: true });
    await expect.poll(() => field.inputValue()).toBe(ui.running.system.api.deviceSecret.value);
    const old = await field.inputValue();
    const { lamp: connected } = await TestLamp.handshake(ui.running.device, old);

    await page.getByRole('button', { name: 'Rotate…' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain('Every deployed lamp that uses the shared secret needs the new one');
    expect(await dialog.textContent()).toContain('Lamps registered with their own secret are not affected.');
    await dialog.getByRole('button', { name: 'Replace it' }).click();
    await page.getByText('New device secret in force.').waitFor();
    const rotated = await field.inputValue();
    expect(rotated).not.toBe(old);

    expect((await connected.closed).code).toBe(LampCloseCode.Revoked);
    const refused = await TestLamp.connect(ui.running.device);
    refused.send(old);
    expect((await refused.closed).code).toBe(LampCloseCode.Unauthorized);
    const { lamp } = await TestLamp.handshake(ui.running.device, rotated);
    lamp.close();
    await context.close();
  });

  it('changes the admin password, saying what is wrong first', async () => {
    const { context, page } = await settings();
    const alertText = () => page.getByRole('heading', { name: 'Admin password' }).locator('..').locator('.error, .ok').textContent();
    await page.getByLabel('Current password').fill('not the password');
    await page.getByLabel('New password', { exact: true }).fill('short');
    await page.getByLabel('New password again').fill('short');
    await page.getByText('At least 8 characters.').waitFor();
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(alertText).toBe('The new password needs at least 8 characters.');
    await page.getByLabel('New password', { exact: true }).fill('purple lamp at dusk');
    await page.getByLabel('New password again').fill('purple lamp at dawn');
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(alertText).toBe('The two new passwords differ.');
    await page.getByLabel('New password again').fill('purple lamp at dusk');
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(alertText).toBe('The current password is wrong.');
    await page.getByLabel('Current password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(alertText).toBe('Password changed. Use the new one to log in from now on.');
    await context.close();

    // The new password logs in; put the old one back for the other tests.
    const again = await settings('light', 'purple lamp at dusk');
    await again.context.close();
    await graphqlData(ui.running.http, 'mutation($c: String!, $n: String!) { changeAdminPassword(currentPassword: $c, newPassword: $n) }', {
      c: 'purple lamp at dusk',
      n: ADMIN_PASSWORD,
    });
  }, 40_000);

  it('fits a 360 px phone, light and dark (screenshots)', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const { context, page } = await settings(scheme);
      await page.getByText(/A key is saved|No key is saved/).waitFor();
      await page.getByLabel('Shared secret', { exact: true }).waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
      for (const name of ['Test', 'Save', 'Create token', 'Change password']) {
        // Weather and Home Assistant each have a Save button.
        for (const button of await page.getByRole('button', { name, exact: true }).all()) {
          expect((await button.boundingBox())!.height).toBeGreaterThanOrEqual(44);
        }
      }
      await page.screenshot({ path: join(SCREENSHOTS, `settings-${scheme}.png`), fullPage: true });
      await page.getByRole('button', { name: 'Rotate…' }).click();
      await page.getByRole('dialog').waitFor();
      await page.screenshot({ path: join(SCREENSHOTS, `settings-rotate-${scheme}.png`) });
      await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
      await context.close();
    }
  }, 40_000);
});
