import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { browserAvailable } from '../support/browser.js';
import { graphqlData } from '../support/graphql.js';
import { TestLamp } from '../support/lamp.js';
import { logIn, openPhone, PHONE, SCREENSHOTS, useUiSystem } from './phone.js';

/*
 * Scenes and favourite colours in the web UI, in Chromium against the real server with raw
 * WebSocket lamps: a scene saved from the home screen and applied with a tap reaches the
 * lamps; the current colour becomes a favourite every client offers.
 */

describe.runIf(browserAvailable())('scenes and favourites in the web UI', () => {
  const ui = useUiSystem();
  const url = () => `http://127.0.0.1:${ui.running.http}/`;

  /** A lamp registered in this room, connected with its own secret. */
  async function lampIn(roomId: string, name: string): Promise<TestLamp> {
    const { registerLamp } = await graphqlData(
      ui.running.http,
      'mutation($name: String!, $roomId: ID) { registerLamp(name: $name, roomId: $roomId) { secret } }',
      { name, roomId },
    );
    return (await TestLamp.handshake(ui.running.device, registerLamp.secret)).lamp;
  }

  it('saves the current look as a scene, applies it with a tap (the lamps get its packet), renames and deletes it', async () => {
    const bedroom = (await graphqlData(ui.running.http, 'mutation { createRoom(name: "Bedroom") { id } }')).createRoom.id;
    await graphqlData(ui.running.http, 'mutation { setColor(color: { hex: "#ff7a00" }) { frame } }');
    await graphqlData(ui.running.http, 'mutation($roomId: ID) { setColor(color: { hex: "#2a4dff" }, roomId: $roomId) { frame } }', {
      roomId: bedroom,
    });
    const homeLamp = await lampIn('home', 'Hall lamp');
    const bedLamp = await lampIn(bedroom, 'Bed lamp');

    const { context, page } = await openPhone(ui.browser);
    await logIn(page, url());
    await page.getByRole('button', { name: '+ Save current look' }).click();
    await page.getByLabel('New scene name').fill('Evening');
    await page.getByRole('radio', { name: 'All rooms' }).check();
    await page.getByRole('button', { name: 'Save scene' }).click();
    const chip = page.getByRole('button', { name: 'Evening' });
    await chip.waitFor();
    expect(await page.getByText('Home, Bedroom').count()).toBe(1);

    // Somewhere else the rooms are turned off; a tap on the scene brings both back at once.
    await graphqlData(ui.running.http, 'mutation { setAllRooms(display: { mode: OFF }) { id } }');
    await homeLamp.waitFor('[cc:0:?:?]');
    await bedLamp.waitFor('[cc:0:?:?]');
    await chip.click();
    expect(await homeLamp.next()).toBe('[cc:2:255,122,0:0]');
    expect(await bedLamp.next()).toBe('[cc:2:42,77,255:0]');
    await page.getByRole('status').filter({ hasText: 'Evening applied.' }).waitFor();
    await expect.poll(() => page.locator('figcaption').textContent()).toMatch(/^Manual · #ff7a00/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    expect((await chip.boundingBox())!.height).toBeGreaterThanOrEqual(44);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SCREENSHOTS, 'home-scenes.png') });

    // Edit mode: rename, then delete.
    await page.getByRole('button', { name: 'Edit' }).first().click();
    await page.getByRole('button', { name: 'Rename scene Evening' }).click();
    await page.getByLabel('New name for Evening').fill('Dusk');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('button', { name: 'Delete scene Dusk' }).waitFor();
    expect((await graphqlData(ui.running.http, '{ scenes { name } }')).scenes).toEqual([{ name: 'Dusk' }]);
    await graphqlData(ui.running.http, 'mutation { setColor(color: { hex: "#00d65c" }) { frame } }');
    await page.getByRole('button', { name: 'Update Dusk to what its rooms show now' }).click();
    await page.getByRole('status').filter({ hasText: 'Updated Dusk.' }).waitFor();
    expect((await graphqlData(ui.running.http, '{ scenes { rooms { color { hex } } } }')).scenes[0].rooms[0].color.hex).toBe('#00d65c');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await page.getByRole('button', { name: 'Delete scene Dusk' }).click();
    await expect.poll(async () => (await graphqlData(ui.running.http, '{ scenes { name } }')).scenes).toEqual([]);
    // With the last scene gone, edit mode ends and a new one can be saved.
    await page.getByRole('button', { name: '+ Save current look' }).waitFor();
    homeLamp.close();
    bedLamp.close();
    await context.close();
  });

  it('adds the current colour to the favourites, which every client then offers, and removes it', async () => {
    await graphqlData(ui.running.http, 'mutation { setColor(color: { hex: "#123456" }) { frame } }');
    const { context, page } = await openPhone(ui.browser, 'dark');
    await logIn(page, url());
    await page.getByRole('button', { name: 'Pink' }).waitFor();
    await page.getByRole('button', { name: 'Add this colour to favourites' }).click();
    const added = page.getByRole('button', { name: '#123456' });
    await added.waitFor();
    expect(await added.getAttribute('aria-pressed')).toBe('true');
    const listed = (await graphqlData(ui.running.http, '{ favoriteColors { name color { hex } } }')).favoriteColors;
    expect(listed.at(-1)).toEqual({ name: '#123456', color: { hex: '#123456' } });

    // Picking a favourite sends its colour to the lamp.
    const { lamp } = await TestLamp.handshake(ui.running.device, 'test-device-secret');
    await page.getByRole('button', { name: 'Cyan' }).click();
    await lamp.waitFor((frame) => frame.startsWith('[cc:2:0,200,255:'));

    await page.getByRole('button', { name: 'Edit' }).last().click();
    await page.getByRole('button', { name: 'Remove favourite #123456' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'favorites-edit-dark.png') });
    await page.getByRole('button', { name: 'Remove favourite #123456' }).click();
    await expect.poll(async () => (await graphqlData(ui.running.http, '{ favoriteColors { name } }')).favoriteColors.length).toBe(10);
    await page.getByRole('button', { name: 'Remove favourite #123456' }).waitFor({ state: 'detached' });
    lamp.close();
    await context.close();
  });
});
