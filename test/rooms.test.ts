import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commandEnv, runCommand } from './support/command.js';
import { graphql, graphqlData, subscribe, wsClient } from './support/graphql.js';
import type { TestLamp } from './support/lamp.js';
import { allLamps, connectLamp, createRoom, hangUp, lampById, lampWhen, moveLamp, offline, setRoomColor } from './support/lamp-rooms.js';
import { openDatabase } from '@cloud-cloud/api/store/database';
import { DEVICE_SECRET, startAdapter, startApi, startSystem, temporaryDataDir, type RunningSystem } from './support/system.js';

const ROOM = 'id name position isDefault lampCount onlineLampCount displayState { roomId mode color { hex } pulse frame }';

let running: RunningSystem;
/** Lamps a test connected; each test starts with none online. */
const connected: TestLamp[] = [];
beforeAll(async () => {
  running = await startSystem();
});
afterEach(async () => {
  for (const lamp of connected.splice(0)) await hangUp(lamp);
  for (const room of await rooms()) {
    if (!room.isDefault)
      await graphqlData(running.http, 'mutation($roomId: ID!) { deleteRoom(roomId: $roomId) { roomId } }', { roomId: room.id });
  }
  await lampWhenNoneOnline();
});
afterAll(() => running.stop());

async function rooms(): Promise<any[]> {
  return (await graphqlData(running.http, `{ rooms { ${ROOM} } }`)).rooms;
}

async function lampWhenNoneOnline(): Promise<void> {
  const deadline = Date.now() + 5000;
  while ((await allLamps(running.http)).some((lamp) => lamp.online)) {
    if (Date.now() > deadline) throw new Error('lamps still online');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A lamp known by its MAC, connected, with its Lamp record and first packet. */
async function lampWithMac(mac: string): Promise<{ lamp: TestLamp; packet: string; id: string }> {
  const { lamp, packet } = await connectLamp(running.device, { mac });
  connected.push(lamp);
  const { id } = await lampWhen(running.http, (l) => l.mac === mac && l.online, `lamp ${mac}`);
  return { lamp, packet, id };
}

describe('rooms', () => {
  it('start with the default room "Home", which holds every new lamp', async () => {
    expect(await rooms()).toEqual([
      expect.objectContaining({
        id: 'home',
        name: 'Home',
        position: 0,
        isDefault: true,
        displayState: expect.objectContaining({ roomId: 'home' }),
      }),
    ]);
    const { id } = await lampWithMac('5C:CF:7F:00:10:01');
    expect((await lampById(running.http, id)).roomId).toBe('home');
    expect((await rooms())[0]).toMatchObject({ lampCount: 1, onlineLampCount: 1 });
  });

  it('are created, renamed, reordered and deleted; names are checked', async () => {
    const kitchen = await createRoom(running.http, 'Kitchen');
    const bedroom = await createRoom(running.http, 'Bedroom');
    expect(kitchen.id).toMatch(/^room-/);
    expect((await rooms()).map((room) => room.name)).toEqual(['Home', 'Kitchen', 'Bedroom']);

    for (const name of ['', 'x'.repeat(65), 'kitchen', 'HOME']) {
      const refused = await graphql(running.http, 'mutation($name: String!) { createRoom(name: $name) { id } }', { name });
      expect(refused.errors?.[0]?.message, name).toMatch(/name/i);
    }
    const renamed = await graphqlData(running.http, 'mutation($roomId: ID!) { renameRoom(roomId: $roomId, name: "Cellar") { id name } }', {
      roomId: bedroom.id,
    });
    expect(renamed.renameRoom).toEqual({ id: bedroom.id, name: 'Cellar' });
    const home = await graphqlData(running.http, 'mutation { renameRoom(roomId: "home", name: "Flat") { id name isDefault } }');
    expect(home.renameRoom).toEqual({ id: 'home', name: 'Flat', isDefault: true });

    const order = [bedroom.id, 'home', kitchen.id];
    const reordered = await graphqlData(running.http, 'mutation($roomIds: [ID!]!) { reorderRooms(roomIds: $roomIds) { id position } }', {
      roomIds: order,
    });
    expect(reordered.reorderRooms).toEqual(order.map((id, position) => ({ id, position })));
    expect((await rooms()).map((room) => room.id)).toEqual(order);
    const partial = await graphql(running.http, 'mutation($roomIds: [ID!]!) { reorderRooms(roomIds: $roomIds) { id } }', {
      roomIds: ['home'],
    });
    expect(partial.errors?.[0]?.message).toMatch(/room/i);

    const refusedDelete = await graphql(running.http, 'mutation { deleteRoom(roomId: "home") { roomId } }');
    expect(refusedDelete.errors?.[0]?.message).toMatch(/default/i);
    const deleted = await graphqlData(
      running.http,
      'mutation($roomId: ID!) { deleteRoom(roomId: $roomId) { roomId movedLampIds defaultRoom { id } } }',
      {
        roomId: kitchen.id,
      },
    );
    expect(deleted.deleteRoom).toEqual({ roomId: kitchen.id, movedLampIds: [], defaultRoom: { id: 'home' } });
    expect(await graphqlData(running.http, 'query($roomId: ID!) { room(roomId: $roomId) { id } }', { roomId: kitchen.id })).toEqual({
      room: null,
    });
    await graphqlData(running.http, 'mutation { renameRoom(roomId: "home", name: "Home") { id } }');
  });

  it('show their own packets; a change reaches only its room; a moved lamp gets its new room at once', async () => {
    const kitchen = await createRoom(running.http, 'Kitchen');
    const red = await setRoomColor(running.http, null, '#ff0000');
    const blue = await setRoomColor(running.http, kitchen.id, '#0000ff');
    expect([red, blue]).toEqual(['[cc:2:255,0,0:0]', '[cc:2:0,0,255:0]']);

    const a = await lampWithMac('5C:CF:7F:00:10:02');
    const b = await lampWithMac('5C:CF:7F:00:10:03');
    expect([a.packet, b.packet]).toEqual([red, red]);
    const moved = await moveLamp(running.http, b.id, kitchen.id);
    expect(moved).toMatchObject({ id: b.id, roomId: kitchen.id, room: { id: kitchen.id, name: 'Kitchen' }, online: true });
    expect(await b.lamp.next()).toBe(blue);

    // A change to the kitchen reaches b; a's next packet is the change to its own room.
    const green = await setRoomColor(running.http, kitchen.id, '#00ff00');
    expect(await b.lamp.next()).toBe(green);
    const white = await setRoomColor(running.http, null, '#ffffff');
    expect(await a.lamp.next()).toBe(white);
    // And b's next is a later kitchen change, not the change at home.
    const dim = await setRoomColor(running.http, kitchen.id, '#010101');
    expect(await b.lamp.next()).toBe(dim);

    // Each room's state is its own.
    const states = await graphqlData(
      running.http,
      'query($roomId: ID) { home: displayState { roomId frame } kitchen: displayState(roomId: $roomId) { roomId frame } }',
      {
        roomId: kitchen.id,
      },
    );
    expect(states).toEqual({ home: { roomId: 'home', frame: white }, kitchen: { roomId: kitchen.id, frame: dim } });

    // A lamp reconnecting gets its own room's packet.
    await hangUp(b.lamp);
    await offline(running.http, b.id);
    const { lamp: again, packet } = await connectLamp(running.device, { mac: '5C:CF:7F:00:10:03' });
    connected.push(again);
    expect(packet).toBe(dim);
    expect(await lampById(running.http, b.id)).toMatchObject({ roomId: kitchen.id, online: true });
  });

  it('commands reach the chosen lamps or the chosen room only', async () => {
    const kitchen = await createRoom(running.http, 'Kitchen');
    const a = await lampWithMac('5C:CF:7F:00:10:04');
    const b = await lampWithMac('5C:CF:7F:00:10:05');
    const c = await lampWithMac('5C:CF:7F:00:10:06');
    await moveLamp(running.http, c.id, kitchen.id);
    await c.lamp.next();
    const send =
      'mutation($command: DeviceCommand!, $roomId: ID, $lampIds: [ID!]) { sendCommand(command: $command, roomId: $roomId, lampIds: $lampIds) { lampIds lampsReached packet } }';

    const one = await graphqlData(running.http, send, { command: 'RESET', lampIds: [a.id] });
    expect(one.sendCommand).toEqual({ lampIds: [a.id], lampsReached: 1, packet: '[cc:r:?:?]' });
    expect(await a.lamp.next()).toBe('[cc:r:?:?]');
    // The next thing b receives is an UPDATE aimed at it: the RESET went to a alone.
    await graphqlData(running.http, send, { command: 'UPDATE', lampIds: [b.id] });
    expect(await b.lamp.next()).toBe('[cc:u:?:?]');

    const room = await graphqlData(running.http, send, { command: 'RESET', roomId: kitchen.id });
    expect(room.sendCommand).toMatchObject({ lampIds: [c.id], lampsReached: 1 });
    expect(await c.lamp.next()).toBe('[cc:r:?:?]');
    await graphqlData(running.http, send, { command: 'UPDATE', lampIds: [a.id, b.id] });
    expect(await a.lamp.next()).toBe('[cc:u:?:?]');
    expect(await b.lamp.next()).toBe('[cc:u:?:?]');

    const debug = await graphqlData(
      running.http,
      'mutation($lampIds: [ID!]) { setDebug(enabled: true, lampIds: $lampIds) { lampIds lampsReached packet } }',
      {
        lampIds: [c.id],
      },
    );
    expect(debug.setDebug).toEqual({ lampIds: [c.id], lampsReached: 1, packet: '[cc:d:1:?]' });
    expect(await c.lamp.next()).toBe('[cc:d:1:?]');

    const unknown = await graphql(running.http, send, { command: 'RESET', lampIds: ['lamp-unknown'] });
    expect(unknown.errors?.[0]?.message).toMatch(/lamp/i);
  });

  it('deleting a room moves its lamps to the default room, which they show at once', async () => {
    const kitchen = await createRoom(running.http, 'Kitchen');
    const home = await setRoomColor(running.http, null, '#112233');
    const kitchenFrame = await setRoomColor(running.http, kitchen.id, '#445566');
    const a = await lampWithMac('5C:CF:7F:00:10:07');
    const b = await lampWithMac('5C:CF:7F:00:10:08');
    for (const lamp of [a, b]) {
      await moveLamp(running.http, lamp.id, kitchen.id);
      expect(await lamp.lamp.next()).toBe(kitchenFrame);
    }
    // One that never connected is moved too.
    const { registerLamp } = await graphqlData(
      running.http,
      'mutation($roomId: ID) { registerLamp(name: "Unplugged", roomId: $roomId) { lamp { id } } }',
      {
        roomId: kitchen.id,
      },
    );
    const { deleteRoom } = await graphqlData(
      running.http,
      `mutation($roomId: ID!) { deleteRoom(roomId: $roomId) { roomId movedLampIds defaultRoom { ${ROOM} } } }`,
      { roomId: kitchen.id },
    );
    expect(deleteRoom.roomId).toBe(kitchen.id);
    expect([...deleteRoom.movedLampIds].sort()).toEqual([a.id, b.id, registerLamp.lamp.id].sort());
    expect((await lampById(running.http, registerLamp.lamp.id)).roomId).toBe('home');
    expect(deleteRoom.defaultRoom).toMatchObject({ id: 'home', displayState: { frame: home } });
    expect(await a.lamp.next()).toBe(home);
    expect(await b.lamp.next()).toBe(home);
    for (const lamp of [a, b]) expect((await lampById(running.http, lamp.id)).roomId).toBe('home');
  });

  it('setAllRooms sets every room at once', async () => {
    const kitchen = await createRoom(running.http, 'Kitchen');
    const cellar = await createRoom(running.http, 'Cellar');
    const a = await lampWithMac('5C:CF:7F:00:10:09');
    const b = await lampWithMac('5C:CF:7F:00:10:0A');
    await moveLamp(running.http, b.id, cellar.id);
    await b.lamp.next();
    const { setAllRooms } = await graphqlData(
      running.http,
      `mutation { setAllRooms(display: { mode: MANUAL, color: { hex: "#123456" }, pulse: 5 }) { ${ROOM} } }`,
    );
    expect(setAllRooms.map((room: any) => room.id)).toEqual(['home', kitchen.id, cellar.id]);
    for (const room of setAllRooms)
      expect(room.displayState).toMatchObject({ mode: 'MANUAL', color: { hex: '#123456' }, pulse: 5, frame: '[cc:2:18,52,86:5]' });
    expect(await a.lamp.next()).toBe('[cc:2:18,52,86:5]');
    expect(await b.lamp.next()).toBe('[cc:2:18,52,86:5]');
    const off = await graphqlData(
      running.http,
      'mutation { setAllRooms(display: { mode: OFF }) { displayState { mode color { hex } frame } } }',
    );
    for (const room of off.setAllRooms) expect(room.displayState).toEqual({ mode: 'OFF', color: { hex: '#123456' }, frame: '[cc:0:?:?]' });
    const empty = await graphql(running.http, 'mutation { setAllRooms(display: {}) { id } }');
    expect(empty.errors?.[0]?.message).toMatch(/display/i);
  });

  it('the rooms subscription sends the list at once, then after every change', async () => {
    const client = wsClient(running.http);
    const updates = subscribe(client, 'subscription { rooms { id name onlineLampCount displayState { frame } } }');
    expect((await updates.next()).rooms.map((room: any) => room.id)).toEqual(['home']);
    const kitchen = await createRoom(running.http, 'Kitchen');
    let latest = (await updates.next()).rooms;
    expect(latest.map((room: any) => room.name)).toEqual(['Home', 'Kitchen']);
    const frame = await setRoomColor(running.http, kitchen.id, '#abcdef');
    while (latest[1].displayState.frame !== frame) latest = (await updates.next()).rooms;
    // A lamp coming online, and moving, changes the counts.
    const { id } = await lampWithMac('5C:CF:7F:00:10:0B');
    while (latest[0].onlineLampCount !== 1) latest = (await updates.next()).rooms;
    await moveLamp(running.http, id, kitchen.id);
    while (latest[1].onlineLampCount !== 1) latest = (await updates.next()).rooms;
    expect(latest[0].onlineLampCount).toBe(0);
    updates.stop();
    await client.dispose();
  });

  it('a room subscription follows that room only', async () => {
    const kitchen = await createRoom(running.http, 'Kitchen');
    const client = wsClient(running.http);
    const updates = subscribe(client, 'subscription($roomId: ID) { displayState(roomId: $roomId) { roomId frame } }', {
      roomId: kitchen.id,
    });
    expect((await updates.next()).displayState.roomId).toBe(kitchen.id);
    await setRoomColor(running.http, null, '#202020');
    const frame = await setRoomColor(running.http, kitchen.id, '#303030');
    expect(await updates.next()).toEqual({ displayState: { roomId: kitchen.id, frame } });
    updates.stop();
    await client.dispose();
  });
});

describe('placing lamps', () => {
  it('a lamp registered into a room, or moved while offline, gets that room on connect', async () => {
    const kitchen = await createRoom(running.http, 'Kitchen');
    const cellar = await createRoom(running.http, 'Cellar');
    const kitchenFrame = await setRoomColor(running.http, kitchen.id, '#0c0c0c');
    const cellarFrame = await setRoomColor(running.http, cellar.id, '#0d0d0d');
    const { registerLamp } = await graphqlData(
      running.http,
      'mutation($roomId: ID) { registerLamp(name: "Pantry", roomId: $roomId) { secret lamp { id roomId } } }',
      { roomId: kitchen.id },
    );
    expect(registerLamp.lamp.roomId).toBe(kitchen.id);
    const first = await connectLamp(running.device, { secret: registerLamp.secret });
    expect(first.packet).toBe(kitchenFrame);
    await hangUp(first.lamp);
    await offline(running.http, registerLamp.lamp.id);
    const moved = await moveLamp(running.http, registerLamp.lamp.id, cellar.id);
    expect(moved).toMatchObject({ roomId: cellar.id, online: false });
    const second = await connectLamp(running.device, { secret: registerLamp.secret });
    connected.push(second.lamp);
    expect(second.packet).toBe(cellarFrame);
  });

  it('after quick moves and changes in both rooms, a lamp follows the room it ended in, and only that', async () => {
    const kitchen = await createRoom(running.http, 'Kitchen');
    const a = await lampWithMac('5C:CF:7F:00:60:01');
    // Mutations not awaited one by one: moves and room changes race each other to the adapter.
    const steps: Promise<unknown>[] = [];
    for (let i = 0; i < 20; i++) {
      steps.push(moveLamp(running.http, a.id, i % 2 === 0 ? kitchen.id : 'home'));
      steps.push(setRoomColor(running.http, kitchen.id, `#0000${(i + 16).toString(16)}`));
      steps.push(setRoomColor(running.http, null, `#${(i + 16).toString(16)}0000`));
    }
    await Promise.all(steps);
    const { roomId } = await lampById(running.http, a.id);
    const other = roomId === 'home' ? kitchen.id : null;
    const own = roomId === 'home' ? null : kitchen.id;
    const first = await setRoomColor(running.http, own, '#fefefe');
    await a.lamp.waitFor(first);
    await setRoomColor(running.http, other, '#010101');
    const second = await setRoomColor(running.http, own, '#fdfdfd');
    expect(await a.lamp.next()).toBe(second);
  });

  it('setAllRooms publishes one change per room', async () => {
    const kitchen = await createRoom(running.http, 'Kitchen');
    await setRoomColor(running.http, kitchen.id, '#010203');
    const client = wsClient(running.http);
    const updates = subscribe(client, 'subscription($roomId: ID) { displayState(roomId: $roomId) { frame } }', { roomId: kitchen.id });
    await updates.next();
    await graphqlData(running.http, 'mutation { setAllRooms(display: { mode: MANUAL, color: { hex: "#040506" }, pulse: 7 }) { id } }');
    expect((await updates.next()).displayState.frame).toBe('[cc:2:4,5,6:7]');
    // The next event is the next change, not a step of the one before.
    const next = await setRoomColor(running.http, kitchen.id, '#070809');
    expect((await updates.next()).displayState.frame).toBe(next);
    updates.stop();
    await client.dispose();
  });
});

describe('lamps by room', () => {
  it('lists lamps by room position, then name, and filters by room and by online', async () => {
    const kitchen = await createRoom(running.http, 'Kitchen');
    const b = await lampWithMac('5C:CF:7F:00:40:01');
    const a = await lampWithMac('5C:CF:7F:00:40:02');
    const k = await lampWithMac('5C:CF:7F:00:40:03');
    const rename = (lampId: string, name: string) =>
      graphqlData(running.http, 'mutation($lampId: ID!, $name: String!) { renameLamp(lampId: $lampId, name: $name) { id } }', {
        lampId,
        name,
      });
    await rename(b.id, 'Bravo');
    await rename(a.id, 'Alpha');
    await rename(k.id, 'Aardvark');
    await moveLamp(running.http, k.id, kitchen.id);
    // Kitchen first, then Home.
    await graphqlData(running.http, 'mutation($roomIds: [ID!]!) { reorderRooms(roomIds: $roomIds) { id } }', {
      roomIds: [kitchen.id, 'home'],
    });
    const listed = (await graphqlData(running.http, '{ lamps(online: true) { nodes { id } totalCount } }')).lamps;
    expect(listed.nodes.map((l: any) => l.id)).toEqual([k.id, a.id, b.id]);
    expect(listed.totalCount).toBe(3);

    const inKitchen = await graphqlData(running.http, 'query($roomId: ID) { lamps(roomId: $roomId) { nodes { id } } }', {
      roomId: kitchen.id,
    });
    expect(inKitchen.lamps.nodes).toEqual([{ id: k.id }]);
    const room = await graphqlData(
      running.http,
      'query($roomId: ID!) { room(roomId: $roomId) { lampCount onlineLampCount lamps { nodes { id name } totalCount } } }',
      { roomId: kitchen.id },
    );
    expect(room.room).toEqual({ lampCount: 1, onlineLampCount: 1, lamps: { nodes: [{ id: k.id, name: 'Aardvark' }], totalCount: 1 } });

    await hangUp(k.lamp);
    await offline(running.http, k.id);
    const afterwards = await graphqlData(running.http, 'query($roomId: ID!) { room(roomId: $roomId) { lampCount onlineLampCount } }', {
      roomId: kitchen.id,
    });
    expect(afterwards.room).toEqual({ lampCount: 1, onlineLampCount: 0 });
    const offlineOnes = (await graphqlData(running.http, '{ lamps(online: false) { nodes { id } } }')).lamps.nodes.map((l: any) => l.id);
    expect(offlineOnes).toContain(k.id);
    expect(offlineOnes).not.toContain(a.id);
  });

  it('a room lamp-events subscription hears only about that room', async () => {
    const kitchen = await createRoom(running.http, 'Kitchen');
    const h = await lampWithMac('5C:CF:7F:00:40:04');
    const k = await lampWithMac('5C:CF:7F:00:40:05');
    await moveLamp(running.http, k.id, kitchen.id);
    const client = wsClient(running.http);
    const events = subscribe(client, 'subscription($roomId: ID) { lampEvents(roomId: $roomId) { kind lamp { id roomId name } } }', {
      roomId: kitchen.id,
    });
    // Renaming the kitchen lamp until the subscription reports it shows the subscription is live.
    for (let round = 0; ; round++) {
      await graphqlData(running.http, `mutation($lampId: ID!) { renameLamp(lampId: $lampId, name: "Kitchen lamp ${round}") { id } }`, {
        lampId: k.id,
      });
      if (await events.next(500).catch(() => null)) break;
    }
    // Events about the lamp at home, then one about the kitchen lamp: every event up to that one is about the kitchen lamp.
    await graphqlData(running.http, 'mutation($lampId: ID!) { renameLamp(lampId: $lampId, name: "Home lamp") { id } }', { lampId: h.id });
    await hangUp(h.lamp);
    await offline(running.http, h.id);
    await graphqlData(running.http, 'mutation($lampId: ID!) { renameLamp(lampId: $lampId, name: "Kitchen lamp") { id } }', {
      lampId: k.id,
    });
    for (;;) {
      const { lampEvents } = await events.next();
      expect(lampEvents.lamp).toMatchObject({ id: k.id, roomId: kitchen.id });
      if (lampEvents.lamp.name === 'Kitchen lamp') break;
    }
    events.stop();
    await client.dispose();
  });

  it('refuses unknown rooms and lamps, both targets at once, and a 101st room, naming what was wrong', async () => {
    const { id } = await lampWithMac('5C:CF:7F:00:40:06');
    const refusals: [string, Record<string, unknown>, RegExp][] = [
      ['mutation($lampId: ID!) { moveLamp(lampId: $lampId, roomId: "room-nowhere") { id } }', { lampId: id }, /room/i],
      ['mutation { moveLamp(lampId: "lamp-nobody", roomId: "home") { id } }', {}, /lamp/i],
      ['mutation { setColor(color: { hex: "#ffffff" }, roomId: "room-nowhere") { frame } }', {}, /room/i],
      ['mutation { setAllRooms(display: { pulse: 12 }) { id } }', {}, /pulse/i],
      ['mutation { renameRoom(roomId: "room-nowhere", name: "X") { id } }', {}, /room/i],
      ['mutation { deleteRoom(roomId: "room-nowhere") { roomId } }', {}, /room/i],
      [
        'mutation($lampIds: [ID!]) { sendCommand(command: RESET, roomId: "home", lampIds: $lampIds) { lampsReached } }',
        { lampIds: [id] },
        /lampIds|room/i,
      ],
    ];
    for (const [query, variables, message] of refusals) {
      const result = await graphql(running.http, query, variables);
      expect(result.errors?.[0]?.message, query).toMatch(message);
    }
    const unknown = await graphql(running.http, '{ displayState(roomId: "room-nowhere") { frame } }');
    expect(unknown.errors?.[0]?.message ?? '').toMatch(/room/i);
    expect((await lampById(running.http, id)).roomId).toBe('home');

    for (let n = 1; n < 100; n++) await createRoom(running.http, `Room ${n}`);
    expect(await rooms()).toHaveLength(100);
    const tooMany = await graphql(running.http, 'mutation { createRoom(name: "One too many") { id } }');
    expect(tooMany.errors?.[0]?.message).toMatch(/100/);
  });
});

describe('a read-only token', () => {
  it('sees rooms and lamps but changes nothing', async () => {
    const kitchen = await createRoom(running.http, 'Kitchen');
    const { id } = await lampWithMac('5C:CF:7F:00:40:07');
    const { createApiToken } = await graphqlData(
      running.http,
      'mutation { createApiToken(name: "wall panel", scope: READ_ONLY) { token } }',
    );
    const reader = { authorization: `Bearer ${createApiToken.token}` };
    const seen = await graphql(running.http, '{ rooms { id } lamps { nodes { id } } }', undefined, reader);
    expect(seen.errors).toBeUndefined();
    expect(seen.data?.rooms.map((room: any) => room.id)).toEqual(['home', kitchen.id]);
    for (const mutation of [
      'mutation { createRoom(name: "Sneaky") { id } }',
      `mutation { renameRoom(roomId: "${kitchen.id}", name: "Sneaky") { id } }`,
      'mutation { reorderRooms(roomIds: ["home"]) { id } }',
      `mutation { deleteRoom(roomId: "${kitchen.id}") { roomId } }`,
      `mutation { moveLamp(lampId: "${id}", roomId: "${kitchen.id}") { id } }`,
      `mutation { renameLamp(lampId: "${id}", name: "Sneaky") { id } }`,
      `mutation { forgetLamp(lampId: "${id}") { id } }`,
      `mutation { revokeLamp(lampId: "${id}") { id } }`,
      'mutation { setAllRooms(display: { mode: OFF }) { id } }',
      `mutation { setColor(color: { hex: "#ffffff" }, roomId: "${kitchen.id}") { frame } }`,
      `mutation { sendCommand(command: RESET, lampIds: ["${id}"]) { lampsReached } }`,
    ]) {
      const result = await graphql(running.http, mutation, undefined, reader);
      expect(result.errors?.[0]?.extensions?.code, mutation).toBe('FORBIDDEN');
    }
    expect(await lampById(running.http, id)).toMatchObject({ roomId: 'home', online: true });
    expect((await rooms()).map((room) => room.name)).toEqual(['Home', 'Kitchen']);

    // It follows the rooms over server-sent events as over graphql-ws.
    const controller = new AbortController();
    const response = await fetch(`http://127.0.0.1:${running.http}/graphql?query=${encodeURIComponent('subscription { rooms { id } }')}`, {
      headers: { accept: 'text/event-stream', 'x-graphql-yoga-csrf': '1', ...reader },
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const stream = response.body!.getReader();
    let text = '';
    // Read to the end of the first event.
    while (!/"rooms".*\n\n/s.test(text)) text += new TextDecoder().decode((await stream.read()).value);
    expect(text).toContain(`{"rooms":[{"id":"home"},{"id":"${kitchen.id}"}]}`);
    controller.abort();
  });
});

describe('a client that knows nothing of rooms', () => {
  it('acts on the default room with displayState, setMode, setColor and setPulse', async () => {
    const kitchen = await createRoom(running.http, 'Kitchen');
    const kitchenFrame = await setRoomColor(running.http, kitchen.id, '#0a0b0c');
    // A steady light at home to start from (earlier tests left a pulse).
    await graphqlData(running.http, 'mutation { setPulse(pulse: 0) { frame } }');
    const a = await lampWithMac('5C:CF:7F:00:20:01');
    const b = await lampWithMac('5C:CF:7F:00:20:02');
    await moveLamp(running.http, b.id, kitchen.id);
    expect(await b.lamp.next()).toBe(kitchenFrame);

    const client = wsClient(running.http);
    const updates = subscribe(client, 'subscription { displayState { mode frame } }');
    const first = (await updates.next()).displayState;
    expect(first.frame).toBe(a.packet);

    const color = await graphqlData(running.http, 'mutation { setColor(color: { r: 1, g: 2, b: 3 }) { mode frame } }');
    expect(color.setColor).toEqual({ mode: 'MANUAL', frame: '[cc:2:1,2,3:0]' });
    expect(await a.lamp.next()).toBe('[cc:2:1,2,3:0]');
    expect((await updates.next()).displayState.frame).toBe('[cc:2:1,2,3:0]');
    const pulse = await graphqlData(running.http, 'mutation { setPulse(pulse: 4) { frame } }');
    expect(pulse.setPulse.frame).toBe('[cc:2:1,2,3:4]');
    expect(await a.lamp.next()).toBe('[cc:2:1,2,3:4]');
    expect((await updates.next()).displayState.frame).toBe('[cc:2:1,2,3:4]');
    await graphqlData(running.http, 'mutation { setMode(mode: OFF) { frame } }');
    expect(await a.lamp.next()).toBe('[cc:0:?:?]');
    expect((await updates.next()).displayState).toEqual({ mode: 'OFF', frame: '[cc:0:?:?]' });
    expect((await graphqlData(running.http, '{ displayState { mode frame } }')).displayState).toEqual({ mode: 'OFF', frame: '[cc:0:?:?]' });

    // None of it reached the kitchen: its lamp and state are as they were, and its next packet is its own change.
    expect(
      (await graphqlData(running.http, 'query($roomId: ID) { displayState(roomId: $roomId) { frame } }', { roomId: kitchen.id }))
        .displayState.frame,
    ).toBe(kitchenFrame);
    const next = await setRoomColor(running.http, kitchen.id, '#0d0e0f');
    expect(await b.lamp.next()).toBe(next);
    // And the default room's subscription did not report the kitchen's change: its next event is the next change at home.
    await graphqlData(running.http, 'mutation { setMode(mode: MANUAL) { frame } }');
    expect((await updates.next()).displayState.frame).toBe('[cc:2:1,2,3:4]');
    updates.stop();
    await client.dispose();
  });

  it('sendCommand and setDebug without targets reach every lamp in every room', async () => {
    const kitchen = await createRoom(running.http, 'Kitchen');
    const a = await lampWithMac('5C:CF:7F:00:20:03');
    const b = await lampWithMac('5C:CF:7F:00:20:04');
    await moveLamp(running.http, b.id, kitchen.id);
    await b.lamp.next();

    const reset = await graphqlData(
      running.http,
      'mutation { sendCommand(command: RESET) { lampsReached packet lampIds unconfirmedAdapters } }',
    );
    expect(reset.sendCommand).toMatchObject({ lampsReached: 2, packet: '[cc:r:?:?]', unconfirmedAdapters: 0 });
    expect([...reset.sendCommand.lampIds].sort()).toEqual([a.id, b.id].sort());
    expect(await a.lamp.next()).toBe('[cc:r:?:?]');
    expect(await b.lamp.next()).toBe('[cc:r:?:?]');

    const on = await graphqlData(running.http, 'mutation { setDebug(enabled: true) { lampsReached packet } }');
    expect(on.setDebug).toEqual({ lampsReached: 2, packet: '[cc:d:1:?]' });
    expect(await a.lamp.next()).toBe('[cc:d:1:?]');
    expect(await b.lamp.next()).toBe('[cc:d:1:?]');
    expect((await graphqlData(running.http, '{ debugEnabled }')).debugEnabled).toBe(true);
    const off = await graphqlData(running.http, 'mutation { setDebug(enabled: false) { lampsReached packet } }');
    expect(off.setDebug).toEqual({ lampsReached: 2, packet: '[cc:d:0:?]' });
    expect(await b.lamp.next()).toBe('[cc:d:0:?]');
    expect((await graphqlData(running.http, '{ debugEnabled }')).debugEnabled).toBe(false);
  });
});

describe('after a restart', () => {
  it('rooms, their states and where each lamp is are kept', async () => {
    const data = temporaryDataDir();
    try {
      const system = await startSystem({ databaseFile: data.databaseFile });
      const { lamp } = await connectLamp(system.device, { mac: '5C:CF:7F:00:30:01' });
      const { id } = await lampWhen(system.http, (l) => l.mac === '5C:CF:7F:00:30:01' && l.online, 'the lamp');
      const kitchen = await createRoom(system.http, 'Kitchen');
      const frame = await setRoomColor(system.http, kitchen.id, '#0f0f0f');
      await moveLamp(system.http, id, kitchen.id);
      expect(await lamp.next()).toBe(frame);
      await hangUp(lamp);
      await system.stop();

      const again = await startSystem({ databaseFile: data.databaseFile });
      try {
        expect((await graphqlData(again.http, `{ rooms { id name } }`)).rooms).toEqual([
          { id: 'home', name: 'Home' },
          { id: kitchen.id, name: 'Kitchen' },
        ]);
        const back = await connectLamp(again.device, { mac: '5C:CF:7F:00:30:01' });
        expect(back.packet).toBe(frame);
        expect(await lampById(again.http, id)).toMatchObject({ roomId: kitchen.id, online: true });
        await hangUp(back.lamp);
      } finally {
        await again.stop();
      }
    } finally {
      data.remove();
    }
  });
});

describe('when the process is killed', () => {
  it('loses no room, placement or name it answered for', async () => {
    const data = temporaryDataDir();
    const env = commandEnv(data.dir, { CC_DEVICE_SECRET: DEVICE_SECRET });
    const start = async () => {
      const command = runCommand('cli/src/main.ts', env);
      const [, http, device] = await command.waitForOutput(/http=(\d+) device=(\d+)/);
      return { command, http: Number(http), device: Number(device) };
    };
    const first = await start();
    try {
      const { lamp } = await connectLamp(first.device, { mac: '5C:CF:7F:00:70:01' });
      const { id } = await lampWhen(first.http, (l) => l.mac === '5C:CF:7F:00:70:01' && l.online, 'the lamp');
      const kitchen = await createRoom(first.http, 'Kitchen');
      const frame = await setRoomColor(first.http, kitchen.id, '#0e0e0e');
      await moveLamp(first.http, id, kitchen.id);
      await graphqlData(first.http, 'mutation($lampId: ID!) { renameLamp(lampId: $lampId, name: "Stove") { id } }', { lampId: id });
      expect(await lamp.next()).toBe(frame);
      first.command.child.kill('SIGKILL');
      await first.command.exited;
      await lamp.closed;

      const second = await start();
      try {
        expect((await graphqlData(second.http, '{ rooms { id name } }')).rooms).toEqual([
          { id: 'home', name: 'Home' },
          { id: kitchen.id, name: 'Kitchen' },
        ]);
        expect(await lampById(second.http, id)).toMatchObject({
          name: 'Stove',
          roomId: kitchen.id,
          mac: '5C:CF:7F:00:70:01',
          online: false,
        });
        const back = await connectLamp(second.device, { mac: '5C:CF:7F:00:70:01' });
        expect(back.packet).toBe(frame);
        expect((await lampById(second.http, id)).online).toBe(true);
        await hangUp(back.lamp);
      } finally {
        second.command.child.kill('SIGKILL');
        await second.command.exited;
      }
    } finally {
      first.command.child.kill('SIGKILL');
      data.remove();
    }
  });
});

describe('when the API restarts under a running adapter', () => {
  it('the lamps it kept stay in their rooms and follow only their room', async () => {
    const data = temporaryDataDir();
    const database = openDatabase(data.databaseFile);
    const firstApi = startApi(0, { database, firmwareDirectory: join(data.dir, 'firmware') });
    const port = await firstApi.started;
    const adapter = await startAdapter(port);
    try {
      await adapter.firstReady();
      const { lamp } = await connectLamp(adapter.port, { mac: '5C:CF:7F:00:50:01' });
      const { id } = await lampWhen(port, (l) => l.mac === '5C:CF:7F:00:50:01' && l.online, 'the lamp');
      const kitchen = await createRoom(port, 'Kitchen');
      const blue = await setRoomColor(port, kitchen.id, '#0000ee');
      await moveLamp(port, id, kitchen.id);
      expect(await lamp.next()).toBe(blue);
      await firstApi.stop();

      const secondApi = startApi(port, { database, firmwareDirectory: join(data.dir, 'firmware') });
      await secondApi.started;
      try {
        // The adapter links again and lists the lamp; the API places it in its room.
        await lampWhen(port, (l) => l.id === id && l.online, 'the lamp to be listed again', 10_000);
        const green = await setRoomColor(port, kitchen.id, '#00ee00');
        await lamp.waitFor(green);
        await setRoomColor(port, null, '#ee0000');
        const marker = await setRoomColor(port, kitchen.id, '#000001');
        // Nothing from home came between: the next packet is the kitchen's.
        expect(await lamp.next()).toBe(marker);
        await hangUp(lamp);
      } finally {
        await secondApi.stop();
      }
    } finally {
      await adapter.stop();
      database.close();
      data.remove();
    }
  });
});
