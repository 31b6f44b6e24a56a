import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { REPO_ROOT } from './support/command.js';

it("keeps the built page's JavaScript under 80 KB gzipped", () => {
  const assets = join(REPO_ROOT, 'ui/dist/assets');
  const scripts = readdirSync(assets).filter((file) => file.endsWith('.js'));
  expect(scripts.length).toBeGreaterThan(0);
  const gzipped = scripts.reduce((total, file) => total + gzipSync(readFileSync(join(assets, file)), { level: 9 }).length, 0);
  expect(gzipped).toBeLessThan(80 * 1024);
});
