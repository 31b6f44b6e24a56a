import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, graphqlData, subscribe, wsClient, type GraphqlResponse } from './support/graphql.js';
import type { TestLamp } from './support/lamp.js';
import { ADAPTER_TOKEN, DEVICE_SECRET, startSystem, waitUntil, type RunningSystem } from './support/system.js';

/*
 * An adapter is known to the API by its own link, not by the name it gives: another holder of
 * an adapter token who sends the same name cannot touch its lamps.
 */

let running: RunningSystem;
let readOnlyToken: string;

beforeAll(async () => {
  running = await startSystem();
  readOnlyToken = (
    await graphqlData(running.http, 'mutation { createApiToken(name: "wall display", scope: READ_ONLY) { token } }')
  ).createApiToken.token;
});
afterAll(async () => {
  await running.stop();
});

/** One operation over a graphql-ws client, with its errors. */
function execute(client: Client, query: string, variables?: Record<string, unknown>): Promise<GraphqlResponse> {
  return new Promise((resolve, reject) => {
    let result: GraphqlResponse = {};
    client.subscribe(
      { query, ...(variables ? { variables } : {}) },
      {
        next: (value) => {
          result = value as GraphqlResponse;
        },
        error: reject,
        complete: () => resolve(result),
      },
    );
  });
}

/** What a READ_ONLY token sees of the connected lamps. */
async function devices(): Promise<{ id: string; remoteAddress: string }[]> {
  const answer = await graphql(running.http, '{ devices { id remoteAddress } }', undefined, { authorization: `Bearer ${readOnlyToken}` });
  return answer.data!.devices;
}

function session(id: string) {
  const now = new Date().toISOString();
  return { id, secret: DEVICE_SECRET, remoteAddress: '203.0.113.9', connectedAt: now, lastSeenAt: now };
}

const tokens: [string, () => Promise<string>][] = [
  ['the shared adapter token', async () => ADAPTER_TOKEN],
  [
    'an ADAPTER API token',
    async () => (await graphqlData(running.http, 'mutation { createApiToken(name: "garden", scope: ADAPTER) { token } }')).createApiToken.token,
  ],
];

describe.each(tokens)('another link with %s and the real adapter\'s name', (_name, token) => {
  let lamp: TestLamp;
  let lampId: string;
  let impostor: Client;

  beforeAll(async () => {
    ({ lamp } = await running.lamp());
    await waitUntil(() => running.system.api.services.devices.count() === 1, 3000, 'the lamp to be listed');
    // Anyone who may watch sees the lamp's id, and with it the adapter's name.
    lampId = (await devices())[0]!.id;
    expect(lampId.startsWith(`${running.system.adapter.adapterId}.`)).toBe(true);
    impostor = wsClient(running.http, { authorization: `Bearer ${await token()}`, adapterId: running.system.adapter.adapterId });
  });
  afterAll(async () => {
    await impostor.dispose();
    lamp.close();
    await lamp.closed;
    await waitUntil(() => running.system.api.services.devices.count() === 0, 3000, 'the lamp to be gone');
  });

  it('cannot drop the real adapter\'s lamps by reporting none', async () => {
    const answer = await execute(impostor, 'mutation { syncLamps(lamps: []) }');
    expect(answer).toEqual({ data: { syncLamps: [] } });
    expect(await devices()).toEqual([{ id: lampId, remoteAddress: '127.0.0.1' }]);
  });

  it('cannot take a lamp\'s id by admitting or listing it', async () => {
    const admitted = await execute(impostor, 'mutation ($l: LampSessionInput!) { admitLamp(lamp: $l) { accepted } }', { l: session(lampId) });
    expect(admitted.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(admitted.errors?.[0]?.message).toMatch(/held by another adapter/);
    const synced = await execute(impostor, 'mutation ($l: [LampSessionInput!]!) { syncLamps(lamps: $l) }', { l: [session(lampId)] });
    expect(synced).toEqual({ data: { syncLamps: [lampId] } });
    expect(await devices()).toEqual([{ id: lampId, remoteAddress: '127.0.0.1' }]);
  });

  it('cannot report the real adapter\'s lamps gone', async () => {
    const answer = await execute(impostor, 'mutation ($id: ID!) { reportLampDisconnected(id: $id, reason: "gone") }', { id: lampId });
    expect(answer).toEqual({ data: { reportLampDisconnected: false } });
    expect(await devices()).toEqual([{ id: lampId, remoteAddress: '127.0.0.1' }]);
  });

  it('leaves commands reaching the real lamp, and cannot claim to have reached it or others', async () => {
    // The impostor listens for commands too, and claims every lamp it can name.
    const commands = subscribe(impostor, 'subscription { lampCommands { id } }');
    await waitUntil(() => running.system.api.services.devices.count() === 1);
    const claims = (async () => {
      const { lampCommands } = await commands.next(5000);
      return execute(impostor, 'mutation ($c: ID!, $d: [ID!]!) { confirmLampCommand(commandId: $c, deviceIds: $d) }', {
        c: lampCommands.id,
        d: [lampId, 'ghost.1'],
      });
    })();
    // Give the subscription time to start before the command goes out.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { sendCommand } = await graphqlData(running.http, 'mutation { sendCommand(command: RESET) { lampsReached deviceIds } }');
    expect(sendCommand).toEqual({ lampsReached: 1, deviceIds: [lampId] });
    expect(await lamp.waitFor('[cc:r:?:?]')).toBe('[cc:r:?:?]');
    // The impostor did hear the command and was waited for: its claim was taken, minus the lamps it does not hold.
    expect(await claims).toEqual({ data: { confirmLampCommand: true } });
    commands.stop();
  });
});

it('refuses an adapter link whose key breaks the rules, saying why', async () => {
  const client = wsClient(running.http, { authorization: `Bearer ${ADAPTER_TOKEN}`, adapterId: 'garden', adapterKey: 'short' });
  const closed = await execute(client, '{ displayState { frame } }').then(
    () => null,
    (error: { code?: number; reason?: string }) => error,
  );
  expect(closed).toMatchObject({ code: 4400, reason: expect.stringMatching(/adapterKey must be/) });
  await client.dispose();
});
