import { LampCloseCode } from '@cloud-cloud/protocol/close-codes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlData } from './support/graphql.js';
import type { TestLamp } from './support/lamp.js';
import { connectLamp, createRoom, hangUp, lampWhen, moveLamp, offline, setRoomColor } from './support/lamp-rooms.js';
import { LogLines } from './support/log-lines.js';
import { startSystem, type RunningSystem } from './support/system.js';

/*
 * The adapter's side of rooms, with raw lamps against the real API and adapter: what a lamp says
 * in its connection URL reaches the API, and a room's change is written to that room's lamps
 * only. Writes are counted as the frames each raw lamp receives; "nothing arrived" is shown by
 * a later marker frame arriving first, never by waiting.
 */

let running: RunningSystem;
const log = new LogLines();
beforeAll(async () => {
  running = await startSystem({ logger: log.logger });
});
afterAll(() => running.stop());

/** A raw lamp that names itself by MAC, and the id the API gave it. */
async function namedLamp(mac: string): Promise<{ lamp: TestLamp; lampId: string; packet: string }> {
  const { lamp, packet } = await connectLamp(running.device, { mac });
  const found = await lampWhen(running.http, (l) => l.mac === mac.toUpperCase() && l.online, `the lamp ${mac}`);
  return { lamp, lampId: found.id, packet };
}

/** The frames a lamp received after the first `from`. */
function since(lamp: TestLamp, from: number): string[] {
  return lamp.received.slice(from).filter((frame) => frame.startsWith('[cc:'));
}

describe('identity in the connection URL', () => {
  it('reaches the API: the lamp is known by its MAC, with its firmware version, across reconnects', async () => {
    const { lamp } = await connectLamp(running.device, { mac: '5c:cf:7f:00:00:01', version: '1.4.2' });
    const first = await lampWhen(running.http, (l) => l.mac === '5C:CF:7F:00:00:01' && l.online, 'the lamp to be listed');
    expect(first).toMatchObject({ identity: 'MAC', weakIdentity: false, firmwareVersion: '1.4.2', name: 'Lamp 5C:CF:7F:00:00:01' });
    await hangUp(lamp);
    await offline(running.http, first.id);

    const { lamp: again } = await connectLamp(running.device, { mac: '5C:CF:7F:00:00:01', version: '1.5.0' });
    const second = await lampWhen(running.http, (l) => l.id === first.id && l.online, 'the lamp to come back');
    expect(second).toMatchObject({ identity: 'MAC', firmwareVersion: '1.5.0' });
    await hangUp(again);
  });

  it('ignores malformed values (and logs them) without refusing the connection', async () => {
    const { lamp, packet } = await connectLamp(running.device, {
      mac: 'not-a-mac',
      version: 'x'.repeat(65),
      query: 'colour=blue',
      from: '127.0.0.7',
    });
    expect(packet).toMatch(/^\[cc:/);
    await log.waitFor(/connection URL: mac must be six hex pairs.*"not-a-mac".*ignored/);
    await log.waitFor(/connection URL: version must be 1 to 64 printable characters.*ignored/);
    expect(log.messages.some((message) => /colour/.test(message))).toBe(false);
    const listed = await lampWhen(running.http, (l) => l.address === '127.0.0.7' && l.online, 'the lamp to be listed');
    expect(listed).toMatchObject({ identity: 'ADDRESS', weakIdentity: true, mac: null, firmwareVersion: null });
    await hangUp(lamp);
  });

  it('lets a second connection of the same lamp replace the first, which is closed with 4409', async () => {
    const first = await namedLamp('5C:CF:7F:00:00:02');
    const second = await connectLamp(running.device, { mac: '5C:CF:7F:00:00:02' });
    expect(await first.lamp.closed).toMatchObject({ code: LampCloseCode.Replaced });
    await lampWhen(running.http, (l) => l.id === first.lampId && l.online, 'the lamp on its new connection');
    // The new connection keeps the lamp's room: a change reaches it.
    const frame = await setRoomColor(running.http, null, '#020202');
    await second.lamp.waitFor(frame);
    await hangUp(second.lamp);
  });

  it('closes a forgotten lamp with 1012, so that it comes back as new', async () => {
    const { lamp, lampId } = await namedLamp('5C:CF:7F:00:00:03');
    await graphqlData(running.http, 'mutation($id: ID!) { forgetLamp(lampId: $id) { id } }', { id: lampId });
    expect((await lamp.closed).code).toBe(LampCloseCode.Forgotten);
  });
});

describe('rooms', () => {
  it("writes a room's change to that room's lamps only: one write per lamp", async () => {
    const kitchen = await createRoom(running.http, 'Kitchen');
    const hall = await createRoom(running.http, 'Hall');
    await setRoomColor(running.http, null, '#0a0a0a');
    const lamps = await Promise.all([10, 11, 12, 20, 21, 30].map((n) => namedLamp(`5C:CF:7F:00:01:${n}`)));
    const [k1, k2, k3, h1, h2, home] = lamps as [(typeof lamps)[number], ...(typeof lamps)[number][]];
    // Each moved lamp gets its new room's frame (Kitchen and Hall start OFF).
    for (const lamp of [k1, k2!, k3!]) await moveLamp(running.http, lamp.lampId, kitchen.id);
    for (const lamp of [h1!, h2!]) await moveLamp(running.http, lamp.lampId, hall.id);
    for (const { lamp } of [k1, k2!, k3!, h1!, h2!]) expect(await lamp.next()).toBe('[cc:0:?:?]');
    const start = lamps.map(({ lamp }) => lamp.received.length);
    const from = (i: number) => start[i]!;

    const kitchenFrame = await setRoomColor(running.http, kitchen.id, '#0000aa');
    for (const { lamp } of [k1, k2!, k3!]) await lamp.waitFor(kitchenFrame);
    // Markers: a later change to each other room arrives first on its lamps, so nothing else did.
    const hallFrame = await setRoomColor(running.http, hall.id, '#00aa00');
    for (const { lamp } of [h1!, h2!]) await lamp.waitFor(hallFrame);
    const homeFrame = await setRoomColor(running.http, null, '#aa0000');
    await home!.lamp.waitFor(homeFrame);
    const kitchenAgain = await setRoomColor(running.http, kitchen.id, '#0000bb');
    for (const { lamp } of [k1, k2!, k3!]) await lamp.waitFor(kitchenAgain);

    for (const i of [0, 1, 2]) expect(since(lamps[i]!.lamp, from(i))).toEqual([kitchenFrame, kitchenAgain]);
    for (const i of [3, 4]) expect(since(lamps[i]!.lamp, from(i))).toEqual([hallFrame]);
    expect(since(home!.lamp, from(5))).toEqual([homeFrame]);
    await Promise.all(lamps.map(({ lamp }) => hangUp(lamp)));
  });

  it("writes the new room's frame at once when a lamp is moved, and then that room's changes only", async () => {
    const porch = await createRoom(running.http, 'Porch');
    const porchFrame = await setRoomColor(running.http, porch.id, '#123456');
    const { lamp, lampId } = await namedLamp('5C:CF:7F:00:02:01');
    const before = lamp.received.length;

    await moveLamp(running.http, lampId, porch.id);
    expect(await lamp.next()).toBe(porchFrame);
    // A change to its old room no longer reaches it: the porch marker arrives next.
    await setRoomColor(running.http, null, '#654321');
    const marker = await setRoomColor(running.http, porch.id, '#abcdef');
    await lamp.waitFor(marker);
    expect(since(lamp, before)).toEqual([porchFrame, marker]);
    await hangUp(lamp);
  });

  it('moves the lamps of a deleted room to the default room, which writes its frame to them at once', async () => {
    const attic = await createRoom(running.http, 'Attic');
    await setRoomColor(running.http, attic.id, '#111111');
    const homeFrame = await setRoomColor(running.http, null, '#222222');
    const { lamp, lampId } = await namedLamp('5C:CF:7F:00:03:01');
    await moveLamp(running.http, lampId, attic.id);
    await lamp.waitFor('[cc:2:17,17,17:0]');
    await graphqlData(running.http, 'mutation($id: ID!) { deleteRoom(roomId: $id) { movedLampIds } }', { id: attic.id });
    expect(await lamp.next()).toBe(homeFrame);
    await hangUp(lamp);
  });
});
