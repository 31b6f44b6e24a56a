import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, graphqlData } from './support/graphql.js';
import { allLamps, connectLamp, dialLamp, hangUp, lampById } from './support/lamp-rooms.js';
import { startSystem, temporaryDataDir, type RunningSystem } from './support/system.js';
import { esp32UpdateHeaders, md5, updateCheck } from './support/update-client.js';

/*
 * A database the previous version wrote (see fixtures/README.md), opened by this one. The facts
 * below are what that version answered when it wrote the file.
 */
const FIXTURES = new URL('./fixtures/', import.meta.url);
const DESK = {
  id: 'ca0b11e8-3b63-4605-b8d5-d808df9ae5bd',
  name: 'Desk lamp',
  secret: 'tzTp6psAePC6MTfAWr6UXCpgYcydyQ3a',
  createdAt: '2026-12-03T01:10:04.469Z',
};
const SHELF = {
  id: '63bcd5fe-3046-4b9d-9c54-438a34c08b52',
  name: 'Shelf lamp',
  secret: '0ZgQofVMf4OoVYlX48x9YdL25iOUxgKW',
  createdAt: '2026-12-03T01:10:04.483Z',
  revokedAt: '2026-12-03T01:10:04.493Z',
};
const IMAGE = {
  id: '178ce9cd-d69c-47fd-9c4d-df4ef0f74ad8',
  version: '1.4.2',
  sha256: 'de4c381d67d9377e4763e856efc6307af6f5a32570d48263b9d02eeb2aa0b026',
  md5: '29db5a5bb922d2eb927989fba2804bf7',
  size: 4656,
  target: 'ESP32',
  format: 'ESP',
  project: 'cloud-lamp',
  notes: 'brighter rain',
  uploadedAt: '2026-12-03T01:10:04.586Z',
  uploadedBy: 'admin (CC_API_TOKEN)',
};
const MAC = '5C:CF:7F:12:34:56';
const TOKEN = { id: 'deea04d4-16fd-403c-a035-dbb298b46f46', name: 'kitchen dashboard', value: 'cc_Ojym6mKjdIf5I7maB2O2G6jbWuWPXYeR' };
const FRAME = '[cc:2:255,136,0:3]';

let data: ReturnType<typeof temporaryDataDir>;
let running: RunningSystem;
beforeAll(async () => {
  data = temporaryDataDir();
  cpSync(new URL('previous-version.sqlite', FIXTURES), data.databaseFile);
  cpSync(new URL('previous-version-firmware/', FIXTURES), join(data.dir, 'firmware'), { recursive: true });
  running = await startSystem({ databaseFile: data.databaseFile });
});
afterAll(async () => {
  await running?.stop();
  data.remove();
});

describe('a database written by the previous version', () => {
  it('keeps the registered lamps, with their ids, names, dates and revocation, in the default room', async () => {
    const desk = await lampById(running.http, DESK.id);
    expect(desk).toMatchObject({
      id: DESK.id,
      name: DESK.name,
      createdAt: DESK.createdAt,
      revokedAt: null,
      identity: 'OWN_SECRET',
      weakIdentity: false,
      hasOwnSecret: true,
      online: false,
      connection: null,
      roomId: 'home',
      room: { id: 'home', name: 'Home' },
    });
    const shelf = await lampById(running.http, SHELF.id);
    expect(shelf).toMatchObject({
      id: SHELF.id,
      name: SHELF.name,
      createdAt: SHELF.createdAt,
      revokedAt: SHELF.revokedAt,
      identity: 'OWN_SECRET',
      hasOwnSecret: true,
      online: false,
    });
    expect((await allLamps(running.http)).map((lamp) => lamp.id)).toContain(DESK.id);
  });

  it("keeps the registered lamp's debug lines", async () => {
    const { lamp } = await graphqlData(
      running.http,
      'query($lampId: ID!) { lamp(lampId: $lampId) { debugMessages { nodes { at text } } } }',
      { lampId: DESK.id },
    );
    expect(lamp.debugMessages.nodes).toEqual([
      { at: '2026-12-03T01:10:04.516Z', text: 'boot complete' },
      { at: '2026-12-03T01:10:04.516Z', text: 'wifi rssi -61' },
    ]);
  });

  it("turns the display state into the default room's, and keeps debug on", async () => {
    const { rooms, displayState, debugEnabled } = await graphqlData(
      running.http,
      '{ rooms { id name position isDefault displayState { roomId mode color { hex } pulse frame updatedAt } } displayState { roomId frame } debugEnabled }',
    );
    expect(rooms).toEqual([
      {
        id: 'home',
        name: 'Home',
        position: 0,
        isDefault: true,
        displayState: {
          roomId: 'home',
          mode: 'MANUAL',
          color: { hex: '#ff8800' },
          pulse: 3,
          frame: FRAME,
          updatedAt: '2026-12-03T01:10:04.622Z',
        },
      },
    ]);
    expect(displayState).toEqual({ roomId: 'home', frame: FRAME });
    expect(debugEnabled).toBe(true);
  });

  it('keeps the firmware image, its assignments, and the lamp firmware record with its check', async () => {
    const { firmwareImages, firmwareAssignments, lampFirmware } = await graphqlData(
      running.http,
      `{
        firmwareImages { totalCount nodes { id version sha256 md5 size target format project notes uploadedAt uploadedBy assignedTo } }
        firmwareAssignments { mac assignedAt firmware { id } }
        lampFirmware { totalCount nodes { mac family runningVersion sdkVersion address state lastCheckAt
          pendingFirmware { id } assignedFirmware { id } checks { nodes { at outcome reportedVersion detail firmware { id } } } } }
      }`,
    );
    expect(firmwareImages.totalCount).toBe(1);
    expect(firmwareImages.nodes).toEqual([{ ...IMAGE, assignedTo: expect.arrayContaining(['*', MAC]) }]);
    expect(firmwareImages.nodes[0].assignedTo).toHaveLength(2);
    expect(firmwareAssignments).toEqual(
      expect.arrayContaining([
        { mac: null, assignedAt: '2026-12-03T01:10:04.598Z', firmware: { id: IMAGE.id } },
        { mac: MAC, assignedAt: '2026-12-03T01:10:04.592Z', firmware: { id: IMAGE.id } },
      ]),
    );
    expect(firmwareAssignments).toHaveLength(2);
    expect(lampFirmware.totalCount).toBe(1);
    expect(lampFirmware.nodes).toEqual([
      {
        mac: MAC,
        family: 'ESP32',
        runningVersion: '1.4.1',
        sdkVersion: 'v4.4.5',
        address: '127.0.0.1',
        state: 'UPDATE_SENT',
        lastCheckAt: '2026-12-03T01:10:04.605Z',
        pendingFirmware: { id: IMAGE.id },
        assignedFirmware: { id: IMAGE.id },
        checks: {
          nodes: [
            { at: '2026-12-03T01:10:04.605Z', outcome: 'SENT', reportedVersion: '1.4.1', detail: 'sent 1.4.2', firmware: { id: IMAGE.id } },
          ],
        },
      },
    ]);
  });

  it('still serves the default image to a lamp that checks for updates', async () => {
    const bytes = readFileSync(new URL(`previous-version-firmware/${IMAGE.sha256}.bin`, FIXTURES));
    const answer = await updateCheck(running.http, '/ota', esp32UpdateHeaders({ mac: '5C:CF:7F:65:43:21', version: '1.0.0' }), '127.0.0.2');
    expect(answer.status).toBe(200);
    expect(answer.headers['x-md5']).toBe(IMAGE.md5);
    expect(md5(answer.body)).toBe(md5(bytes));
  });

  it('keeps the API token, which still works', async () => {
    const { apiTokens } = await graphqlData(running.http, '{ apiTokens { id name scope revokedAt } }');
    expect(apiTokens).toContainEqual({ id: TOKEN.id, name: TOKEN.name, scope: 'READ_ONLY', revokedAt: null });
    const asReader = await graphql(running.http, '{ viewer { scope credential } displayState { frame } }', undefined, {
      authorization: `Bearer ${TOKEN.value}`,
    });
    expect(asReader).toEqual({ data: { viewer: { scope: 'READ_ONLY', credential: 'API_TOKEN' }, displayState: { frame: FRAME } } });
  });

  it("lets the registered lamp in with its secret, with the default room's packet, and keeps the revoked one out", async () => {
    const { lamp, packet } = await connectLamp(running.device, { secret: DESK.secret });
    expect(packet).toBe(FRAME);
    expect(await lampById(running.http, DESK.id)).toMatchObject({ online: true, identity: 'OWN_SECRET', name: DESK.name });
    const revoked = await dialLamp(running.device);
    revoked.send(SHELF.secret);
    expect((await revoked.closed).code).toBe(4401);
    expect((await lampById(running.http, SHELF.id)).online).toBe(false);
    await hangUp(lamp);
  });

  it('is migrated once: a restart finds everything as it was', async () => {
    const before = await graphqlData(
      running.http,
      `{ rooms { id name displayState { frame } } lamp(lampId: "${DESK.id}") { id name createdAt } debugEnabled }`,
    );
    await running.stop();
    expect(existsSync(data.databaseFile)).toBe(true);
    running = await startSystem({ databaseFile: data.databaseFile });
    expect(
      await graphqlData(
        running.http,
        `{ rooms { id name displayState { frame } } lamp(lampId: "${DESK.id}") { id name createdAt } debugEnabled }`,
      ),
    ).toEqual(before);
    const db = new Database(data.databaseFile, { readonly: true });
    try {
      expect(db.pragma('user_version', { simple: true })).toBeGreaterThan(3);
      expect(db.prepare('SELECT count(*) AS n FROM lamps').get()).toEqual({ n: 2 });
    } finally {
      db.close();
    }
  });
});
