import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterClient, execute } from './support/adapter-endpoint.js';
import { graphql, graphqlData, subscribe } from './support/graphql.js';
import type { TestLamp } from './support/lamp.js';
import { ADAPTER_TOKEN, DEVICE_SECRET, startAdapter, startSystem, waitUntil, type RunningSystem } from './support/system.js';

/*
 * An adapter is known to the API by its own link, not by the name it gives: another holder of
 * an adapter token who sends the same name cannot touch its lamps.
 */

let running: RunningSystem;
let readOnlyToken: string;

beforeAll(async () => {
  running = await startSystem();
  readOnlyToken = (await graphqlData(running.http, 'mutation { createApiToken(name: "wall display", scope: READ_ONLY) { token } }'))
    .createApiToken.token;
});
afterAll(async () => {
  await running.stop();
});

/** What a READ_ONLY token sees of the lamps online: their connections. */
async function connections(): Promise<{ id: string; remoteAddress: string }[]> {
  const answer = await graphql(running.http, '{ lamps(online: true) { nodes { connection { id remoteAddress } } } }', undefined, {
    authorization: `Bearer ${readOnlyToken}`,
  });
  return (answer.data!.lamps.nodes as { connection: { id: string; remoteAddress: string } }[]).map((lamp) => lamp.connection);
}

function session(connectionId: string) {
  const now = new Date().toISOString();
  return { connectionId, secret: DEVICE_SECRET, remoteAddress: '203.0.113.9', connectedAt: now, lastSeenAt: now };
}

const SYNC = 'mutation ($l: [LampSessionInput!]!) { syncLamps(lamps: $l) { refusedConnectionIds } }';

const tokens: [string, () => Promise<string>][] = [
  ['the shared adapter token', () => Promise.resolve(ADAPTER_TOKEN)],
  [
    'an ADAPTER API token',
    async () =>
      (await graphqlData(running.http, 'mutation { createApiToken(name: "garden", scope: ADAPTER) { token } }')).createApiToken.token,
  ],
];

describe.each(tokens)("another link with %s and the real adapter's name", (_name, token) => {
  let lamp: TestLamp;
  let connectionId: string;
  let lampId: string;
  let impostor: Client;

  beforeAll(async () => {
    ({ lamp } = await running.lamp());
    await waitUntil(() => running.system.api.services.lampConnections.count() === 1, 3000, 'the lamp to be listed');
    // Anyone who may watch sees the lamp's connection id, and with it the adapter's name.
    connectionId = (await connections())[0]!.id;
    expect(connectionId.startsWith(`${running.system.adapter.adapterId}.`)).toBe(true);
    lampId = (await graphqlData(running.http, '{ lamps(online: true) { nodes { id } } }')).lamps.nodes[0].id;
    impostor = adapterClient(running.http, { authorization: `Bearer ${await token()}`, adapterId: running.system.adapter.adapterId });
  });
  afterAll(async () => {
    await impostor.dispose();
    lamp.close();
    await lamp.closed;
    await waitUntil(() => running.system.api.services.lampConnections.count() === 0, 3000, 'the lamp to be gone');
  });

  it("cannot drop the real adapter's lamps by reporting none", async () => {
    const answer = await execute(impostor, SYNC, { l: [] });
    expect(answer).toEqual({ data: { syncLamps: { refusedConnectionIds: [] } } });
    expect(await connections()).toEqual([{ id: connectionId, remoteAddress: '127.0.0.1' }]);
  });

  it("cannot take a lamp's connection id by admitting or listing it", async () => {
    const admitted = await execute(impostor, 'mutation ($l: LampSessionInput!) { admitLamp(lamp: $l) { accepted } }', {
      l: session(connectionId),
    });
    expect(admitted.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(admitted.errors?.[0]?.message).toMatch(/held by another adapter/);
    const synced = await execute(impostor, SYNC, { l: [session(connectionId)] });
    expect(synced).toEqual({ data: { syncLamps: { refusedConnectionIds: [connectionId] } } });
    expect(await connections()).toEqual([{ id: connectionId, remoteAddress: '127.0.0.1' }]);
  });

  it("cannot report the real adapter's lamps gone", async () => {
    const answer = await execute(impostor, 'mutation ($id: ID!) { reportLampDisconnected(connectionId: $id, reason: "gone") }', {
      id: connectionId,
    });
    expect(answer).toEqual({ data: { reportLampDisconnected: false } });
    expect(await connections()).toEqual([{ id: connectionId, remoteAddress: '127.0.0.1' }]);
  });

  it('leaves commands reaching the real lamp, and cannot claim to have reached it or others', async () => {
    // The impostor listens for commands too, and claims every lamp it can name. Its subscription
    // starts on its own time, so commands go out until it hears one.
    const commands = subscribe(impostor, 'subscription { lampCommands { id } }');
    for (let attempt = 1; ; attempt++) {
      const sending = graphqlData(running.http, 'mutation { sendCommand(command: RESET) { lampsReached lampIds } }');
      const heard = await commands.next(1000).catch(() => null);
      if (!heard) {
        await sending;
        if (attempt === 10) throw new Error('the impostor never heard a command');
        continue;
      }
      const claim = await execute(impostor, 'mutation ($c: ID!, $ids: [ID!]!) { confirmLampCommand(commandId: $c, connectionIds: $ids) }', {
        c: heard.lampCommands.id,
        ids: [connectionId, 'ghost.1'],
      });
      // The impostor was waited for and its claim taken, minus the lamps it does not hold.
      expect(claim).toEqual({ data: { confirmLampCommand: true } });
      expect((await sending).sendCommand).toEqual({ lampsReached: 1, lampIds: [lampId] });
      break;
    }
    expect(await lamp.waitFor('[cc:r:?:?]')).toBe('[cc:r:?:?]');
    commands.stop();
  });
});

it('refuses an adapter link whose key breaks the rules, saying why', async () => {
  const client = adapterClient(running.http, { authorization: `Bearer ${ADAPTER_TOKEN}`, adapterId: 'garden', adapterKey: 'short' });
  const closed = await execute(client, '{ roomFrames { frame } }').then(
    () => null,
    (error: { code?: number; reason?: string }) => error,
  );
  expect(closed).toMatchObject({ code: 4400, reason: expect.stringMatching(/adapterKey must be/) });
  await client.dispose();
});

it('will not start an adapter under a name the API would not take, saying why', async () => {
  // The API would treat its link as nameless and admit none of its lamps.
  await expect(startAdapter(running.http, { adapterId: 'front door' })).rejects.toThrow(
    'adapterId must be 1-100 letters, digits or . _ : -, got "front door"',
  );
});

it("lets an adapter's new link carry on with its lamps while its old one is still open, and only its own", async () => {
  const params = { authorization: `Bearer ${ADAPTER_TOKEN}`, adapterId: 'porch', adapterKey: 'porch-adapter-key-0123456789abcdef' };
  const before = adapterClient(running.http, params);
  // An open subscription keeps the link open, as the adapter's own do.
  const following = subscribe(before, 'subscription { roomFrames { frame } }');
  await following.next();
  const admitted = await execute(before, 'mutation ($l: LampSessionInput!) { admitLamp(lamp: $l) { accepted } }', {
    l: session('porch.1'),
  });
  expect(admitted).toEqual({ data: { admitLamp: { accepted: true } } });

  // The same adapter links again (its old link not yet gone) and lists its lamp: it keeps it.
  const after = adapterClient(running.http, params);
  const listed = await execute(after, SYNC, { l: [session('porch.1')] });
  expect(listed).toEqual({ data: { syncLamps: { refusedConnectionIds: [] } } });
  // The same name with another key is another adapter.
  const other = adapterClient(running.http, { ...params, adapterKey: 'someone-else-key-0123456789abcdef' });
  const refused = await execute(other, SYNC, { l: [session('porch.1')] });
  expect(refused).toEqual({ data: { syncLamps: { refusedConnectionIds: ['porch.1'] } } });
  expect(await connections()).toContainEqual({ id: 'porch.1', remoteAddress: '203.0.113.9' });

  following.stop();
  await Promise.all([before.dispose(), after.dispose(), other.dispose()]);
  await waitUntil(() => !running.system.api.services.lampConnections.get('porch.1'), 3000, 'the porch lamp to go with its adapter');
});
