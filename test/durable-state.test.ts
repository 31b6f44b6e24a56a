import { readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { DatabaseError, openDatabase } from '@cloud-cloud/api/store/database';
import { LampStore } from '@cloud-cloud/api/store/lamp-store';
import { afterEach, describe, expect, it } from 'vitest';
import { graphql, graphqlData } from './support/graphql.js';
import { commandEnv, killCommands, runCommand } from './support/command.js';
import { TestLamp } from './support/lamp.js';
import { startSystem, temporaryDataDir } from './support/system.js';

afterEach(killCommands);

const STATE = `{ displayState { mode color { hex } pulse weather { state intensity } frame updatedAt } debugEnabled
  rooms { id name position displayState { frame } lampCount } lamps { nodes { id name roomId hasOwnSecret } } }`;

describe('a restart', () => {
  it('brings back the exact display state, the debug choice, lamps, tokens and the generated device secret', async () => {
    const data = temporaryDataDir();
    const first = await startSystem({ databaseFile: data.databaseFile, deviceSecret: undefined });
    const secret = first.system.api.deviceSecret;
    expect(secret.source).toBe('generated');
    await graphqlData(first.http, 'mutation { setColor(color: { hex: "#123456" }) { frame } }');
    await graphqlData(first.http, 'mutation { setPulse(pulse: 6) { frame } }');
    await graphqlData(first.http, 'mutation { setDebug(enabled: true) { packet } }');
    const { createRoom } = await graphqlData(first.http, 'mutation { createRoom(name: "Bedroom") { id } }');
    await graphqlData(first.http, 'mutation($r: ID!) { setMode(mode: MANUAL, roomId: $r) { frame } }', { r: createRoom.id });
    const { registerLamp } = await graphqlData(
      first.http,
      'mutation($r: ID!) { registerLamp(name: "bedroom", roomId: $r) { secret lamp { id } } }',
      { r: createRoom.id },
    );
    const { createApiToken } = await graphqlData(first.http, 'mutation { createApiToken(name: "dashboard", scope: READ_ONLY) { token } }');
    const before = await graphqlData(first.http, STATE);
    await first.stop({ keepData: true });

    const second = await startSystem({ databaseFile: data.databaseFile, deviceSecret: undefined });
    expect(second.system.api.deviceSecret).toEqual({ value: secret.value, source: 'stored' });
    expect(await graphqlData(second.http, STATE)).toEqual(before);
    expect(before.displayState.frame).toBe('[cc:2:18,52,86:6]');

    const shared = await TestLamp.handshake(second.device, secret.value);
    expect(shared.packet).toBe('[cc:2:18,52,86:6]');
    // The registered lamp is in the bedroom, which shows its own state.
    const own = await TestLamp.handshake(second.device, registerLamp.secret);
    expect(own.packet).toBe('[cc:2:255,255,255:0]');
    expect(before.rooms.map((room: { name: string; lampCount: number }) => [room.name, room.lampCount])).toEqual([
      ['Home', 0],
      ['Bedroom', 1],
    ]);
    const readOnly = await graphql(second.http, '{ displayState { frame } }', undefined, {
      authorization: `Bearer ${createApiToken.token}`,
    });
    expect(readOnly.data?.displayState.frame).toBe('[cc:2:18,52,86:6]');

    shared.lamp.close();
    own.lamp.close();
    await second.stop();
    data.remove();
  });

  it('loses nothing that was answered when the process is killed with SIGKILL', async () => {
    const data = temporaryDataDir();
    const env = commandEnv(data.dir);
    const start = async () => {
      const command = runCommand('cli/src/main.ts', env);
      const [, http] = await command.waitForOutput(/http=(\d+)/);
      return { child: command.child, exited: command.exited, http: Number(http) };
    };

    const first = await start();
    let answered = '';
    for (let i = 0; i < 20; i++) {
      answered = (await graphqlData(first.http, `mutation { setColor(color: { r: ${i}, g: ${2 * i}, b: 7 }) { frame } }`)).setColor.frame;
    }
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await start();
    expect((await graphqlData(second.http, '{ displayState { frame } }')).displayState.frame).toBe(answered);
    second.child.kill('SIGKILL');
    await second.exited;
    data.remove();
  });
});

describe('the database', () => {
  it('stores secrets only as hashes', async () => {
    const running = await startSystem();
    const { createApiToken } = await graphqlData(running.http, 'mutation { createApiToken(name: "x", scope: ADMIN) { token } }');
    const { registerLamp } = await graphqlData(running.http, 'mutation { registerLamp(name: "hall") { secret } }');
    await running.stop({ keepData: true });
    const contents = readFileSync(running.databaseFile).toString('latin1') + readWal(running.databaseFile);
    expect(contents).not.toContain(createApiToken.token);
    expect(contents).not.toContain(registerLamp.secret);
    expect(contents).not.toContain('correct horse battery');
    rmSync(dirname(running.databaseFile), { recursive: true, force: true });
  });

  it('keeps the newest debug lines of each lamp, up to its limit', () => {
    const data = temporaryDataDir();
    const db = openDatabase(data.databaseFile);
    const lamps = new LampStore(db, 5);
    for (let i = 0; i < 12; i++) lamps.appendDebugMessage('a', { at: new Date(1000 * i), text: `a${i}` });
    lamps.appendDebugMessage('b', { at: new Date(0), text: 'b0' });
    expect(lamps.debugMessages('a', 100, null).map((m) => m.text)).toEqual(['a7', 'a8', 'a9', 'a10', 'a11']);
    expect(lamps.debugMessages('a', 2, null).map((m) => m.text)).toEqual(['a10', 'a11']);
    expect(lamps.debugMessages('b', 100, null).map((m) => m.text)).toEqual(['b0']);
    db.close();
    data.remove();
  });

  it('refuses a database written by a newer version, with a clear message', () => {
    const data = temporaryDataDir();
    const raw = new Database(data.databaseFile);
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => openDatabase(data.databaseFile)).toThrow(DatabaseError);
    expect(() => openDatabase(data.databaseFile)).toThrow(/newer cloud-cloud/);
    data.remove();
  });

  it('runs in WAL mode', () => {
    const data = temporaryDataDir();
    const db = openDatabase(data.databaseFile);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    data.remove();
  });
});

function readWal(databaseFile: string): string {
  try {
    return readFileSync(`${databaseFile}-wal`).toString('latin1');
  } catch {
    return '';
  }
}
