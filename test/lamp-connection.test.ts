import type { Adapter } from '@cloud-cloud/device-adapter/adapter';
import { LampCloseCode } from '@cloud-cloud/protocol/close-codes';
import type { Api } from '@cloud-cloud/api/app';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { graphqlData, subscribe, wsClient } from './support/graphql.js';
import { TestLamp } from './support/lamp.js';
import { DEVICE_SECRET, startAdapter, startApi, waitUntil } from './support/system.js';

let api: Api;
let stopApi: () => Promise<void>;
let httpPort: number;
let adapter: Adapter;

beforeAll(async () => {
  const started = startApi();
  api = started.api;
  stopApi = started.stop;
  httpPort = await started.started;
  adapter = await startAdapter(httpPort, { handshakeTimeoutMs: 300, heartbeatTimeoutMs: 600, maxFrameBytes: 1024 });
  await waitUntil(() => adapter.ready);
});
afterAll(async () => {
  await adapter.stop();
  await stopApi();
});

const lamp = () => TestLamp.connect(adapter.port);

describe('handshake', () => {
  it('closes on a wrong secret with 4401, and sends no display packet', async () => {
    const intruder = await lamp();
    intruder.send('not-the-secret');
    expect(await intruder.closed).toEqual({ code: LampCloseCode.Unauthorized, reason: 'invalid secret' });
    expect(intruder.received).toEqual([]);
  });

  it('closes on a binary first frame with 1003', async () => {
    const intruder = await lamp();
    intruder.socket.send(Buffer.from(DEVICE_SECRET));
    expect((await intruder.closed).code).toBe(LampCloseCode.UnsupportedData);
    expect(intruder.received).toEqual([]);
  });

  it('closes a silent connection after the handshake timeout with 4408', async () => {
    const silent = await lamp();
    expect(await silent.closed).toEqual({ code: LampCloseCode.HandshakeTimeout, reason: 'no secret received in time' });
    expect(silent.received).toEqual([]);
  });

  it('does not count a wrong secret as a lamp', async () => {
    const intruder = await lamp();
    intruder.send('guess');
    await intruder.closed;
    expect((await graphqlData(httpPort, '{ lamps { totalCount } }')).lamps.totalCount).toBe(0);
  });

  it('answers the right secret with ok and the current display packet', async () => {
    const { setColor } = await graphqlData(httpPort, 'mutation { setColor(color: { r: 1, g: 2, b: 3 }) { frame } }');
    const good = await lamp();
    good.send(DEVICE_SECRET);
    expect(await good.next()).toBe('ok');
    expect(await good.next()).toBe(setColor.frame);
    good.close();
  });
});

describe('an open connection', () => {
  it('answers text ping with pong, and ping frames with pong frames carrying the payload', async () => {
    const { lamp: open } = await TestLamp.handshake(adapter.port, DEVICE_SECRET);
    open.send('ping');
    expect(await open.next()).toBe('pong');
    const pong = new Promise<Buffer>((resolve) => open.socket.once('pong', resolve));
    open.socket.ping(Buffer.from('are-you-there'));
    expect((await pong).toString()).toBe('are-you-there');
    open.close();
  });

  it('logs and ignores unexpected messages, binary frames included, and stays open', async () => {
    const { lamp: open } = await TestLamp.handshake(adapter.port, DEVICE_SECRET);
    open.send('hello?');
    open.send('[cc:2:1,2,3:0]');
    open.socket.send(Buffer.from([1, 2, 3]));
    open.send('ping');
    expect(await open.next()).toBe('pong');
    expect(open.socket.readyState).toBe(WebSocket.OPEN);
    open.close();
  });

  it('closes a frame larger than the limit with 1009', async () => {
    const { lamp: open } = await TestLamp.handshake(adapter.port, DEVICE_SECRET);
    open.send('d:' + 'x'.repeat(2000));
    expect((await open.closed).code).toBe(LampCloseCode.MessageTooBig);
  });

  it('drops a lamp that goes silent and reports it disconnected', async () => {
    const client = wsClient(httpPort);
    const events = subscribe(client, 'subscription { lampEvents { kind reason lamp { id online } } }');
    await waitUntil(() => api.services.lampConnections.eventSubscribers === 1, 5000, 'the subscription to start');
    const { lamp: quiet } = await TestLamp.handshake(adapter.port, DEVICE_SECRET);
    let online = await events.next();
    // A lamp seen for the first time is ADDED, then ONLINE.
    if (online.lampEvents.kind === 'ADDED') online = await events.next();
    expect(online.lampEvents).toMatchObject({ kind: 'ONLINE', lamp: { online: true } });
    // ws answers ping frames by itself, so only stopping pings (as a dead lamp does) counts.
    expect((await quiet.closed).code).toBe(LampCloseCode.HeartbeatTimeout);
    const gone = await events.next();
    expect(gone.lampEvents).toMatchObject({ kind: 'OFFLINE', lamp: { id: online.lampEvents.lamp.id, online: false } });
    expect(gone.lampEvents.reason).toMatch(/no sign of life/);
    events.stop();
    await client.dispose();
  });

  it('keeps a lamp that pings more often than the heartbeat timeout', async () => {
    const { lamp: alive } = await TestLamp.handshake(adapter.port, DEVICE_SECRET);
    const pinger = setInterval(() => alive.send('ping'), 200);
    // Silent lamps that connected no earlier than the pinging one are dropped for silence, one
    // after the other: by then the pinging lamp has outlived the timeout more than twice over.
    for (let round = 0; round < 2; round++) {
      const { lamp: silent } = await TestLamp.handshake(adapter.port, DEVICE_SECRET);
      expect((await silent.closed).code).toBe(LampCloseCode.HeartbeatTimeout);
    }
    clearInterval(pinger);
    expect(alive.socket.readyState).toBe(WebSocket.OPEN);
    alive.close();
  });
});

describe('lamps', () => {
  const ONLINE = '{ lamps(online: true) { nodes { id online address connection { id remoteAddress connectedAt lastSeenAt } } } }';

  it('lists a connected lamp with its connection, address and times, and keeps it offline when it leaves', async () => {
    const { lamp: one } = await TestLamp.handshake(adapter.port, DEVICE_SECRET);
    await waitUntil(() => api.services.lampConnections.count() === 1);
    const lamps = (await graphqlData(httpPort, ONLINE)).lamps.nodes;
    expect(lamps).toHaveLength(1);
    expect(lamps[0]).toMatchObject({ online: true, address: '127.0.0.1', connection: { remoteAddress: '127.0.0.1' } });
    expect(lamps[0].connection.id.startsWith(`${adapter.adapterId}.`)).toBe(true);
    expect(Date.parse(lamps[0].connection.connectedAt)).toBeLessThanOrEqual(Date.parse(lamps[0].connection.lastSeenAt));
    one.close();
    await waitUntil(() => api.services.lampConnections.count() === 0, 3000, 'the lamp to be reported gone');
    const kept = (await graphqlData(httpPort, 'query ($id: ID!) { lamp(lampId: $id) { online connection { id } } }', { id: lamps[0].id }))
      .lamp;
    expect(kept).toEqual({ online: false, connection: null });
  });
});
