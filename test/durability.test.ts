import { existsSync, unlinkSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { openDatabase, type SqliteDatabase } from '@cloud-cloud/api/store/database';
import { durabilityOf, StorageNotSynced, walFileSync, type Durability, type SyncFile } from '@cloud-cloud/api/store/durability';
import { afterEach, describe, expect, it } from 'vitest';
import { adapterClient, adapterRequest, execute } from './support/adapter-endpoint.js';
import { commandEnv, killCommands, runNpmScript } from './support/command.js';
import { AS_ADMIN, graphql, graphqlData, wsClient } from './support/graphql.js';
import { buildTestApi, DEVICE_SECRET, silentLogger, temporaryDataDir } from './support/system.js';

/**
 * One sync the code under test started: what the test could see committed when it began, and
 * the hand that ends it. Nothing here waits for time; the test decides when a sync finishes.
 */
interface SyncCall {
  /** Commits the test had counted when the sync began. */
  readonly commitsBefore: number;
  finished: boolean;
  release(): void;
  fail(error: Error): void;
}

/** A sync function that reports each call and, while `holding`, finishes only when told. */
function heldSyncs(commits: () => number = () => 0) {
  const calls: SyncCall[] = [];
  const waiting: ((call: SyncCall) => void)[] = [];
  const held = {
    holding: false,
    calls,
    /** The next sync to start. */
    nextCall(): Promise<SyncCall> {
      return new Promise((resolve) => waiting.push(resolve));
    },
    /** Lets every sync finish, held or to come (so that a failed test can still stop the API). */
    releaseAll(): void {
      held.holding = false;
      for (const call of calls) if (!call.finished) call.release();
    },
    syncFile: ((file: string) =>
      new Promise<void>((resolve, reject) => {
        const call: SyncCall = {
          commitsBefore: commits(),
          finished: false,
          release: () => {
            call.finished = true;
            resolve();
          },
          fail: (error) => reject(error),
        };
        calls.push(call);
        for (const take of waiting.splice(0)) take(call);
        expect(file).toMatch(/cloud-cloud\.db-wal$/);
        if (!held.holding) call.release();
      })) as SyncFile,
  };
  return held;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('the durability barrier', () => {
  let db: SqliteDatabase;
  let remove: () => void;
  afterEach(() => {
    db?.close();
    remove?.();
  });

  function open(syncFile: SyncFile): { durability: Durability; insert: (n: number) => void } {
    const data = temporaryDataDir();
    remove = data.remove;
    db = openDatabase(data.databaseFile);
    const durability = durabilityOf(db, silentLogger, syncFile);
    db.exec('CREATE TABLE numbers (n INTEGER NOT NULL)');
    const statement = db.prepare('INSERT INTO numbers (n) VALUES (?)');
    return { durability, insert: (n) => statement.run(n) };
  }

  it('lets 50 concurrent callers share a few syncs, each answered only by a sync begun after its commit', async () => {
    let commits = 0;
    const syncs = heldSyncs(() => commits);
    const { durability, insert } = open(syncs.syncFile);
    await durability.synced();
    await turn();
    syncs.calls.length = 0;

    syncs.holding = true;
    const answered: Promise<void>[] = [];
    const caller = (n: number) => {
      insert(n);
      const mine = ++commits;
      answered.push(
        durability.synced().then(() => {
          // Some sync that began after this caller's commit has finished.
          expect(syncs.calls.some((call) => call.finished && call.commitsBefore >= mine)).toBe(true);
        }),
      );
    };
    // 25 arrive in one turn of the event loop: they share one sync, begun once the turn is over.
    const first = syncs.nextCall();
    for (let n = 0; n < 25; n++) caller(n);
    const running = await first;
    // 25 more arrive while it runs and wait for the next one.
    for (let n = 25; n < 50; n++) caller(n);
    const second = syncs.nextCall();
    running.release();
    (await second).release();
    await Promise.all(answered);

    expect(syncs.calls).toHaveLength(2);
    expect(syncs.calls.map((call) => call.commitsBefore)).toEqual([25, 50]);
  });

  it('syncs a write nobody waits for right after it, by itself', async () => {
    let commits = 0;
    const syncs = heldSyncs(() => commits);
    const { durability, insert } = open(syncs.syncFile);
    await durability.synced();
    await turn();
    const sync = syncs.nextCall();
    insert(1);
    commits += 1;
    expect((await sync).commitsBefore).toBe(1);
  });

  it('syncs nothing when nothing changed since the last sync, and rides on a running sync that covers everything', async () => {
    const syncs = heldSyncs();
    const { durability, insert } = open(syncs.syncFile);
    insert(1);
    await durability.synced();
    await turn();
    const before = syncs.calls.length;
    await durability.synced();
    expect(syncs.calls).toHaveLength(before);

    syncs.holding = true;
    insert(2);
    const running = syncs.nextCall();
    const one = durability.synced();
    const two = durability.synced();
    (await running).release();
    await Promise.all([one, two]);
    await turn(); // the write's own background request finds it synced
    expect(syncs.calls).toHaveLength(before + 1);
  });

  it('rejects with StorageNotSynced when the sync fails, and tries again on the next call', async () => {
    const syncs = heldSyncs();
    const { durability, insert } = open(syncs.syncFile);
    await durability.synced();
    await turn();
    syncs.holding = true;
    insert(1);
    const call = syncs.nextCall();
    const failed = durability.synced();
    (await call).fail(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    await expect(failed).rejects.toThrow(StorageNotSynced);
    await expect(failed).rejects.toThrow('could not sync the database to disk: EIO: i/o error, fdatasync');

    const again = syncs.nextCall();
    const retried = durability.synced();
    (await again).release();
    await expect(retried).resolves.toBeUndefined();
  });

  it('makes a deferred write at the end of the turn, once however often deferred, and syncs after it', async () => {
    const syncs = heldSyncs(() => db.prepare('SELECT count(*) FROM numbers').pluck().get() as number);
    const { durability, insert } = open(syncs.syncFile);
    await durability.synced();
    await turn();
    let made = 0;
    const write = () => insert(++made);
    durability.deferWrite(write);
    durability.deferWrite(write);
    const synced = durability.synced();
    expect(made).toBe(0);
    await synced;
    expect(made).toBe(1);
    // The sync that answered began once the write was committed.
    expect(syncs.calls.at(-1)!.commitsBefore).toBe(1);
  });

  it('fails the syncs waiting on a deferred write the database refused, and makes it again before closing', async () => {
    const { durability, insert } = open(heldSyncs().syncFile);
    await durability.synced();
    db.pragma('query_only = ON');
    durability.deferWrite(() => insert(7));
    const failed = durability.synced();
    await expect(failed).rejects.toThrow(StorageNotSynced);
    await expect(failed).rejects.toThrow('could not store the change in the database: attempt to write a readonly database');
    db.pragma('query_only = OFF');
    await durability.dispose();
    expect(db.prepare('SELECT n FROM numbers').pluck().all()).toEqual([7]);
  });

  it('syncs a real write-ahead log, one that was recreated, and takes a log that is gone as checkpointed', async () => {
    const syncFile = walFileSync();
    const { durability, insert } = open(syncFile);
    insert(1);
    await durability.synced();
    const wal = `${db.name}-wal`;
    expect(existsSync(wal)).toBe(true);
    await expect(syncFile(wal)).resolves.toBeUndefined();
    // Another file under the same name, and then none.
    const elsewhere = `${db.name}-other-wal`;
    writeFileSync(elsewhere, 'a log');
    await expect(syncFile(elsewhere)).resolves.toBeUndefined();
    unlinkSync(elsewhere);
    writeFileSync(elsewhere, 'another log');
    await expect(syncFile(elsewhere)).resolves.toBeUndefined();
    unlinkSync(elsewhere);
    await expect(syncFile(elsewhere)).resolves.toBeUndefined();
    await syncFile.close();
  });
});

describe('a mutation', () => {
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
  });

  /** The API on a free port, syncing with `syncFile`; its port and database. */
  async function startWith(syncFile: SyncFile): Promise<{ http: number; databaseFile: string; database: SqliteDatabase }> {
    const { api, database, data } = buildTestApi({ syncFile });
    const { port } = await api.start();
    stops.push(async () => {
      await api.stop();
      database.close();
      data.remove();
    });
    return { http: port, databaseFile: database.name, database };
  }

  /**
   * Sends `query` with every sync from now on held, and returns once the sync it waits for has
   * begun: that sync, whether the mutation has been answered yet, and its answer.
   */
  async function heldAtSync(http: number, syncs: ReturnType<typeof heldSyncs>, query: string) {
    syncs.holding = true;
    stops.unshift(() => Promise.resolve(syncs.releaseAll()));
    const sync = syncs.nextCall();
    let answered = false;
    const mutation = graphqlData(http, query).then((answer) => {
      answered = true;
      return answer;
    });
    return { call: await sync, answered: () => answered, mutation };
  }

  it('is answered only after a sync that began once its change was committed', async () => {
    const syncs = heldSyncs();
    const { http, databaseFile } = await startWith(syncs.syncFile);

    const { call, answered, mutation } = await heldAtSync(http, syncs, 'mutation { createRoom(name: "Attic") { name } }');
    // Committed before the sync began: another connection to the file sees it.
    const reader = new Database(databaseFile, { readonly: true });
    expect(reader.prepare('SELECT name FROM rooms WHERE name = ?').pluck().get('Attic')).toBe('Attic');
    reader.close();
    // The API goes on answering (a query sees the new room) while the mutation waits for the disk.
    const rooms = await graphqlData(http, '{ rooms { name } }');
    expect(rooms.rooms.map((room: { name: string }) => room.name)).toContain('Attic');
    expect(answered()).toBe(false);
    call.release();
    expect(await mutation).toEqual({ createRoom: { name: 'Attic' } });
  });

  it("that changes a room's display is answered only after a sync that began once the display was stored", async () => {
    const syncs = heldSyncs();
    const { http, databaseFile } = await startWith(syncs.syncFile);
    // Everything so far on disk: the change below is all a sync could still owe.
    await graphqlData(http, 'mutation { setPulse(pulse: 0) { frame } }');
    const { call, answered, mutation } = await heldAtSync(http, syncs, 'mutation { setColor(color: { hex: "#123456" }) { frame } }');
    const reader = new Database(databaseFile, { readonly: true });
    expect(reader.prepare("SELECT red, green, blue FROM rooms WHERE id = 'home'").get()).toEqual({ red: 0x12, green: 0x34, blue: 0x56 });
    reader.close();
    // A request sent after it is answered first: the mutation waits for the disk.
    expect(await graphqlData(http, '{ displayState { frame } }')).toEqual({ displayState: { frame: '[cc:2:18,52,86:0]' } });
    expect(answered()).toBe(false);
    call.release();
    expect(await mutation).toEqual({ setColor: { frame: '[cc:2:18,52,86:0]' } });
  });

  it('whose change the database refused says so, while the lamps show it; the next change stores both', async () => {
    const { http, databaseFile, database } = await startWith(() => Promise.resolve());
    database.pragma('query_only = ON');
    const refused = await graphql(http, 'mutation { setColor(color: { hex: "#102030" }) { frame } }');
    expect(refused.errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('could not store the change in the database: attempt to write a readonly database') as string,
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      }),
    ]);
    expect(await graphqlData(http, '{ displayState { frame } }')).toEqual({ displayState: { frame: '[cc:2:16,32,48:0]' } });
    database.pragma('query_only = OFF');
    expect(await graphqlData(http, 'mutation { setPulse(pulse: 4) { frame } }')).toEqual({ setPulse: { frame: '[cc:2:16,32,48:4]' } });
    const reader = new Database(databaseFile, { readonly: true });
    expect(reader.prepare("SELECT red, green, blue, pulse FROM rooms WHERE id = 'home'").get()).toEqual({
      red: 16,
      green: 32,
      blue: 48,
      pulse: 4,
    });
    reader.close();
  });

  it('answers a failed sync with a clear error on every path, both schemas, and keeps working after', async () => {
    let failing: boolean;
    const syncFile: SyncFile = () =>
      failing ? Promise.reject(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })) : Promise.resolve();
    failing = false;
    const { http } = await startWith(syncFile);
    failing = true;
    const expected = {
      message: expect.stringContaining('could not sync the database to disk: EIO: i/o error, fdatasync'),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };

    const overHttp = await graphql(http, 'mutation { setColor(color: { hex: "#102030" }) { frame } }');
    expect(overHttp.errors).toEqual([expect.objectContaining(expected)]);
    expect(overHttp.data).toBeNull();

    const sse = await fetch(`http://127.0.0.1:${http}/graphql`, {
      method: 'POST',
      headers: { accept: 'text/event-stream', 'content-type': 'application/json', ...AS_ADMIN },
      body: JSON.stringify({ query: 'mutation { setPulse(pulse: 3) { frame } }' }),
    });
    expect(await sse.text()).toContain('could not sync the database to disk');

    const client = wsClient(http);
    const overWs = await execute(client, 'mutation { setDebug(enabled: true) { packet } }');
    expect(overWs.errors).toEqual([expect.objectContaining(expected)]);
    await client.dispose();

    const adapter = adapterClient(http);
    const now = new Date().toISOString();
    const admitted = await execute(adapter, 'mutation ($l: LampSessionInput!) { admitLamp(lamp: $l) { accepted } }', {
      l: { connectionId: 'test-adapter.1', secret: DEVICE_SECRET, remoteAddress: '203.0.113.9', connectedAt: now, lastSeenAt: now },
    });
    expect(admitted.errors).toEqual([expect.objectContaining(expected)]);
    await adapter.dispose();
    const overAdapterHttp = await adapterRequest(http, 'mutation { confirmLampCommand(commandId: "none", connectionIds: []) }');
    expect(overAdapterHttp.body.errors).toEqual([expect.objectContaining(expected)]);

    // The disk is back: the changes made meanwhile are synced with the next mutation.
    failing = false;
    expect(await graphqlData(http, 'mutation { setColor(color: { hex: "#405060" }) { frame } }')).toEqual({
      setColor: { frame: '[cc:2:64,80,96:3]' },
    });
  });
});

describe('a change made outside any mutation', () => {
  it('is synced right after, with nobody waiting', async () => {
    const syncs = heldSyncs();
    const { api, database, data } = buildTestApi({ syncFile: syncs.syncFile });
    await api.start();
    await turn();
    const sync = syncs.nextCall();
    // As a schedule, a fade or the MQTT bridge changes a room: through the service, no mutation.
    const home = api.services.rooms.defaultRoom();
    api.services.roomDisplays.setColor(home.id, { r: 1, g: 2, b: 3 });
    await sync;
    await api.stop();
    database.close();
    data.remove();
  });
});

describe('the compiled server', () => {
  afterEach(killCommands);

  it('keeps a changed setting that was answered when it is killed with SIGKILL right after', async () => {
    const data = temporaryDataDir();
    const env = commandEnv(data.dir);
    const start = async () => {
      const command = runNpmScript('start', env);
      const [, http] = await command.waitForOutput(/listening http=(\d+)/, 60_000);
      return { command, http: Number(http) };
    };

    const first = await start();
    await graphqlData(first.http, 'mutation { configureWeather(settings: { intervalSeconds: 777 }) { source { intervalSeconds } } }');
    const { setColor } = await graphqlData(first.http, 'mutation { setColor(color: { hex: "#0a0b0c" }) { frame } }');
    first.command.child.kill('SIGKILL');
    await first.command.exited;

    const second = await start();
    const after = await graphqlData(second.http, '{ displayState { frame } weather { source { intervalSeconds } } }');
    expect(after).toEqual({ displayState: { frame: setColor.frame }, weather: { source: { intervalSeconds: 777 } } });
    second.command.child.kill('SIGKILL');
    await second.command.exited;
    data.remove();
  }, 120_000);
});
