import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LampCloseCode } from '@cloud-cloud/protocol/close-codes';
import { graphql } from '../../test/support/graphql.js';
import { killCommands, REPO_ROOT, runCommand, type RunningCommand } from '../../test/support/command.js';
import { TestLamp } from '../../test/support/lamp.js';

/* The two commands as a person runs them: real processes, real ports, real signals. */

const dataDirs: string[] = [];

afterEach(() => {
  killCommands();
  for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cloud-cloud-cli-'));
  dataDirs.push(dir);
  return dir;
}

const run = runCommand;
const listening = (command: RunningCommand, pattern: RegExp) => command.waitForOutput(pattern);

const LISTENING = /^cloud-cloud listening http=(\d+) device=(\d+)$/m;
const local = { CC_HOST: '127.0.0.1', CC_HTTP_PORT: '0', CC_DEVICE_PORT: '0' };

describe('cloud-cloud (npm start)', () => {
  it('starts with no secrets configured, generates and keeps the device secret, and stops cleanly on SIGTERM', async () => {
    const data = dataDir();
    const first = run('cli/src/main.ts', { ...local, CC_DATA_DIR: data, CC_API_TOKEN: 'admin-token-for-scripts' });
    const [, http, device] = await listening(first, LISTENING);
    const secret = /device secret +(\S+) +\(generated, kept in (.+)\)/.exec(first.stdout());
    expect(secret?.[1]?.length).toBeGreaterThanOrEqual(24);
    expect(secret?.[2]).toBe(join(data, 'cloud-cloud.db'));
    expect(statSync(data).mode & 0o777).toBe(0o700);

    const { lamp, packet } = await TestLamp.handshake(Number(device), secret![1]!);
    expect(packet).toBe('[cc:0:?:?]');
    await graphql(Number(http), 'mutation { setPulse(pulse: 5) { frame } }', undefined, {
      authorization: 'Bearer admin-token-for-scripts',
    });
    expect(await lamp.next()).toBe('[cc:2:255,255,255:5]');

    first.child.kill('SIGTERM');
    expect((await lamp.closed).code).toBe(LampCloseCode.GoingAway);
    expect(await first.exited).toBe(0);

    const second = run('cli/src/main.ts', { ...local, CC_DATA_DIR: data });
    await listening(second, LISTENING);
    expect(second.stdout()).toContain(`device secret        ${secret![1]}  (kept in`);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  });

  it('serves GraphiQL that needs no internet, and a page at /', async () => {
    const started = run('cli/src/main.ts', { ...local, CC_DATA_DIR: dataDir() });
    const [, http] = await listening(started, LISTENING);
    const graphiql = await fetch(`http://127.0.0.1:${http}/graphql`, { headers: { accept: 'text/html' } });
    expect(graphiql.status).toBe(200);
    const html = await graphiql.text();
    expect(html).toContain('GraphiQL');
    // Its script and stylesheet come from this server: none from another host.
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)="(https?:)?\/\//);
    const page = await fetch(`http://127.0.0.1:${http}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('cloud-cloud');
  });

  it('uses CC_DEVICE_SECRET when given', async () => {
    const started = run('cli/src/main.ts', { ...local, CC_DATA_DIR: dataDir(), CC_DEVICE_SECRET: 'my-own-secret' });
    const [, , device] = await listening(started, LISTENING);
    const { packet } = await TestLamp.handshake(Number(device), 'my-own-secret');
    expect(packet).toBe('[cc:0:?:?]');
  });

  it('prints the listening line first on standard output under `npm start --silent`, as the README says', async () => {
    // npm itself, as a person runs it, in its own process group so that all of it can be stopped.
    const npm = spawn('npm', ['start', '--silent'], {
      cwd: REPO_ROOT,
      detached: true,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, CC_LOG_LEVEL: 'warn', ...local, CC_DATA_DIR: dataDir() },
    });
    try {
      let stdout = '';
      npm.stdout.on('data', (chunk) => (stdout += chunk));
      await new Promise<void>((resolve, reject) => {
        npm.stdout.on('data', () => stdout.includes('\n') && resolve());
        npm.on('exit', (code) => reject(new Error(`npm exited with ${code}`)));
      });
      expect(stdout.split('\n')[0]).toMatch(LISTENING);
    } finally {
      process.kill(-npm.pid!, 'SIGKILL');
    }
  });

  it('lists in --help every variable the README documents', async () => {
    const help = run('cli/src/main.ts', {}, ['--help']);
    expect(await help.exited).toBe(0);
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const configuration = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1));
    // The first cell of each row of the table names one or more variables.
    const documented = [...configuration.matchAll(/^\| (`[^|]+)\|/gm)].flatMap((row) =>
      [...row[1]!.matchAll(/`(CC_[A-Z_]+|NODE_ENV)`/g)].map((name) => name[1]!),
    );
    expect(documented).toEqual(expect.arrayContaining(['CC_HTTP_PORT', 'CC_API_URL', 'NODE_ENV', 'CC_OWM_LON']));
    for (const name of documented) expect(help.stdout()).toContain(name);
  });

  it.each([
    ['CC_API_TOKEN', 'hunter2-token', 'CC_API_TOKEN must be a token of at least 16 characters, got a value of 13 characters (not shown)'],
    [
      'CC_ADMIN_PASSWORD',
      'pa55wd',
      'CC_ADMIN_PASSWORD must be a password of at least 8 characters, got a value of 6 characters (not shown)',
    ],
    ['CC_DEVICE_SECRET', '   ', 'CC_DEVICE_SECRET must be a non-empty secret, got a value of 3 characters (not shown)'],
    ['CC_OWM_API_KEY', ' \t ', 'CC_OWM_API_KEY must be a non-empty key, got a value of 3 characters (not shown)'],
    ['CC_MQTT_URL', 'http://home:hunter2@broker', 'CC_MQTT_URL must start with mqtt:// or mqtts://, got http://'],
  ])('names %s and its rule but never prints the rejected secret', async (name, value, message) => {
    const bad = run('cli/src/main.ts', { ...local, CC_DATA_DIR: dataDir(), [name]: value });
    expect(await bad.exited).toBe(2);
    expect(bad.stderr()).toBe(`cloud-cloud: ${message}\n`);
    if (value.trim()) expect(bad.stderr() + bad.stdout()).not.toContain(value.trim());
  });

  it.each([
    ['CC_HTTP_PORT', 'abc', 'CC_HTTP_PORT must be a port number from 0 to 65535, got "abc"'],
    ['CC_DEVICE_PORT', '70000', 'CC_DEVICE_PORT must be a port number from 0 to 65535, got "70000"'],
    ['CC_HEARTBEAT_TIMEOUT', '-3', 'CC_HEARTBEAT_TIMEOUT must be a number of seconds above 0 and up to 86400, got "-3"'],
    ['CC_LOG_LEVEL', 'loud', 'CC_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
  ])('exits with a one-line error for %s=%s', async (name, value, message) => {
    const bad = run('cli/src/main.ts', { ...local, CC_DATA_DIR: dataDir(), [name]: value });
    expect(await bad.exited).toBe(2);
    expect(bad.stderr()).toBe(`cloud-cloud: ${message}\n`);
    expect(bad.stdout()).toBe('');
  });
});

describe('cloud-cloud-adapter (npm run adapter)', () => {
  it('runs an adapter on its own against a running API', async () => {
    const data = dataDir();
    const server = run('cli/src/main.ts', {
      ...local,
      CC_DATA_DIR: data,
      CC_ADAPTER_TOKEN: 'shared-adapter-token',
      CC_DEVICE_SECRET: 'lamp-secret',
      CC_API_TOKEN: 'admin-token-for-scripts',
    });
    const [, http] = await listening(server, LISTENING);
    const adapter = run('cli/src/adapter-main.ts', {
      CC_HOST: '127.0.0.1',
      CC_DEVICE_PORT: '0',
      CC_API_URL: `http://127.0.0.1:${http}/graphql`,
      CC_ADAPTER_TOKEN: 'shared-adapter-token',
      CC_LOG_LEVEL: 'info',
    });
    const [, device] = await listening(adapter, /^cloud-cloud-adapter listening device=(\d+)/m);
    await adapter.waitForLog(/linked to the API/);
    const secret = 'lamp-secret';
    // The display packet may still be on its way; a lamp told to try later tries again at once.
    let connected: Awaited<ReturnType<typeof TestLamp.handshake>> | undefined;
    while (!connected) {
      const lamp = await TestLamp.connect(Number(device));
      lamp.send(secret);
      const first = await lamp.next().catch(() => lamp.closed);
      if (first === 'ok') connected = { lamp, packet: await lamp.next() };
      else expect(first).toMatchObject({ code: LampCloseCode.TryAgainLater });
    }
    expect(connected?.packet).toBe('[cc:0:?:?]');
    await graphql(Number(http), 'mutation { setColor(color: { hex: "#102030" }) { frame } }', undefined, {
      authorization: 'Bearer admin-token-for-scripts',
    });
    expect(await connected.lamp.next()).toBe('[cc:2:16,32,48:0]');
    adapter.child.kill('SIGTERM');
    expect((await connected.lamp.closed).code).toBe(LampCloseCode.GoingAway);
    expect(await adapter.exited).toBe(0);
  });

  it('needs the adapter token', async () => {
    const adapter = run('cli/src/adapter-main.ts', { CC_DEVICE_PORT: '0', CC_DATA_DIR: dataDir() });
    expect(await adapter.exited).toBe(2);
    expect(adapter.stderr()).toMatch(/^cloud-cloud-adapter: CC_ADAPTER_TOKEN must be set/);
  });
});
