import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { graphql, graphqlData, subscribe, wsClient } from './support/graphql.js';
import type { TestLamp } from './support/lamp.js';
import { connectLamp, createRoom, hangUp, lampWhen, moveLamp, setRoomColor } from './support/lamp-rooms.js';
import { startSystem, temporaryDataDir, type RunningSystem } from './support/system.js';

const SCENE = 'id name position rooms { room { id name } mode color { hex } pulse frame }';
const FAVORITE = 'id name color { hex } position';
/** The colour presets the web UI offered before favourites existed: a fresh database starts with them. */
const PRESETS = [
  ['Warm white', '#ffb46b'],
  ['Daylight', '#ffffff'],
  ['Pink', '#ff41ae'],
  ['Red', '#ff1a1a'],
  ['Orange', '#ff7a00'],
  ['Yellow', '#ffd000'],
  ['Green', '#00d65c'],
  ['Cyan', '#00c8ff'],
  ['Blue', '#2a4dff'],
  ['Violet', '#8a2be2'],
];

let running: RunningSystem;
const connected: TestLamp[] = [];
beforeAll(async () => {
  running = await startSystem();
});
afterEach(async () => {
  for (const lamp of connected.splice(0)) await hangUp(lamp);
  for (const scene of await scenes())
    await graphqlData(running.http, 'mutation($sceneId: ID!) { deleteScene(sceneId: $sceneId) { id } }', { sceneId: scene.id });
  for (const room of (await graphqlData(running.http, '{ rooms { id isDefault } }')).rooms) {
    if (!room.isDefault)
      await graphqlData(running.http, 'mutation($roomId: ID!) { deleteRoom(roomId: $roomId) { roomId } }', { roomId: room.id });
  }
});
afterAll(() => running.stop());

async function scenes(): Promise<any[]> {
  return (await graphqlData(running.http, `{ scenes { ${SCENE} } }`)).scenes;
}

async function saveScene(name: string, roomIds?: string[]): Promise<any> {
  return (
    await graphqlData(
      running.http,
      `mutation($name: String!, $roomIds: [ID!]) { saveScene(name: $name, roomIds: $roomIds) { ${SCENE} } }`,
      { name, roomIds },
    )
  ).saveScene;
}

async function applyScene(sceneId: string): Promise<any[]> {
  return (await graphqlData(running.http, 'mutation($sceneId: ID!) { applyScene(sceneId: $sceneId) { roomId mode frame } }', { sceneId }))
    .applyScene;
}

async function favorites(): Promise<any[]> {
  return (await graphqlData(running.http, `{ favoriteColors { ${FAVORITE} } }`)).favoriteColors;
}

/** A lamp connected by MAC and moved into `roomId`; its packets from then on are the room's. */
async function lampIn(roomId: string, mac: string): Promise<TestLamp> {
  const { lamp } = await connectLamp(running.device, { mac });
  connected.push(lamp);
  const { id } = await lampWhen(running.http, (l) => l.mac === mac && l.online, `lamp ${mac}`);
  if (roomId !== 'home') {
    await moveLamp(running.http, id, roomId);
    await lamp.next();
  }
  return lamp;
}

describe('scenes', () => {
  it('keep the current look of rooms and are renamed, reordered and deleted', async () => {
    const kitchen = await createRoom(running.http, 'Kitchen');
    await setRoomColor(running.http, null, '#102030');
    await graphqlData(running.http, 'mutation($roomId: ID) { setPulse(pulse: 3, roomId: $roomId) { frame } }', { roomId: kitchen.id });
    await graphqlData(running.http, 'mutation($roomId: ID) { setMode(mode: OFF, roomId: $roomId) { frame } }', { roomId: kitchen.id });

    const evening = await saveScene('  Evening  ');
    expect(evening).toMatchObject({ name: 'Evening', position: 0 });
    expect(evening.id).toMatch(/^scene-/);
    expect(evening.rooms).toEqual([
      { room: { id: 'home', name: 'Home' }, mode: 'MANUAL', color: { hex: '#102030' }, pulse: 0, frame: '[cc:2:16,32,48:0]' },
      { room: { id: kitchen.id, name: 'Kitchen' }, mode: 'OFF', color: { hex: '#ffffff' }, pulse: 3, frame: '[cc:0:?:?]' },
    ]);
    const kitchenOnly = await saveScene('Kitchen only', [kitchen.id]);
    expect(kitchenOnly.rooms.map((part: any) => part.room.id)).toEqual([kitchen.id]);
    expect(kitchenOnly.position).toBe(1);

    const renamed = await graphqlData(
      running.http,
      'mutation($sceneId: ID!) { renameScene(sceneId: $sceneId, name: "Night") { id name } }',
      {
        sceneId: evening.id,
      },
    );
    expect(renamed.renameScene).toEqual({ id: evening.id, name: 'Night' });
    const order = [kitchenOnly.id, evening.id];
    const reordered = await graphqlData(
      running.http,
      'mutation($sceneIds: [ID!]!) { reorderScenes(sceneIds: $sceneIds) { id position } }',
      {
        sceneIds: order,
      },
    );
    expect(reordered.reorderScenes).toEqual(order.map((id, position) => ({ id, position })));

    await setRoomColor(running.http, kitchen.id, '#abcdef');
    const updated = await graphqlData(
      running.http,
      `mutation($sceneId: ID!, $roomIds: [ID!]) { updateSceneFromRooms(sceneId: $sceneId, roomIds: $roomIds) { ${SCENE} } }`,
      { sceneId: kitchenOnly.id, roomIds: [kitchen.id] },
    );
    expect(updated.updateSceneFromRooms.rooms).toEqual([
      { room: { id: kitchen.id, name: 'Kitchen' }, mode: 'MANUAL', color: { hex: '#abcdef' }, pulse: 3, frame: '[cc:2:171,205,239:3]' },
    ]);

    const deleted = await graphqlData(running.http, 'mutation($sceneId: ID!) { deleteScene(sceneId: $sceneId) { id name } }', {
      sceneId: kitchenOnly.id,
    });
    expect(deleted.deleteScene).toEqual({ id: kitchenOnly.id, name: 'Kitchen only' });
    expect((await scenes()).map((scene) => [scene.id, scene.position])).toEqual([[evening.id, 0]]);
  });

  it('apply to two rooms with one call: each lamp gets its packet, each room is published once', async () => {
    const kitchen = await createRoom(running.http, 'Kitchen');
    const homeLamp = await lampIn('home', '5C:CF:7F:00:50:01');
    const kitchenLamp = await lampIn(kitchen.id, '5C:CF:7F:00:50:02');
    await setRoomColor(running.http, null, '#ff0000');
    await setRoomColor(running.http, kitchen.id, '#0000ff');
    await graphqlData(running.http, 'mutation($roomId: ID) { setPulse(pulse: 2, roomId: $roomId) { frame } }', { roomId: kitchen.id });
    const scene = await saveScene('Red and blue');
    await graphqlData(running.http, 'mutation { setAllRooms(display: { mode: OFF }) { id } }');
    expect(await homeLamp.waitFor('[cc:0:?:?]')).toBe('[cc:0:?:?]');
    expect(await kitchenLamp.waitFor('[cc:0:?:?]')).toBe('[cc:0:?:?]');

    const client = wsClient(running.http);
    const homeUpdates = subscribe(client, 'subscription { displayState { roomId frame } }');
    const kitchenUpdates = subscribe(client, 'subscription($roomId: ID) { displayState(roomId: $roomId) { roomId frame } }', {
      roomId: kitchen.id,
    });
    expect((await homeUpdates.next()).displayState.frame).toBe('[cc:0:?:?]');
    expect((await kitchenUpdates.next()).displayState.frame).toBe('[cc:0:?:?]');

    const displays = running.system.api.services.roomDisplays;
    const revisions = [displays.find('home')!.revision, displays.find(kitchen.id)!.revision];
    const applied = await applyScene(scene.id);
    // Every stored change of a room is a new revision, published once: one each.
    expect([displays.find('home')!.revision, displays.find(kitchen.id)!.revision]).toEqual(revisions.map((revision) => revision + 1));
    expect(applied).toEqual([
      { roomId: 'home', mode: 'MANUAL', frame: '[cc:2:255,0,0:0]' },
      { roomId: kitchen.id, mode: 'MANUAL', frame: '[cc:2:0,0,255:2]' },
    ]);
    expect(await homeLamp.next()).toBe('[cc:2:255,0,0:0]');
    expect(await kitchenLamp.next()).toBe('[cc:2:0,0,255:2]');
    expect((await homeUpdates.next()).displayState.frame).toBe('[cc:2:255,0,0:0]');
    expect((await kitchenUpdates.next()).displayState.frame).toBe('[cc:2:0,0,255:2]');

    // A later change is the very next thing each room's followers and lamps see: the scene was
    // one message per room, not a mode, then a colour, then a pulse.
    await graphqlData(running.http, 'mutation { setAllRooms(display: { mode: OFF }) { id } }');
    expect((await homeUpdates.next()).displayState.frame).toBe('[cc:0:?:?]');
    expect((await kitchenUpdates.next()).displayState.frame).toBe('[cc:0:?:?]');
    expect(await homeLamp.next()).toBe('[cc:0:?:?]');
    expect(await kitchenLamp.next()).toBe('[cc:0:?:?]');
    homeUpdates.stop();
    kitchenUpdates.stop();
    await client.dispose();
  });

  it('lose a deleted room; a scene left with no room is kept and applies nothing', async () => {
    const kitchen = await createRoom(running.http, 'Kitchen');
    const cellar = await createRoom(running.http, 'Cellar');
    const both = await saveScene('Both', ['home', kitchen.id]);
    const cellarOnly = await saveScene('Cellar only', [cellar.id]);

    const client = wsClient(running.http);
    const updates = subscribe(client, 'subscription { scenes { name rooms { room { id } } } }');
    expect((await updates.next()).scenes.map((scene: any) => scene.name)).toEqual(['Both', 'Cellar only']);

    // A display change touches no scene: the next list is the one the room's deletion makes.
    await setRoomColor(running.http, kitchen.id, '#0f0f0f');
    await graphqlData(running.http, 'mutation($roomId: ID!) { deleteRoom(roomId: $roomId) { roomId } }', { roomId: kitchen.id });
    expect((await updates.next()).scenes).toEqual([
      { name: 'Both', rooms: [{ room: { id: 'home' } }] },
      { name: 'Cellar only', rooms: [{ room: { id: cellar.id } }] },
    ]);
    await graphqlData(running.http, 'mutation($roomId: ID!) { deleteRoom(roomId: $roomId) { roomId } }', { roomId: cellar.id });
    expect((await updates.next()).scenes[1]).toEqual({ name: 'Cellar only', rooms: [] });

    expect(await applyScene(cellarOnly.id)).toEqual([]);
    expect((await applyScene(both.id)).map((state) => state.roomId)).toEqual(['home']);
    updates.stop();
    await client.dispose();
  });

  it('refuse bad input with BAD_USER_INPUT naming the argument', async () => {
    const kitchen = await createRoom(running.http, 'Kitchen');
    const scene = await saveScene('Reading');
    await saveScene('Dinner', [kitchen.id]);
    const cases: [string, Record<string, unknown>, string][] = [
      ['mutation($name: String!) { saveScene(name: $name) { id } }', { name: '   ' }, 'name'],
      ['mutation($name: String!) { saveScene(name: $name) { id } }', { name: 'x'.repeat(41) }, 'name'],
      ['mutation($name: String!) { saveScene(name: $name) { id } }', { name: 'READING' }, 'name'],
      ['mutation($roomIds: [ID!]) { saveScene(name: "New", roomIds: $roomIds) { id } }', { roomIds: [] }, 'roomIds'],
      ['mutation($roomIds: [ID!]) { saveScene(name: "New", roomIds: $roomIds) { id } }', { roomIds: ['room-nowhere'] }, 'roomIds'],
      ['mutation($roomIds: [ID!]) { saveScene(name: "New", roomIds: $roomIds) { id } }', { roomIds: ['home', 'home'] }, 'roomIds'],
      ['mutation { renameScene(sceneId: "scene-nowhere", name: "X") { id } }', {}, 'sceneId'],
      [`mutation { renameScene(sceneId: "${scene.id}", name: "dinner") { id } }`, {}, 'name'],
      ['mutation { applyScene(sceneId: "scene-nowhere") { roomId } }', {}, 'sceneId'],
      ['mutation { deleteScene(sceneId: "scene-nowhere") { id } }', {}, 'sceneId'],
      ['mutation { updateSceneFromRooms(sceneId: "scene-nowhere") { id } }', {}, 'sceneId'],
      [`mutation { reorderScenes(sceneIds: ["${scene.id}"]) { id } }`, {}, 'sceneIds'],
      [`mutation { reorderScenes(sceneIds: ["${scene.id}", "${scene.id}"]) { id } }`, {}, 'sceneIds'],
      ['mutation { addFavoriteColor(color: { hex: "#ff41ae" }) { id } }', {}, 'color'],
      ['mutation { addFavoriteColor(color: { hex: "pink" }) { id } }', {}, 'color.hex'],
      ['mutation { addFavoriteColor(color: { hex: "#010203" }, name: "pink") { id } }', {}, 'name'],
      ['mutation { renameFavoriteColor(favoriteColorId: "color-nowhere", name: "X") { id } }', {}, 'favoriteColorId'],
      ['mutation { removeFavoriteColor(favoriteColorId: "color-nowhere") { id } }', {}, 'favoriteColorId'],
      ['mutation { reorderFavoriteColors(favoriteColorIds: ["color-pink"]) { id } }', {}, 'favoriteColorIds'],
    ];
    for (const [query, variables, argument] of cases) {
      const result = await graphql(running.http, query, variables);
      expect(result.errors?.[0]?.extensions, `${query} ${JSON.stringify(variables)}`).toMatchObject({ code: 'BAD_USER_INPUT', argument });
      expect(result.errors?.[0]?.message).toContain(argument);
    }
    expect((await scenes()).map((s) => s.name)).toEqual(['Reading', 'Dinner']);
    expect(await favorites()).toHaveLength(PRESETS.length);
  });

  it('are at most 100', async () => {
    for (let i = 1; i <= 100; i++) await saveScene(`Scene ${i}`, ['home']);
    const refused = await graphql(running.http, 'mutation { saveScene(name: "One too many") { id } }');
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'name' });
    expect(refused.errors?.[0]?.message).toMatch(/100/);
  });
});

describe('favourite colours', () => {
  it("start as the web UI's former presets, and are added, renamed, reordered and removed", async () => {
    const seeded = await favorites();
    expect(seeded.map((f) => [f.name, f.color.hex])).toEqual(PRESETS);
    expect(seeded.map((f) => f.position)).toEqual(PRESETS.map((_preset, index) => index));

    const client = wsClient(running.http);
    const updates = subscribe(client, 'subscription { favoriteColors { name } }');
    expect((await updates.next()).favoriteColors).toHaveLength(PRESETS.length);

    const added = (await graphqlData(running.http, `mutation { addFavoriteColor(color: { r: 1, g: 2, b: 3 }) { ${FAVORITE} } }`))
      .addFavoriteColor;
    expect(added).toMatchObject({ name: '#010203', color: { hex: '#010203' }, position: PRESETS.length });
    expect((await updates.next()).favoriteColors.at(-1)).toEqual({ name: '#010203' });
    const named = (
      await graphqlData(running.http, `mutation { addFavoriteColor(color: { hex: "#123456" }, name: " Deep sea ") { ${FAVORITE} } }`)
    ).addFavoriteColor;
    expect(named.name).toBe('Deep sea');
    await updates.next();

    const renamed = await graphqlData(
      running.http,
      'mutation($id: ID!) { renameFavoriteColor(favoriteColorId: $id, name: "Night sky") { id name } }',
      { id: added.id },
    );
    expect(renamed.renameFavoriteColor).toEqual({ id: added.id, name: 'Night sky' });
    await updates.next();

    const order = [named.id, added.id, ...seeded.map((f) => f.id)];
    const reordered = await graphqlData(
      running.http,
      'mutation($ids: [ID!]!) { reorderFavoriteColors(favoriteColorIds: $ids) { id position } }',
      { ids: order },
    );
    expect(reordered.reorderFavoriteColors).toEqual(order.map((id, position) => ({ id, position })));
    expect((await updates.next()).favoriteColors.slice(0, 2)).toEqual([{ name: 'Deep sea' }, { name: 'Night sky' }]);

    for (const id of [named.id, added.id]) {
      await graphqlData(running.http, 'mutation($id: ID!) { removeFavoriteColor(favoriteColorId: $id) { id } }', { id });
      await updates.next();
    }
    const after = await favorites();
    expect(after.map((f) => [f.name, f.color.hex])).toEqual(PRESETS);
    expect(after.map((f) => f.position)).toEqual(PRESETS.map((_preset, index) => index));
    updates.stop();
    await client.dispose();
  });

  it('are at most 24', async () => {
    const added: string[] = [];
    for (let i = PRESETS.length; i < 24; i++) {
      added.push(
        (await graphqlData(running.http, `mutation { addFavoriteColor(color: { r: ${i}, g: 0, b: 0 }) { id } }`)).addFavoriteColor.id,
      );
    }
    const refused = await graphql(running.http, 'mutation { addFavoriteColor(color: { r: 0, g: 99, b: 0 }) { id } }');
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'color' });
    expect(refused.errors?.[0]?.message).toMatch(/24/);
    for (const id of added)
      await graphqlData(running.http, 'mutation($id: ID!) { removeFavoriteColor(favoriteColorId: $id) { id } }', { id });
  });
});

describe('a read-only token', () => {
  it('sees scenes and favourites but changes none, over HTTP and graphql-ws', async () => {
    const scene = await saveScene('Reading');
    const { createApiToken } = await graphqlData(
      running.http,
      'mutation { createApiToken(name: "scene panel", scope: READ_ONLY) { token } }',
    );
    const reader = { authorization: `Bearer ${createApiToken.token}` };
    const seen = await graphql(running.http, '{ scenes { id } favoriteColors { id } }', undefined, reader);
    expect(seen.errors).toBeUndefined();
    expect(seen.data?.scenes).toEqual([{ id: scene.id }]);

    const mutations = [
      'mutation { saveScene(name: "Sneaky") { id } }',
      `mutation { updateSceneFromRooms(sceneId: "${scene.id}") { id } }`,
      `mutation { renameScene(sceneId: "${scene.id}", name: "Sneaky") { id } }`,
      `mutation { reorderScenes(sceneIds: ["${scene.id}"]) { id } }`,
      `mutation { deleteScene(sceneId: "${scene.id}") { id } }`,
      `mutation { applyScene(sceneId: "${scene.id}") { roomId } }`,
      'mutation { addFavoriteColor(color: { hex: "#010101" }) { id } }',
      'mutation { renameFavoriteColor(favoriteColorId: "color-pink", name: "Sneaky") { id } }',
      'mutation { removeFavoriteColor(favoriteColorId: "color-pink") { id } }',
      'mutation { reorderFavoriteColors(favoriteColorIds: ["color-pink"]) { id } }',
    ];
    for (const mutation of mutations) {
      const result = await graphql(running.http, mutation, undefined, reader);
      expect(result.errors?.[0]?.extensions?.code, mutation).toBe('FORBIDDEN');
    }
    const client = wsClient(running.http, reader);
    const updates = subscribe(client, 'subscription { scenes { id } }');
    expect((await updates.next()).scenes).toEqual([{ id: scene.id }]);
    for (const mutation of mutations) {
      const result = await new Promise<any>((resolve) => {
        let answer: any;
        client.subscribe(
          { query: mutation },
          { next: (value) => (answer = value), error: (error) => resolve({ errors: error }), complete: () => resolve(answer) },
        );
      });
      expect(result.errors?.[0]?.extensions?.code, mutation).toBe('FORBIDDEN');
    }
    updates.stop();
    await client.dispose();
    expect((await scenes()).map((s) => s.name)).toEqual(['Reading']);
    expect((await favorites()).map((f) => [f.name, f.color.hex])).toEqual(PRESETS);
  });
});

describe('scenes and favourites', () => {
  it('survive a restart', async () => {
    const data = temporaryDataDir();
    try {
      let system = await startSystem({ databaseFile: data.databaseFile });
      await graphqlData(system.http, 'mutation { setColor(color: { hex: "#445566" }) { frame } }');
      const saved = (await graphqlData(system.http, `mutation { saveScene(name: "Kept") { ${SCENE} } }`)).saveScene;
      const favorite = (
        await graphqlData(system.http, `mutation { addFavoriteColor(color: { hex: "#445566" }, name: "Slate") { ${FAVORITE} } }`)
      ).addFavoriteColor;
      await system.stop({ keepData: true });

      system = await startSystem({ databaseFile: data.databaseFile });
      const after = await graphqlData(system.http, `{ scenes { ${SCENE} } favoriteColors { ${FAVORITE} } }`);
      expect(after.scenes).toEqual([saved]);
      expect(after.favoriteColors.at(-1)).toEqual(favorite);
      expect(after.favoriteColors).toHaveLength(PRESETS.length + 1);
      await system.stop({ keepData: true });
    } finally {
      data.remove();
    }
  });
});
