/**
 * Renders the home-screen icons (PNG, as install prompts require) from public/icon.svg with the
 * same headless Chromium the browser tests use. Run after changing the SVG:
 *   node --import tsx ui/scripts/render-icons.ts
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const PUBLIC = fileURLToPath(new URL('../public/', import.meta.url));
const svg = readFileSync(`${PUBLIC}icon.svg`, 'utf8');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
try {
  for (const { file, size, padding } of [
    { file: 'icon-192.png', size: 192, padding: 0 },
    { file: 'icon-512.png', size: 512, padding: 0 },
    // Maskable icons are cropped to a circle by some launchers: keep the cloud in the middle 80 %.
    { file: 'icon-maskable-512.png', size: 512, padding: 0.1 },
  ]) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    const inset = Math.round(size * padding);
    await page.setContent(
      `<body style="margin:0;background:#11151c"><div style="padding:${inset}px;width:${size - 2 * inset}px;height:${size - 2 * inset}px">${svg.replace('<svg ', '<svg width="100%" height="100%" ')}</div></body>`,
    );
    await page.screenshot({ path: `${PUBLIC}${file}`, omitBackground: false });
    await page.close();
  }
} finally {
  await browser.close();
}
