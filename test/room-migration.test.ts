import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, graphqlData } from './support/graphql.js';
import { allLamps, connectLamp, dialLamp, hangUp, lampById, lampWhen } from './support/lamp-rooms.js';
import { startSystem, temporaryDataDir, type RunningSystem } from './support/system.js';
import { esp32UpdateHeaders, md5, updateCheck } from './support/update-client.js';

/*
 * A database the previous version wrote (see fixtures/README.md), opened by this one. The facts
 * below are what that version answered when it wrote the file.
 */
const FIXTURES = new URL('./fixtures/', import.meta.url);
const DESK = {
  id: 'b5370580-8dda-4595-a0cc-03ab9a16f2d0',
  name: 'Desk lamp',
  secret: '1IQ0vO8nAkYXSBXPCMQHTCaUq4zzEEaU',
  createdAt: '2026-12-03T01:36:49.266Z',
};
const SHELF = {
  id: '02f07034-febc-40f1-9025-fe7380135e84',
  name: 'Shelf lamp',
  secret: 'lrkxZ1PA1IqREdvN9g1zOMDmoTV2G6Yt',
  createdAt: '2026-12-03T01:36:49.319Z',
  revokedAt: '2026-12-03T01:36:49.339Z',
};
/** Registered after the first shelf lamp was revoked, under the same name. */
const NEW_SHELF = {
  id: '70ea277d-d49a-480c-9f99-10e4d4c0b92e',
  name: 'Shelf lamp',
  secret: '5DFIJJFw1mx5TPvSoQRY__5A1OoOtOIx',
  createdAt: '2026-12-03T01:36:49.360Z',
};
const DEBUG_LINES = [
  { at: '2026-12-03T01:36:49.428Z', text: 'boot complete' },
  { at: '2026-12-03T01:36:49.429Z', text: 'wifi rssi -61' },
];
const IMAGE = {
  id: '4163eb4b-f581-42ee-aa76-0c4598504f47',
  version: '1.4.2',
  sha256: 'de4c381d67d9377e4763e856efc6307af6f5a32570d48263b9d02eeb2aa0b026',
  md5: '29db5a5bb922d2eb927989fba2804bf7',
  size: 4656,
  target: 'ESP32',
  format: 'ESP',
  project: 'cloud-lamp',
  notes: 'brighter rain',
  uploadedAt: '2026-12-03T01:36:49.719Z',
  uploadedBy: 'admin (CC_API_TOKEN)',
};
const MAC = '5C:CF:7F:12:34:56';
const ASSIGNED = { toMac: '2026-12-03T01:36:49.733Z', asDefault: '2026-12-03T01:36:49.747Z' };
const CHECKED_AT = '2026-12-03T01:36:49.764Z';
const DISPLAY_UPDATED_AT = '2026-12-03T01:36:49.795Z';
const TOKEN = { id: '13f19ff9-ed66-4163-9c7f-70b5bdbcb22b', name: 'kitchen dashboard', value: 'cc_0DKy4AeJoTtmjGHiiICuU_s17nd_o-0-' };
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
    // The lamp registered under the revoked one's name keeps that name too.
    expect(await lampById(running.http, NEW_SHELF.id)).toMatchObject({
      id: NEW_SHELF.id,
      name: NEW_SHELF.name,
      createdAt: NEW_SHELF.createdAt,
      revokedAt: null,
      identity: 'OWN_SECRET',
      hasOwnSecret: true,
      roomId: 'home',
    });
    const listed = (await allLamps(running.http)).map((lamp) => lamp.id);
    expect(listed).toEqual(expect.arrayContaining([DESK.id, NEW_SHELF.id]));
  });

  it("keeps the registered lamp's debug lines", async () => {
    const { lamp } = await graphqlData(
      running.http,
      'query($lampId: ID!) { lamp(lampId: $lampId) { debugMessages { nodes { at text } } } }',
      { lampId: DESK.id },
    );
    expect(lamp.debugMessages.nodes).toEqual(DEBUG_LINES);
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
          updatedAt: DISPLAY_UPDATED_AT,
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
        { mac: null, assignedAt: ASSIGNED.asDefault, firmware: { id: IMAGE.id } },
        { mac: MAC, assignedAt: ASSIGNED.toMac, firmware: { id: IMAGE.id } },
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
        lastCheckAt: CHECKED_AT,
        pendingFirmware: { id: IMAGE.id },
        assignedFirmware: { id: IMAGE.id },
        checks: {
          nodes: [{ at: CHECKED_AT, outcome: 'SENT', reportedVersion: '1.4.1', detail: 'sent 1.4.2', firmware: { id: IMAGE.id } }],
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
    const { lamp: newShelf, packet: newShelfPacket } = await connectLamp(running.device, { secret: NEW_SHELF.secret });
    expect(newShelfPacket).toBe(FRAME);
    expect(await lampById(running.http, NEW_SHELF.id)).toMatchObject({ online: true, name: NEW_SHELF.name });
    await hangUp(newShelf);
    await hangUp(lamp);
  });

  it('links the firmware record to the lamp that names its MAC, and rolls out to it by that MAC', async () => {
    const { lamp: socket, packet } = await connectLamp(running.device, { mac: MAC.toLowerCase(), from: '127.0.0.3' });
    expect(packet).toBe(FRAME);
    const lamp = await lampWhen(running.http, (l) => l.mac === MAC && l.online, 'the lamp');
    expect(lamp).toMatchObject({ name: `Lamp ${MAC}`, identity: 'MAC', roomId: 'home' });
    const { lamp: linked } = await graphqlData(
      running.http,
      'query($lampId: ID!) { lamp(lampId: $lampId) { firmware { mac state runningVersion lamp { id } } } }',
      {
        lampId: lamp.id,
      },
    );
    expect(linked.firmware).toEqual({ mac: MAC, state: 'UPDATE_SENT', runningVersion: '1.4.1', lamp: { id: lamp.id } });
    const { rollOutFirmware } = await graphqlData(
      running.http,
      'mutation($firmwareId: ID!, $macs: [String!]) { rollOutFirmware(firmwareId: $firmwareId, macs: $macs) { lampIds lampsReached } }',
      { firmwareId: IMAGE.id, macs: [MAC] },
    );
    expect(rollOutFirmware).toEqual({ lampIds: [lamp.id], lampsReached: 1 });
    expect(await socket.next()).toBe('[cc:u:?:?]');
    await hangUp(socket);
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
      expect(db.prepare('SELECT count(*) AS n FROM lamps WHERE secret_hash IS NOT NULL').get()).toEqual({ n: 3 });
    } finally {
      db.close();
    }
  });
});
