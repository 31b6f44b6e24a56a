import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable } from '../support/browser.js';
import { graphqlData } from '../support/graphql.js';
import { brokerAvailable, TestBroker } from '../support/mosquitto.js';
import { logIn, openPhone, PHONE, SCREENSHOTS, useUiSystem } from './phone.js';

/*
 * The Home Assistant (MQTT) section of the Settings view in a real browser: an admin points
 * the bridge at a real Mosquitto broker that wants a user name and password, sees mistakes
 * under the field they concern, and follows the bridge's state as it connects.
 */

const BROKER_PASSWORD = 'typed-in-the-browser-51c';
const BRIDGE = '{ mqttBridge { state url username passwordConfigured topicPrefix discoveryPrefix discoveryEnabled } }';

describe.runIf(browserAvailable() && brokerAvailable())('web UI: Home Assistant (MQTT) settings', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await TestBroker.start({ username: 'home', password: BROKER_PASSWORD });
  });
  afterAll(() => broker?.dispose());
  const ui = useUiSystem();

  async function settings(colorScheme: 'light' | 'dark' = 'light') {
    const opened = await openPhone(ui.browser, colorScheme);
    await logIn(opened.page, `http://127.0.0.1:${ui.running.http}/`);
    await opened.page.getByRole('button', { name: 'Settings' }).click();
    await opened.page.getByRole('heading', { name: 'Home Assistant (MQTT)' }).waitFor();
    return opened;
  }

  const section = (page: Page) => page.getByRole('region', { name: 'Home Assistant (MQTT)' });
  const state = (page: Page) => page.getByTestId('mqtt-state');

  it('shows mistakes under their field, then saves a broker with its credentials and leaves Off', async () => {
    const { context, page } = await settings();
    await expect.poll(() => state(page).textContent()).toContain('Off');
    expect(await page.getByTestId('mqtt-password-state').textContent()).toContain('No password is saved.');

    // Caught in the page.
    await page.getByLabel('Broker URL').fill('http://192.168.1.10');
    await section(page).getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByLabel('Broker URL').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#mqtt-url-error').textContent()).toContain('Start with mqtt:// or mqtts://');

    // Refused by the API, and shown under the field the API named.
    await page.getByLabel('Broker URL').fill(broker.url);
    await page.getByLabel('Topic prefix').fill('home/#');
    await section(page).getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByLabel('Topic prefix').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#mqtt-topicPrefix-error').textContent()).toBe('Must not contain +, # or NUL.');
    expect(await page.getByLabel('Broker URL').getAttribute('aria-invalid')).toBeNull();
    expect((await graphqlData(ui.running.http, BRIDGE)).mqttBridge.url).toBeNull();

    await page.getByLabel('Topic prefix').fill('house');
    await page.getByLabel('User name').fill('home');
    await page.getByLabel('Password', { exact: true }).fill(BROKER_PASSWORD);
    await section(page).getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByTestId('mqtt-answer').textContent()).toBe('Saved. The bridge connects with these settings.');
    await expect.poll(() => state(page).textContent()).not.toContain('Off');
    expect((await graphqlData(ui.running.http, BRIDGE)).mqttBridge).toMatchObject({
      url: broker.url,
      username: 'home',
      passwordConfigured: true,
      topicPrefix: 'house',
      discoveryPrefix: 'homeassistant',
    });
    // Write-only: the password is not in the page, only that one is saved.
    expect(await page.getByLabel('Password', { exact: true }).inputValue()).toBe('');
    expect(await page.getByTestId('mqtt-password-state').textContent()).toContain('A password is saved.');
    expect(await page.content()).not.toContain(BROKER_PASSWORD);

    // An empty discovery prefix turns discovery off; the rest stays.
    await page.getByLabel('Discovery prefix').fill('');
    await section(page).getByRole('button', { name: 'Save' }).click();
    await expect.poll(async () => (await graphqlData(ui.running.http, BRIDGE)).mqttBridge.discoveryEnabled).toBe(false);
    expect((await graphqlData(ui.running.http, BRIDGE)).mqttBridge).toMatchObject({ url: broker.url, passwordConfigured: true });
    await context.close();
  });

  it('follows the bridge until it is connected to the broker', async () => {
    await graphqlData(ui.running.http, 'mutation($s: MqttSettingsInput!) { configureMqtt(settings: $s) { state } }', {
      s: { url: broker.url, username: 'home', password: BROKER_PASSWORD },
    });
    const { context, page } = await settings();
    await expect.poll(() => page.getByLabel('Broker URL').inputValue()).toBe(broker.url);
    // The bridge logs in with the saved user name and password; the state line follows it live.
    await expect.poll(() => state(page).textContent(), { timeout: 15_000 }).toMatch(/^\s*Connected since /);
    await context.close();
  }, 30_000);

  it('fits a 360 px phone, light and dark (screenshots)', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const { context, page } = await settings(scheme);
      await section(page).getByRole('button', { name: 'Save' }).waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
      expect((await section(page).getByRole('button', { name: 'Save' }).boundingBox())!.height).toBeGreaterThanOrEqual(44);
      await section(page).screenshot({ path: join(SCREENSHOTS, `settings-mqtt-${scheme}.png`) });
      await context.close();
    }
  }, 40_000);
});
