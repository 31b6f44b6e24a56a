import { dirname, join } from 'node:path';
import { buildApi } from '@cloud-cloud/api/app';
import { openDatabase } from '@cloud-cloud/api/store/database';
import { LampCloseCode } from '@cloud-cloud/protocol/close-codes';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { adapterRequest, AS_ADAPTER } from './support/adapter-endpoint.js';
import { ADMIN_TOKEN, graphql, graphqlData } from './support/graphql.js';
import { TestLamp } from './support/lamp.js';
import { LogLines } from './support/log-lines.js';
import { ADAPTER_TOKEN, DEVICE_SECRET, silentLogger, startAdapter, startApi, temporaryDataDir, waitUntil } from './support/system.js';

/** An API on a given port over the database file given, for restarts. */
function apiOn(port: number, databaseFile: string) {
  const database = openDatabase(databaseFile);
  const api = buildApi({
    host: '127.0.0.1',
    port,
    database,
    firmwareDirectory: join(dirname(databaseFile), 'firmware'),
    deviceSecret: DEVICE_SECRET,
    adapterToken: ADAPTER_TOKEN,
    apiToken: ADMIN_TOKEN,
    logger: silentLogger,
  });
  return {
    api,
    start: () => api.start(),
    stop: async () => {
      await api.stop();
      database.close();
    },
  };
}

describe("the adapter's link to the API", () => {
  it("survives the API going away: lamps stay connected and get the new API's packet once it is back", async () => {
    const first = startApi();
    const port = await first.started;
    const adapter = await startAdapter(port);
    await waitUntil(() => adapter.ready);
    const { lamp } = await TestLamp.handshake(adapter.port, DEVICE_SECRET);
    await graphqlData(port, 'mutation { setColor(color: { r: 9, g: 9, b: 9 }) { frame } }');
    expect(await lamp.next()).toBe('[cc:2:9,9,9:0]');

    await first.stop();
    await waitUntil(() => !adapter.ready, 3000, 'the adapter to notice');
    // While the API is away, the lamp stays connected and new lamps are told to come back later.
    const early = await TestLamp.connect(adapter.port);
    early.send(DEVICE_SECRET);
    expect((await early.closed).code).toBe(LampCloseCode.TryAgainLater);
    lamp.send('ping');
    expect(await lamp.next()).toBe('pong');

    // Another API comes up at the same address with a database of its own (state OFF): the lamp must be told.
    const data = temporaryDataDir();
    const second = apiOn(port, data.databaseFile);
    await second.start();
    expect(await lamp.next(5000)).toBe('[cc:0:?:?]');
    expect(lamp.socket.readyState).toBe(WebSocket.OPEN);

    // The adapter listed its lamps again, and changes flow as before.
    await waitUntil(() => second.api.services.lampConnections.count() === 1, 3000, 'the lamp to be listed again');
    await graphqlData(port, 'mutation { setColor(color: { r: 1, g: 1, b: 1 }) { frame } }');
    expect(await lamp.next()).toBe('[cc:2:1,1,1:0]');
    expect((await graphqlData(port, 'mutation { sendCommand(command: RESET) { lampsReached } }')).sendCommand.lampsReached).toBe(1);

    lamp.close();
    await adapter.stop();
    await second.stop();
    data.remove();
  });

  it('survives an API restart on the same database: lamps keep their packet and get nothing new', async () => {
    const data = temporaryDataDir();
    const first = apiOn(0, data.databaseFile);
    const { port } = await first.start();
    const adapter = await startAdapter(port);
    await waitUntil(() => adapter.ready);
    const { lamp } = await TestLamp.handshake(adapter.port, DEVICE_SECRET);
    await graphqlData(port, 'mutation { setColor(color: { hex: "#abcdef" }) { frame } }');
    expect(await lamp.next()).toBe('[cc:2:171,205,239:0]');
    await first.stop();
    await waitUntil(() => !adapter.ready);

    const again = apiOn(port, data.databaseFile);
    await again.start();
    await waitUntil(() => adapter.ready, 5000);
    await waitUntil(() => again.api.services.lampConnections.count() === 1);
    // The next packet the lamp gets is a change made now: the restart sent it nothing before.
    await graphqlData(port, 'mutation { setColor(color: { hex: "#123456" }) { frame } }');
    expect(await lamp.next()).toBe('[cc:2:18,52,86:0]');
    lamp.close();
    await adapter.stop();
    await again.stop();
    data.remove();
  });

  it('serves several adapters from one API', async () => {
    const { api, started, stop } = startApi();
    const port = await started;
    const adapters = [await startAdapter(port), await startAdapter(port)];
    await waitUntil(() => adapters.every((a) => a.ready));
    const lamps = await Promise.all(adapters.map((a) => TestLamp.handshake(a.port, DEVICE_SECRET)));
    await waitUntil(() => api.services.lampConnections.count() === 2);
    await graphqlData(port, 'mutation { setPulse(pulse: 3) { frame } }');
    for (const { lamp } of lamps) expect(await lamp.next()).toBe('[cc:2:255,255,255:3]');
    const reset = (await graphqlData(port, 'mutation { sendCommand(command: RESET) { lampsReached } }')).sendCommand;
    expect(reset.lampsReached).toBe(2);

    await adapters[0]!.stop();
    await waitUntil(() => api.services.lampConnections.count() === 1, 3000, "the stopped adapter's lamp to be gone");
    await adapters[1]!.stop();
    await stop();
  });

  it('refuses an adapter with the wrong token; its lamps are told to try later', async () => {
    const { started, stop } = startApi();
    const port = await started;
    const log = new LogLines();
    const adapter = await startAdapter(port, { adapterToken: 'wrong', logger: log.logger });
    await log.waitFor(/refused the adapter token/);
    expect(adapter.ready).toBe(false);
    const lamp = await TestLamp.connect(adapter.port);
    lamp.send(DEVICE_SECRET);
    expect((await lamp.closed).code).toBe(LampCloseCode.TryAgainLater);
    await adapter.stop();
    await stop();
  });

  it('tells an adapter over plain HTTP that operations on lamps need its graphql-ws link', async () => {
    const { started, stop } = startApi();
    const port = await started;
    const frames = await adapterRequest(port, '{ roomFrames { roomId frame revision } }');
    expect(frames.body.data?.roomFrames).toContainEqual({ roomId: 'home', frame: '[cc:0:?:?]', revision: expect.any(Number) });
    const report = await adapterRequest(port, 'mutation { reportLampDisconnected(connectionId: "x.1", reason: "y") }');
    expect(report.body.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' }, message: expect.stringMatching(/graphql-ws link/) });
    // The adapter token may still read the public schema, and change nothing there.
    const cannotControl = await graphql(port, 'mutation { setMode(mode: OFF) { frame } }', undefined, AS_ADAPTER);
    expect(cannotControl.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await stop();
  });
});
