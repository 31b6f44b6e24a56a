import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { graphql, graphqlData, subscribe, wsClient } from './support/graphql.js';
import type { TestLamp } from './support/lamp.js';
import { allLamps, connectLamp, createRoom, hangUp, lampById, lampWhen, moveLamp, offline, setRoomColor } from './support/lamp-rooms.js';
import { startSystem, temporaryDataDir, type RunningSystem } from './support/system.js';

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
    const { deleteRoom } = await graphqlData(
      running.http,
      `mutation($roomId: ID!) { deleteRoom(roomId: $roomId) { roomId movedLampIds defaultRoom { ${ROOM} } } }`,
      { roomId: kitchen.id },
    );
    expect(deleteRoom.roomId).toBe(kitchen.id);
    expect([...deleteRoom.movedLampIds].sort()).toEqual([a.id, b.id].sort());
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
    const updates = subscribe(client, 'subscription { rooms { id name displayState { frame } } }');
    expect((await updates.next()).rooms.map((room: any) => room.id)).toEqual(['home']);
    const kitchen = await createRoom(running.http, 'Kitchen');
    let latest = (await updates.next()).rooms;
    expect(latest.map((room: any) => room.name)).toEqual(['Home', 'Kitchen']);
    const frame = await setRoomColor(running.http, kitchen.id, '#abcdef');
    while (latest[1].displayState.frame !== frame) latest = (await updates.next()).rooms;
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
