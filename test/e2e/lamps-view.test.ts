import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { browserAvailable } from '../support/browser.js';
import { graphqlData } from '../support/graphql.js';
import { TestLamp } from '../support/lamp.js';
import { DEVICE_SECRET } from '../support/system.js';
import { logIn, openPhone, PHONE, SCREENSHOTS, useUiSystem } from './phone.js';

/*
 * The Lamps view in Chromium against the real server, with raw WebSocket lamps: a lamp's sheet
 * renames and moves it (and the lamp gets its new room's packet), another phone sees it at once,
 * and a lamp registered here gets a secret of its own that is shown exactly once.
 */

describe.runIf(browserAvailable())('the Lamps view', () => {
  const ui = useUiSystem();
  const url = () => `http://127.0.0.1:${ui.running.http}/`;

  async function lampsView(colorScheme: 'light' | 'dark' = 'light') {
    const opened = await openPhone(ui.browser, colorScheme);
    await logIn(opened.page, url());
    await opened.page.getByRole('button', { name: 'Lamps' }).click();
    await opened.page.getByRole('heading', { name: 'Rooms' }).waitFor();
    return opened;
  }

  it('renames a lamp and moves it to another room from its sheet; the lamp gets that room’s packet, another phone sees it all', async () => {
    const { createRoom } = await graphqlData(ui.running.http, 'mutation { createRoom(name: "Study") { id } }');
    const studyFrame = (
      await graphqlData(ui.running.http, 'mutation($roomId: ID) { setColor(color: { hex: "#665544" }, roomId: $roomId) { frame } }', {
        roomId: createRoom.id,
      })
    ).setColor.frame;
    const { lamp } = await TestLamp.handshake(ui.running.device, DEVICE_SECRET);
    const { page, context } = await lampsView();
    const watcher = await lampsView('dark');

    await page.getByRole('list', { name: 'Lamps in Home' }).getByRole('button', { name: 'Lamp at 127.0.0.1' }).click();
    // The sheet's name follows the lamp's, so it is found as the one dialog open.
    const sheet = page.getByRole('dialog');
    await page.getByRole('dialog', { name: 'Lamp at 127.0.0.1' }).waitFor();
    await sheet.getByText('Weak identity: recognised by its address only').waitFor();
    await sheet.getByLabel('Name').fill('Desk');
    await sheet.getByRole('button', { name: 'Rename' }).click();
    await sheet.getByText('Renamed to Desk.').waitFor();
    await page.getByRole('dialog', { name: 'Desk' }).waitFor();
    await watcher.page.getByRole('list', { name: 'Lamps in Home' }).getByText('Desk', { exact: true }).waitFor();

    await sheet.getByLabel('Room').selectOption({ label: 'Study' });
    await sheet.getByRole('button', { name: 'Move' }).click();
    await lamp.waitFor(studyFrame);
    await page.getByText('Moved to Study.').waitFor();
    await page.getByText('Online · in Study').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await page.screenshot({ path: join(SCREENSHOTS, 'lamp-sheet-light.png') });
    await sheet.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('list', { name: 'Lamps in Study' }).getByText('Desk', { exact: true }).waitFor();
    await watcher.page.getByRole('list', { name: 'Lamps in Study' }).getByText('Desk', { exact: true }).waitFor();
    expect(await watcher.page.getByRole('list', { name: 'Lamps in Home' }).count()).toBe(0);
    await watcher.page.screenshot({ path: join(SCREENSHOTS, 'lamps-rooms-dark.png'), fullPage: true });

    // Another room's change reaches the moved lamp; its old room's does not come before it.
    await graphqlData(ui.running.http, 'mutation { setColor(color: { hex: "#010203" }) { frame } }');
    const studyAgain = (
      await graphqlData(ui.running.http, 'mutation($roomId: ID) { setPulse(pulse: 7, roomId: $roomId) { frame } }', {
        roomId: createRoom.id,
      })
    ).setPulse.frame;
    expect(await lamp.next()).toBe(studyAgain);
    lamp.close();
    await context.close();
    await watcher.context.close();
  });

  it('forgets a lamp after a confirmation', async () => {
    const { lamp } = await TestLamp.handshake(ui.running.device, DEVICE_SECRET);
    const { page, context } = await lampsView();
    const name = (await graphqlData(ui.running.http, '{ lamps(online: true) { nodes { name } } }')).lamps.nodes[0].name as string;
    await page.getByRole('button', { name }).first().click();
    const sheet = page.getByRole('dialog', { name });
    await sheet.getByRole('button', { name: 'Forget…' }).click();
    await sheet.getByText('If it connects again it comes back as a new lamp').waitFor();
    await sheet.getByRole('button', { name: 'Forget', exact: true }).click();
    await page.getByText(`${name} forgotten.`).waitFor();
    await sheet.waitFor({ state: 'detached' });
    expect(await page.getByRole('button', { name }).count()).toBe(0);
    await lamp.closed;
    await context.close();
  });

  it('registers a lamp with a secret of its own, shown once, that lets the lamp in', async () => {
    const { page, context } = await lampsView();
    await page.getByRole('button', { name: 'Register a lamp' }).click();
    const dialog = page.getByRole('dialog', { name: 'Register a lamp' });
    await dialog.getByLabel('Name').fill('Porch');
    await dialog.getByRole('button', { name: 'Register' }).click();
    const shown = page.getByRole('dialog', { name: 'Porch is registered' });
    const secret = await shown.getByRole('textbox', { name: 'Lamp secret' }).inputValue();
    expect(secret.length).toBeGreaterThanOrEqual(16);
    await shown.getByText('Shown only now: it is not shown again.').waitFor();
    await shown.getByRole('button', { name: 'Copy lamp secret' }).click();
    await shown.getByText(/Copied\.|Select the text/).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'lamp-registered-light.png') });
    await shown.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'detached' });
    // Nowhere on the page any more, nor when the dialog is opened again.
    expect(await page.content()).not.toContain(secret);
    await page.getByRole('button', { name: 'Register a lamp' }).click();
    expect(await page.getByRole('textbox', { name: 'Lamp secret' }).count()).toBe(0);
    await page.getByRole('dialog', { name: 'Register a lamp' }).getByRole('button', { name: 'Cancel' }).click();

    const porch = page.getByRole('list', { name: 'Lamps in Home' }).getByRole('button', { name: 'Porch' });
    await porch.getByText('Never connected').waitFor();
    const { lamp } = await TestLamp.handshake(ui.running.device, secret);
    await porch.getByText('Online').waitFor();
    lamp.close();
    await porch.getByText('Offline · last seen just now').waitFor();
    await context.close();
  });
});
