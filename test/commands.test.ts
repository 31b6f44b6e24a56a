import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlData, subscribe, wsClient } from './support/graphql.js';
import { startSystem, waitUntil, type RunningSystem } from './support/system.js';

let running: RunningSystem;
beforeAll(async () => {
  running = await startSystem();
});
afterAll(() => running.stop());

const SEND =
  'mutation($c: DeviceCommand!, $ids: [ID!]) { sendCommand(command: $c, lampIds: $ids) { packet lampsReached lampIds unconfirmedAdapters } }';

/** The lamps online now, longest connected first. */
const onlineLampIds = () => running.system.api.services.lampConnections.list().map((connection) => connection.lampId);

describe('one-shot commands', () => {
  it('sends RESET and UPDATE to every connected lamp and says how many it reached', async () => {
    const a = await running.lamp();
    const b = await running.lamp();
    await waitUntil(() => running.system.api.services.lampConnections.count() === 2);

    const reset = (await graphqlData(running.http, SEND, { c: 'RESET' })).sendCommand;
    expect(reset).toMatchObject({ packet: '[cc:r:?:?]', lampsReached: 2, unconfirmedAdapters: 0 });
    expect(await a.lamp.next()).toBe('[cc:r:?:?]');
    expect(await b.lamp.next()).toBe('[cc:r:?:?]');

    const update = (await graphqlData(running.http, SEND, { c: 'UPDATE' })).sendCommand;
    expect(update.lampsReached).toBe(2);
    expect(await a.lamp.next()).toBe('[cc:u:?:?]');
    expect(await b.lamp.next()).toBe('[cc:u:?:?]');

    // One-shot: a lamp connecting afterwards gets the display packet only. A command aimed at
    // it alone is the next thing it receives, so no earlier command reached it first.
    const known = new Set(onlineLampIds());
    const late = await running.lamp();
    expect(late.packet).toMatch(/^\[cc:[012]:/);
    await waitUntil(() => running.system.api.services.lampConnections.count() === 3);
    const lateId = onlineLampIds().find((id) => !known.has(id))!;
    await graphqlData(running.http, SEND, { c: 'RESET', ids: [lateId] });
    expect(await late.lamp.next()).toBe('[cc:r:?:?]');

    for (const lamp of [a, b, late]) lamp.lamp.close();
    await waitUntil(() => running.system.api.services.lampConnections.count() === 0);
  });

  it('can aim at chosen lamps', async () => {
    const a = await running.lamp();
    const b = await running.lamp();
    await waitUntil(() => running.system.api.services.lampConnections.count() === 2);
    const [first, other] = onlineLampIds();
    const result = (await graphqlData(running.http, SEND, { c: 'RESET', ids: [first] })).sendCommand;
    expect(result).toMatchObject({ lampsReached: 1, lampIds: [first] });
    expect(await a.lamp.next()).toBe('[cc:r:?:?]');
    // b's first packet since is an UPDATE aimed at it: the RESET went to a alone.
    await graphqlData(running.http, SEND, { c: 'UPDATE', ids: [other] });
    expect(await b.lamp.next()).toBe('[cc:u:?:?]');

    a.lamp.close();
    b.lamp.close();
    await waitUntil(() => running.system.api.services.lampConnections.count() === 0);
  });

  it('reports zero lamps reached when none is connected', async () => {
    expect((await graphqlData(running.http, SEND, { c: 'RESET' })).sendCommand.lampsReached).toBe(0);
  });
});

describe('debug messages', () => {
  it("switches debug on and off, remembers the choice, and streams the lamps' d: lines", async () => {
    const { lamp } = await running.lamp();
    await waitUntil(() => running.system.api.services.lampConnections.count() === 1);
    const client = wsClient(running.http);
    const events = subscribe(client, 'subscription { lampEvents { kind lamp { id } message { text } } }');
    await waitUntil(() => running.system.api.services.lampConnections.eventSubscribers === 1, 5000, 'the subscription to start');

    const on = (await graphqlData(running.http, 'mutation { setDebug(enabled: true) { packet lampsReached } }')).setDebug;
    expect(on).toEqual({ packet: '[cc:d:1:?]', lampsReached: 1 });
    expect(await lamp.next()).toBe('[cc:d:1:?]');
    expect((await graphqlData(running.http, '{ debugEnabled }')).debugEnabled).toBe(true);

    lamp.send('d:heap 20312');
    lamp.send('d:wifi rssi -61');
    const first = await events.next();
    const second = await events.next();
    expect([first.lampEvents.message.text, second.lampEvents.message.text]).toEqual(['heap 20312', 'wifi rssi -61']);
    expect(first.lampEvents.kind).toBe('DEBUG_MESSAGE');
    const { lamps } = await graphqlData(running.http, '{ lamps(online: true) { nodes { debugMessages(last: 1) { nodes { text } } } } }');
    expect(lamps.nodes[0].debugMessages.nodes).toEqual([{ text: 'wifi rssi -61' }]);

    await graphqlData(running.http, 'mutation { setDebug(enabled: false) { packet } }');
    expect(await lamp.next()).toBe('[cc:d:0:?]');
    expect((await graphqlData(running.http, '{ debugEnabled }')).debugEnabled).toBe(false);

    events.stop();
    await client.dispose();
    lamp.close();
  });
});
