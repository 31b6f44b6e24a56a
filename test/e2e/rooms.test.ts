import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable } from '../support/browser.js';
import { graphqlData } from '../support/graphql.js';
import { TestLamp } from '../support/lamp.js';
import { logIn, openPhone, PHONE, SCREENSHOTS, useUiSystem } from './phone.js';

/*
 * Rooms in the web UI, in Chromium against the real server with raw WebSocket lamps: the home
 * screen controls the room chosen, and only that room's lamps get its packets; rooms are
 * created, renamed, reordered and deleted on the Lamps view.
 */

describe.runIf(browserAvailable())('rooms in the web UI', () => {
  const ui = useUiSystem();
  const url = () => `http://127.0.0.1:${ui.running.http}/`;

  async function createRoom(name: string): Promise<string> {
    return (await graphqlData(ui.running.http, 'mutation($name: String!) { createRoom(name: $name) { id } }', { name })).createRoom.id;
  }

  /** A lamp registered in this room, connected with its own secret. */
  async function lampIn(roomId: string, name: string): Promise<TestLamp> {
    const { registerLamp } = await graphqlData(
      ui.running.http,
      'mutation($name: String!, $roomId: ID) { registerLamp(name: $name, roomId: $roomId) { secret } }',
      { name, roomId },
    );
    return (await TestLamp.handshake(ui.running.device, registerLamp.secret)).lamp;
  }

  const roomHeadings = (page: Page) => page.locator('.room-name').allTextContents();
  const caption = (page: Page) => page.locator('figcaption');

  it('switches rooms on the home screen: only the chosen room’s lamps get its packets, and the choice is remembered', async () => {
    const bedroom = await createRoom('Bedroom');
    const kitchen = await createRoom('Kitchen');
    await graphqlData(ui.running.http, 'mutation { setColor(color: { hex: "#123456" }) { frame } }');
    const bedLamp = await lampIn(bedroom, 'Bed lamp');
    const kitchenLamp = await lampIn(kitchen, 'Kitchen lamp');

    const { context, page } = await openPhone(ui.browser);
    await logIn(page, url());
    const switcher = page.getByRole('radiogroup', { name: 'Room' });
    expect(await switcher.getByRole('radio').evaluateAll((radios) => radios.map((radio) => radio.textContent?.trim()))).toEqual([
      'Home',
      'Bedroom',
      'Kitchen',
    ]);
    expect(await switcher.getByRole('radio', { name: 'Home' }).getAttribute('aria-checked')).toBe('true');

    await switcher.getByRole('radio', { name: 'Bedroom' }).click();
    await page.getByRole('radio', { name: 'Manual' }).click();
    await page.getByRole('button', { name: 'Pink' }).click();
    await bedLamp.waitFor((frame) => frame.startsWith('[cc:2:255,65,174:'));
    // A marker: the kitchen lamp's next packet is the kitchen's own change, so nothing of the bedroom's came before it.
    await graphqlData(ui.running.http, 'mutation($roomId: ID) { setColor(color: { hex: "#0a0b0c" }, roomId: $roomId) { frame } }', {
      roomId: kitchen,
    });
    expect(await kitchenLamp.next()).toMatch(/^\[cc:2:10,11,12:/);
    expect((await graphqlData(ui.running.http, '{ displayState { color { hex } } }')).displayState.color.hex).toBe('#123456');

    // Another room's change made elsewhere shows when that room is chosen, and not before.
    await expect.poll(() => caption(page).textContent()).toMatch(/^Manual · #ff41ae/);
    await switcher.getByRole('radio', { name: 'Kitchen' }).click();
    await expect.poll(() => caption(page).textContent()).toMatch(/^Manual · #0a0b0c/);

    // Opened again, the page shows the room chosen last.
    await page.reload();
    await page.getByRole('radiogroup', { name: 'Room' }).waitFor();
    expect(await page.getByRole('radio', { name: 'Kitchen' }).getAttribute('aria-checked')).toBe('true');
    await expect.poll(() => caption(page).textContent()).toMatch(/^Manual · #0a0b0c/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    for (const radio of await switcher.getByRole('radio').all()) expect((await radio.boundingBox())!.height).toBeGreaterThanOrEqual(44);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SCREENSHOTS, 'home-rooms-light.png') });

    await page.getByRole('radio', { name: 'Home' }).click();
    await expect.poll(() => caption(page).textContent()).toMatch(/^Manual · #123456/);
    bedLamp.close();
    kitchenLamp.close();
    await context.close();
  });

  it('creates, renames, reorders and deletes a room; a deleted room’s lamps go to the default room', async () => {
    const { context, page } = await openPhone(ui.browser, 'dark');
    await logIn(page, url());
    await page.getByRole('button', { name: 'Lamps' }).click();

    await page.getByLabel('New room name').fill('Attic');
    await page.getByRole('button', { name: 'Add room' }).click();
    await page.getByRole('heading', { name: 'Attic' }).waitFor();
    expect((await roomHeadings(page)).at(-1)).toBe('Attic');

    await page.getByRole('button', { name: 'Rename room Attic' }).click();
    await page.getByLabel('New name for Attic').fill('Loft');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Loft' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Attic' }).count()).toBe(0);

    // A name another room has is refused, with the server's reason.
    await page.getByLabel('New room name').fill('loft');
    await page.getByRole('button', { name: 'Add room' }).click();
    await page.getByRole('alert').filter({ hasText: 'Not created' }).waitFor();

    const before = await roomHeadings(page);
    await page.getByRole('button', { name: 'Move Loft up' }).click();
    await expect.poll(() => roomHeadings(page)).toEqual([...before.slice(0, -2), 'Loft', before.at(-2)]);
    expect(await page.getByRole('button', { name: 'Move Loft down' }).isEnabled()).toBe(true);

    // A lamp in the room goes to Home when the room is deleted, and shows Home's packet at once.
    const loft = (await graphqlData(ui.running.http, '{ rooms { id name } }')).rooms.find((r: { name: string }) => r.name === 'Loft').id;
    await graphqlData(ui.running.http, 'mutation($roomId: ID) { setColor(color: { hex: "#203040" }, roomId: $roomId) { frame } }', {
      roomId: loft,
    });
    const homeFrame = (await graphqlData(ui.running.http, 'mutation { setColor(color: { hex: "#405060" }) { frame } }')).setColor.frame;
    const lamp = await lampIn(loft, 'Loft lamp');
    await page.getByRole('list', { name: 'Lamps in Loft' }).getByText('Loft lamp').waitFor();
    await page.getByRole('button', { name: 'Delete room Loft' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete room Loft?' });
    expect(await dialog.textContent()).toContain('Its lamp goes to Home');
    await page.screenshot({ path: join(SCREENSHOTS, 'room-delete-dark.png') });
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('Room Loft deleted. 1 lamp moved to Home.').waitFor();
    expect(await page.getByRole('heading', { name: 'Loft' }).count()).toBe(0);
    await lamp.waitFor(homeFrame);
    await page.getByRole('list', { name: 'Lamps in Home' }).getByText('Loft lamp').waitFor();
    // The default room cannot be deleted.
    expect(await page.getByRole('button', { name: 'Delete room Home' }).count()).toBe(0);
    lamp.close();
    await context.close();
  });

  it('shows another phone’s changes to rooms at once', async () => {
    const first = await openPhone(ui.browser);
    const second = await openPhone(ui.browser);
    for (const { page } of [first, second]) {
      await logIn(page, url());
      await page.getByRole('button', { name: 'Lamps' }).click();
    }
    await first.page.getByLabel('New room name').fill('Hallway');
    await first.page.getByRole('button', { name: 'Add room' }).click();
    await second.page.getByRole('heading', { name: 'Hallway' }).waitFor();
    await first.page.getByRole('button', { name: 'Rename room Hallway' }).click();
    await first.page.getByLabel('New name for Hallway').fill('Corridor');
    await first.page.getByRole('button', { name: 'Save' }).click();
    await second.page.getByRole('heading', { name: 'Corridor' }).waitFor();
    await first.context.close();
    await second.context.close();
  });
});
