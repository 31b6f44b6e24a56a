import { existsSync, mkdtempSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killCommands, REPO_ROOT, runNpmScript } from './support/command.js';
import { graphql } from './support/graphql.js';

/* `npm start` as installed: the compiled JavaScript, with stack traces in the TypeScript sources. */

const LISTENING = /^cloud-cloud listening http=(\d+) device=(\d+)$/m;
const COMPILED = join(REPO_ROOT, 'dist/server/main.js');
/** A start that finds its build stale compiles first, which takes a few seconds on a busy machine. */
const START_TIMEOUT_MS = 60_000;
const dataDirs: string[] = [];

afterEach(() => {
  killCommands();
  for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function env(): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'cloud-cloud-compiled-'));
  dataDirs.push(dir);
  return { CC_HOST: '127.0.0.1', CC_HTTP_PORT: '0', CC_DEVICE_PORT: '0', CC_DATA_DIR: dir, CC_API_TOKEN: 'compiled-start-token' };
}

describe('npm start', () => {
  it('compiles again when the build is older than a source, then answers GraphQL', async () => {
    // An old build, as after editing a source: its sources are all newer.
    if (existsSync(COMPILED)) utimesSync(COMPILED, new Date('2001-01-01'), new Date('2001-01-01'));
    const started = runNpmScript('start', env());
    const [, http] = await started.waitForOutput(LISTENING, START_TIMEOUT_MS);
    expect(started.stderr()).toContain('build: compiled the commands');
    expect(statSync(COMPILED).mtime.getFullYear()).toBeGreaterThan(2001);

    const answer = await graphql(Number(http), '{ displayState { frame } }', undefined, { authorization: 'Bearer compiled-start-token' });
    expect(answer.data?.displayState?.frame).toBe('[cc:0:?:?]');
  });

  it('starts a fresh build without compiling', async () => {
    const started = runNpmScript('start', env());
    await started.waitForOutput(LISTENING, START_TIMEOUT_MS);
    // The previous test (or the install) left the build fresh.
    expect(started.stderr()).not.toContain('build: compiled');
  });

  it('reports an error with the TypeScript file and line it was thrown from', async () => {
    const started = runNpmScript('start', env(), ['--no-such-option']);
    expect(await started.exited).toBe(1);
    expect(started.stderr()).toContain("Unknown option '--no-such-option'");
    expect(started.stderr()).toMatch(/\bat main \(.*cli\/src\/main\.ts:\d+:\d+\)/);
    expect(started.stderr()).not.toMatch(/dist\/server\/main\.js:\d+/);
  });
});
