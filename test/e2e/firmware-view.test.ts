import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable } from '../support/browser.js';
import { AS_ADMIN, graphqlData } from '../support/graphql.js';
import { esp32Image } from '../support/firmware-images.js';
import { ADMIN_PASSWORD } from '../support/system.js';
import { esp32UpdateHeaders, updateCheck } from '../support/update-client.js';
import { openPhone, SCREENSHOTS, useUiSystem } from './phone.js';

/*
 * The web UI's Firmware view in Chromium against the real server: what a person can do with an
 * image, why they cannot when they cannot, and the lamps' updates a page at a time.
 */

describe.runIf(browserAvailable())('the Firmware view', () => {
  // One address plays every lamp here.
  const ui = useUiSystem(() => ({ firmwareLimits: { checksPerAddress: 10_000 } }));

  async function firmwareView(colorScheme: 'light' | 'dark' = 'light') {
    const { context, page } = await openPhone(ui.browser, colorScheme);
    await page.goto(`http://127.0.0.1:${ui.running.http}/`);
    await page.getByLabel('Admin password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Firmware' }).click();
    await page.getByRole('heading', { name: 'Upload firmware' }).waitFor();
    return { context, page };
  }

  /** The text of what an element's aria-describedby points at: its accessible description. */
  const description = (page: Page, name: string) =>
    page.getByRole('button', { name, exact: true }).evaluate((button) =>
      (button.getAttribute('aria-describedby') ?? '')
        .split(' ')
        .map((id) => document.getElementById(id)?.textContent?.trim() ?? '')
        .join(' '),
    );

  async function upload(version: string): Promise<string> {
    const form = new FormData();
    form.set(
      'operations',
      JSON.stringify({ query: 'mutation($file: File!) { uploadFirmware(file: $file) { id } }', variables: { file: null } }),
    );
    form.set('map', JSON.stringify({ 0: ['variables.file'] }));
    form.set('0', new Blob([new Uint8Array(esp32Image({ version, seed: `view-${version}` }))]), 'firmware.bin');
    const response = await fetch(`http://127.0.0.1:${ui.running.http}/graphql`, {
      method: 'POST',
      body: form,
      headers: { 'x-graphql-yoga-csrf': '1', ...AS_ADMIN },
    });
    return ((await response.json()) as { data: { uploadFirmware: { id: string } } }).data.uploadFirmware.id;
  }

  it('says why an image cannot be deleted, and lets it be unassigned and then deleted', async () => {
    const id = await upload('4.2.0');
    await graphqlData(
      ui.running.http,
      'mutation($id: ID!) { assignFirmware(firmwareId: $id, macs: ["A4:CF:12:00:0A:01", "A4:CF:12:00:0A:02"]) { mac } }',
      { id },
    );
    const { context, page } = await firmwareView();

    const del = page.getByRole('button', { name: 'Delete 4.2.0', exact: true });
    expect(await del.isDisabled()).toBe(true);
    const reason = 'Assigned to 2 lamps: unassign it before deleting it.';
    expect(await description(page, 'Delete 4.2.0')).toBe(reason);
    expect(await page.getByText(reason).isVisible()).toBe(true);

    // Nothing to upload yet: the button says why it waits.
    expect(await description(page, 'Upload')).toBe('Choose an image file to upload.');
    expect(await page.getByText('Choose an image file to upload.').isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Make default' }).click();
    const both = 'The default for all lamps, and assigned to 2 lamps: unassign it before deleting it.';
    await page.getByText(both).waitFor();
    expect(await description(page, 'Delete 4.2.0')).toBe(both);
    await page.getByRole('heading', { name: 'Images' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'firmware-images-light.png') });

    page.on('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Unassign 4.2.0' }).click();
    await page.getByText('Version 4.2.0 is no longer assigned.').waitFor();
    expect(await del.isEnabled()).toBe(true);
    expect(await page.getByText(both).count()).toBe(0);
    await del.click();
    await page.getByText('Deleted version 4.2.0.').waitFor();
    expect((await graphqlData(ui.running.http, '{ firmwareImages { nodes { id } } }')).firmwareImages.nodes).toEqual([]);
    await context.close();
  });

  it('styles the file input and the chip selector like the other controls', async () => {
    const { context, page } = await firmwareView('dark');
    const styles = await page.evaluate(() => {
      const select = document.getElementById('firmware-target')!;
      const text = document.getElementById('firmware-notes')!;
      const file = document.getElementById('firmware-file')!;
      const pick = (element: Element, pseudo?: string) => {
        const style = getComputedStyle(element, pseudo);
        return {
          font: style.fontFamily + ' ' + style.fontSize,
          color: style.color,
          background: style.backgroundColor,
          radius: style.borderRadius,
          appearance: style.appearance,
        };
      };
      return { select: pick(select), text: pick(text), file: pick(file), button: pick(file, '::file-selector-button') };
    });
    // The selector takes the page's font, colours and shape instead of the browser's.
    expect(styles.select).toMatchObject({
      font: styles.text.font,
      color: styles.text.color,
      background: styles.text.background,
      radius: styles.text.radius,
      appearance: 'none',
    });
    expect(styles.file).toMatchObject({ font: styles.text.font, background: styles.text.background, radius: styles.text.radius });
    expect(styles.button.radius).toBe('9px');
    await page.screenshot({ path: join(SCREENSHOTS, 'firmware-upload-dark.png') });
    await context.close();
  });

  it('pages through the lamps, 50 at a time', async () => {
    const macs = Array.from({ length: 60 }, (_, i) => `A4:CF:12:00:0B:${i.toString(16).padStart(2, '0').toUpperCase()}`);
    for (const mac of macs)
      expect((await updateCheck(ui.running.http, '/ota', esp32UpdateHeaders({ mac, version: '1.0.0' }))).status).toBe(304);
    const { context, page } = await firmwareView();
    await page.getByText('Lamps 1–50 of 60, by MAC').waitFor();
    expect(await page.getByText(macs[49]!, { exact: true }).count()).toBe(1);
    expect(await page.getByText(macs[50]!, { exact: true }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Previous lamps' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Next lamps' }).click();
    await page.getByText('Lamps 51–60 of 60, by MAC').waitFor();
    await page.getByText(macs[59]!, { exact: true }).waitFor();
    expect(await page.getByText(macs[0]!, { exact: true }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Next lamps' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Previous lamps' }).click();
    await page.getByText(macs[0]!, { exact: true }).waitFor();
    await context.close();
  });
});
