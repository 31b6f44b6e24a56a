import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esp32Image } from './support/firmware-images.js';
import { AS_ADMIN, graphql, graphqlData, subscribe, wsClient } from './support/graphql.js';
import { allLamps, connectLamp, dialLamp, hangUp, LAMP_FIELDS, lampById, lampWhen, offline } from './support/lamp-rooms.js';
import { DEVICE_SECRET, startSystem, temporaryDataDir, waitUntil, type RunningSystem } from './support/system.js';
import { esp8266UpdateHeaders, updateCheck } from './support/update-client.js';

let running: RunningSystem;
beforeAll(async () => {
  running = await startSystem();
});
afterAll(() => running.stop());

async function register(name: string): Promise<{ secret: string; lamp: any }> {
  return (
    await graphqlData(running.http, `mutation($name: String!) { registerLamp(name: $name) { secret lamp { ${LAMP_FIELDS} } } }`, { name })
  ).registerLamp;
}

const onlineAt = (address: string) => (lamp: any) => lamp.online && lamp.connection?.remoteAddress === address;

describe('a lamp with its own secret', () => {
  it('is the same lamp across reconnects, from any address, and learns its MAC and version from the URL', async () => {
    const { secret, lamp: registered } = await register('Desk');
    expect(registered).toMatchObject({
      name: 'Desk',
      identity: 'OWN_SECRET',
      weakIdentity: false,
      hasOwnSecret: true,
      online: false,
      roomId: 'home',
    });

    const first = await connectLamp(running.device, { secret });
    const online = await lampById(running.http, registered.id);
    expect(online).toMatchObject({ id: registered.id, name: 'Desk', online: true, address: '127.0.0.1', identity: 'OWN_SECRET' });
    expect(online.connection.remoteAddress).toBe('127.0.0.1');
    await hangUp(first.lamp);
    const away = await offline(running.http, registered.id);
    expect(away.connection).toBeNull();
    // Last seen is kept while offline.
    expect(Date.parse(away.lastSeenAt)).toBeGreaterThanOrEqual(Date.parse(online.connection.connectedAt));

    const second = await connectLamp(running.device, { secret, mac: '5c:cf:7f:00:00:01', version: '2.0.1', from: '127.0.0.4' });
    const back = await lampById(running.http, registered.id);
    expect(back).toMatchObject({
      online: true,
      address: '127.0.0.4',
      mac: '5C:CF:7F:00:00:01',
      firmwareVersion: '2.0.1',
      identity: 'OWN_SECRET',
    });
    expect((await allLamps(running.http)).filter((lamp) => lamp.name === 'Desk')).toHaveLength(1);
    await hangUp(second.lamp);
  });
});

describe('a shared-secret lamp that names itself in the URL', () => {
  it('appears named after its MAC and is recognised by it across reconnects', async () => {
    const client = wsClient(running.http);
    const events = subscribe(client, 'subscription { lampEvents { kind lamp { id name } } }');
    // Renaming a lamp until the subscription reports it shows that the subscription is live.
    const { lamp: probe } = await register('Probe');
    for (let round = 0; ; round++) {
      await graphqlData(running.http, `mutation($lampId: ID!) { renameLamp(lampId: $lampId, name: "Probe ${round}") { id } }`, {
        lampId: probe.id,
      });
      const seen = await events.next(500).catch(() => null);
      if (seen) break;
    }
    const first = await connectLamp(running.device, { mac: '5c:cf:7f:aa:bb:01', version: '1.4.2', from: '127.0.0.5' });
    let added: any;
    while (!added) {
      const { lampEvents } = await events.next();
      if (lampEvents.kind === 'ADDED') added = lampEvents.lamp;
    }
    expect(added.name).toBe('Lamp 5C:CF:7F:AA:BB:01');
    const lamp = await lampById(running.http, added.id);
    expect(lamp).toMatchObject({
      name: 'Lamp 5C:CF:7F:AA:BB:01',
      identity: 'MAC',
      weakIdentity: false,
      hasOwnSecret: false,
      mac: '5C:CF:7F:AA:BB:01',
      firmwareVersion: '1.4.2',
      address: '127.0.0.5',
      online: true,
      roomId: 'home',
    });
    await hangUp(first.lamp);
    await offline(running.http, lamp.id);

    const again = await connectLamp(running.device, { mac: '5C:CF:7F:AA:BB:01', version: '1.4.3', from: '127.0.0.6' });
    expect(await lampById(running.http, lamp.id)).toMatchObject({
      online: true,
      address: '127.0.0.6',
      firmwareVersion: '1.4.3',
      identity: 'MAC',
    });
    expect((await allLamps(running.http)).filter((l) => l.mac === '5C:CF:7F:AA:BB:01').map((l) => l.id)).toEqual([lamp.id]);
    events.stop();
    await client.dispose();
    await hangUp(again.lamp);
  });

  it('a second connection with the same MAC replaces the first (4409)', async () => {
    const first = await connectLamp(running.device, { mac: '5C:CF:7F:AA:BB:02' });
    const { id } = await lampWhen(running.http, (l) => l.mac === '5C:CF:7F:AA:BB:02' && l.online, 'the lamp');
    const second = await connectLamp(running.device, { mac: '5C:CF:7F:AA:BB:02', from: '127.0.0.7' });
    expect((await first.lamp.closed).code).toBe(4409);
    const lamp = await lampWhen(running.http, (l) => l.id === id && l.connection?.remoteAddress === '127.0.0.7', 'the new connection');
    expect(lamp.online).toBe(true);
    expect((await allLamps(running.http)).filter((l) => l.mac === '5C:CF:7F:AA:BB:02')).toHaveLength(1);
    await hangUp(second.lamp);
  });

  it('a malformed MAC is ignored: the lamp is let in and known by its address', async () => {
    const { lamp } = await connectLamp(running.device, { query: 'mac=not-a-mac&colour=blue', from: '127.0.0.8' });
    const known = await lampWhen(running.http, onlineAt('127.0.0.8'), 'the lamp');
    expect(known).toMatchObject({ identity: 'ADDRESS', mac: null, name: 'Lamp at 127.0.0.8' });
    await hangUp(lamp);
  });
});

describe('a shared-secret lamp that says nothing about itself', () => {
  it('is known by its address, weakly, across reconnects; a second one there is another lamp', async () => {
    const first = await connectLamp(running.device, { from: '127.0.0.9' });
    const lamp = await lampWhen(running.http, onlineAt('127.0.0.9'), 'the lamp');
    expect(lamp).toMatchObject({
      name: 'Lamp at 127.0.0.9',
      identity: 'ADDRESS',
      weakIdentity: true,
      hasOwnSecret: false,
      mac: null,
      address: '127.0.0.9',
    });

    const neighbour = await connectLamp(running.device, { from: '127.0.0.9' });
    const both = (await allLamps(running.http)).filter(onlineAt('127.0.0.9'));
    expect(both).toHaveLength(2);
    const other = both.find((l) => l.id !== lamp.id);
    expect(other).toMatchObject({ name: 'Lamp at 127.0.0.9 (2)', identity: 'ADDRESS', weakIdentity: true });
    await hangUp(neighbour.lamp);
    await hangUp(first.lamp);
    await offline(running.http, lamp.id);
    await offline(running.http, other.id);

    const again = await connectLamp(running.device, { from: '127.0.0.9' });
    const back = await lampWhen(running.http, onlineAt('127.0.0.9'), 'the lamp back');
    expect([lamp.id, other.id]).toContain(back.id);
    expect((await allLamps(running.http)).filter((l) => l.address === '127.0.0.9')).toHaveLength(2);
    await hangUp(again.lamp);
  });

  it('keeps the name it was given across reconnects', async () => {
    const first = await connectLamp(running.device, { from: '127.0.0.10' });
    const lamp = await lampWhen(running.http, onlineAt('127.0.0.10'), 'the lamp');
    const { renameLamp } = await graphqlData(
      running.http,
      `mutation($lampId: ID!) { renameLamp(lampId: $lampId, name: "Hall") { ${LAMP_FIELDS} } }`,
      { lampId: lamp.id },
    );
    expect(renameLamp).toMatchObject({ id: lamp.id, name: 'Hall', online: true });
    await hangUp(first.lamp);
    await offline(running.http, lamp.id);
    const again = await connectLamp(running.device, { from: '127.0.0.10' });
    expect(await lampWhen(running.http, onlineAt('127.0.0.10'), 'the lamp back')).toMatchObject({ id: lamp.id, name: 'Hall' });
    await hangUp(again.lamp);
  });
});

describe('renaming', () => {
  it('refuses an empty, too long or taken name, naming what was wrong', async () => {
    const { lamp } = await register('Taken name');
    const { lamp: other } = await register('Free name');
    for (const name of ['', 'x'.repeat(65), 'Taken name']) {
      const result = await graphql(
        running.http,
        'mutation($lampId: ID!, $name: String!) { renameLamp(lampId: $lampId, name: $name) { name } }',
        {
          lampId: other.id,
          name,
        },
      );
      expect(result.errors?.[0]?.message).toMatch(/name/i);
    }
    expect((await lampById(running.http, lamp.id)).name).toBe('Taken name');
    expect((await lampById(running.http, other.id)).name).toBe('Free name');
    const unknown = await graphql(running.http, 'mutation { renameLamp(lampId: "lamp-nope", name: "x") { name } }');
    expect(unknown.errors?.[0]?.message).toMatch(/lamp/i);
  });
});

describe('forgetting', () => {
  it('a forgotten shared-secret lamp is closed (1012) and comes back as a new lamp', async () => {
    const first = await connectLamp(running.device, { mac: '5C:CF:7F:AA:BB:03' });
    const lamp = await lampWhen(running.http, (l) => l.mac === '5C:CF:7F:AA:BB:03' && l.online, 'the lamp');
    await graphqlData(running.http, 'mutation($lampId: ID!) { renameLamp(lampId: $lampId, name: "Porch") { id } }', { lampId: lamp.id });
    const { forgetLamp } = await graphqlData(running.http, `mutation($lampId: ID!) { forgetLamp(lampId: $lampId) { ${LAMP_FIELDS} } }`, {
      lampId: lamp.id,
    });
    expect(forgetLamp).toMatchObject({ id: lamp.id, name: 'Porch' });
    expect((await first.lamp.closed).code).toBe(1012);
    expect(await lampById(running.http, lamp.id)).toBeNull();

    const again = await connectLamp(running.device, { mac: '5C:CF:7F:AA:BB:03' });
    const fresh = await lampWhen(running.http, (l) => l.mac === '5C:CF:7F:AA:BB:03' && l.online, 'the lamp back');
    expect(fresh.id).not.toBe(lamp.id);
    expect(fresh.name).toBe('Lamp 5C:CF:7F:AA:BB:03');
    await hangUp(again.lamp);
  });

  it('a forgotten lamp with its own secret is closed (4403) and its secret no longer lets it in', async () => {
    const { secret, lamp } = await register('Attic');
    const { lamp: socket } = await connectLamp(running.device, { secret });
    await graphqlData(running.http, 'mutation($lampId: ID!) { forgetLamp(lampId: $lampId) { id } }', { lampId: lamp.id });
    expect((await socket.closed).code).toBe(4403);
    expect(await lampById(running.http, lamp.id)).toBeNull();
    expect((await allLamps(running.http)).some((l) => l.name === 'Attic')).toBe(false);
    const refused = await dialLamp(running.device);
    refused.send(secret);
    expect((await refused.closed).code).toBe(4401);
  });

  it('an offline lamp known by its address is forgotten and comes back as new', async () => {
    const first = await connectLamp(running.device, { from: '127.0.0.11' });
    const lamp = await lampWhen(running.http, onlineAt('127.0.0.11'), 'the lamp');
    await hangUp(first.lamp);
    await offline(running.http, lamp.id);
    const { forgetLamp } = await graphqlData(running.http, 'mutation($lampId: ID!) { forgetLamp(lampId: $lampId) { id online } }', {
      lampId: lamp.id,
    });
    expect(forgetLamp).toEqual({ id: lamp.id, online: false });
    const again = await connectLamp(running.device, { from: '127.0.0.11' });
    const fresh = await lampWhen(running.http, onlineAt('127.0.0.11'), 'the lamp back');
    expect(fresh.id).not.toBe(lamp.id);
    expect(fresh.name).toBe('Lamp at 127.0.0.11');
    await hangUp(again.lamp);
  });
});

describe('revoking', () => {
  it('answers with the lamp offline, closes it (4403) and keeps it out (4401)', async () => {
    const { secret, lamp } = await register('Garage');
    const { lamp: socket } = await connectLamp(running.device, { secret });
    expect((await lampById(running.http, lamp.id)).online).toBe(true);
    const { revokeLamp } = await graphqlData(running.http, `mutation($lampId: ID!) { revokeLamp(lampId: $lampId) { ${LAMP_FIELDS} } }`, {
      lampId: lamp.id,
    });
    expect(revokeLamp).toMatchObject({ id: lamp.id, online: false, connection: null, hasOwnSecret: true });
    expect(revokeLamp.revokedAt).not.toBeNull();
    expect((await socket.closed).code).toBe(4403);
    const refused = await dialLamp(running.device);
    refused.send(secret);
    expect((await refused.closed).code).toBe(4401);
    expect(await lampById(running.http, lamp.id)).toMatchObject({ online: false, revokedAt: revokeLamp.revokedAt });
  });
});

/** Uploads an image as curl -F would (GraphQL multipart request), and returns its id. */
async function uploadImage(bytes: Uint8Array): Promise<string> {
  const form = new FormData();
  form.set(
    'operations',
    JSON.stringify({ query: 'mutation($file: File!) { uploadFirmware(file: $file) { id } }', variables: { file: null } }),
  );
  form.set('map', JSON.stringify({ 0: ['variables.file'] }));
  form.set('0', new Blob([new Uint8Array(bytes)]), 'firmware.bin');
  const response = await fetch(`http://127.0.0.1:${running.http}/graphql`, {
    method: 'POST',
    body: form,
    headers: { 'x-graphql-yoga-csrf': '1', ...AS_ADMIN },
  });
  const body = (await response.json()) as { data?: { uploadFirmware: { id: string } } | null; errors?: unknown };
  if (!body.data) throw new Error(JSON.stringify(body.errors));
  return body.data.uploadFirmware.id;
}

describe('firmware records', () => {
  it('an update check with a MAC from the address of a lamp known by its address gives that lamp its MAC', async () => {
    const { lamp: socket } = await connectLamp(running.device, { from: '127.0.0.12' });
    const lamp = await lampWhen(running.http, onlineAt('127.0.0.12'), 'the lamp');
    expect(lamp.mac).toBeNull();
    const check = await updateCheck(
      running.http,
      '/ota',
      esp8266UpdateHeaders({ mac: '5C:CF:7F:00:00:12', version: '1.0.7' }),
      '127.0.0.12',
    );
    expect(check.status).toBe(304);
    const linked = await graphqlData(
      running.http,
      'query($lampId: ID!) { lamp(lampId: $lampId) { mac firmwareVersion firmware { mac lamp { id } } } }',
      {
        lampId: lamp.id,
      },
    );
    expect(linked.lamp).toEqual({
      mac: '5C:CF:7F:00:00:12',
      firmwareVersion: '1.0.7',
      firmware: { mac: '5C:CF:7F:00:00:12', lamp: { id: lamp.id } },
    });
    // Old firmware keeps connecting without naming itself: it is still that lamp.
    await hangUp(socket);
    await offline(running.http, lamp.id);
    const again = await connectLamp(running.device, { from: '127.0.0.12' });
    expect(await lampWhen(running.http, onlineAt('127.0.0.12'), 'the lamp back')).toMatchObject({ id: lamp.id, mac: '5C:CF:7F:00:00:12' });
    await hangUp(again.lamp);
  });

  it("two lamps without a MAC at the check's address: neither is given it", async () => {
    const a = await connectLamp(running.device, { from: '127.0.0.21' });
    const b = await connectLamp(running.device, { from: '127.0.0.21' });
    const check = await updateCheck(
      running.http,
      '/ota',
      esp8266UpdateHeaders({ mac: '5C:CF:7F:00:00:13', version: '1.0.0' }),
      '127.0.0.21',
    );
    expect(check.status).toBe(304);
    const there = (await allLamps(running.http)).filter(onlineAt('127.0.0.21'));
    expect(there).toHaveLength(2);
    expect(there.map((lamp) => lamp.mac)).toEqual([null, null]);
    await hangUp(a.lamp);
    await hangUp(b.lamp);
  });

  it('a check with the MAC of a lamp known by it links that lamp, wherever the check comes from', async () => {
    const { lamp: socket } = await connectLamp(running.device, { mac: '5C:CF:7F:00:00:14', version: '1.0.0', from: '127.0.0.22' });
    const lamp = await lampWhen(running.http, (l) => l.mac === '5C:CF:7F:00:00:14' && l.online, 'the lamp');
    const check = await updateCheck(
      running.http,
      '/ota',
      esp8266UpdateHeaders({ mac: '5C:CF:7F:00:00:14', version: '1.0.1' }),
      '127.0.0.23',
    );
    expect(check.status).toBe(304);
    const linked = await graphqlData(
      running.http,
      'query($lampId: ID!) { lamp(lampId: $lampId) { firmwareVersion firmware { mac runningVersion lamp { id } } } }',
      {
        lampId: lamp.id,
      },
    );
    expect(linked.lamp).toEqual({
      firmwareVersion: '1.0.1',
      firmware: { mac: '5C:CF:7F:00:00:14', runningVersion: '1.0.1', lamp: { id: lamp.id } },
    });
    await hangUp(socket);
  });

  it('a rollout reaches the lamp with that MAC, not its neighbour at the same address', async () => {
    const a = await connectLamp(running.device, { mac: '5C:CF:7F:00:00:21', from: '127.0.0.13' });
    const b = await connectLamp(running.device, { mac: '5C:CF:7F:00:00:22', from: '127.0.0.13' });
    const lampA = await lampWhen(running.http, (l) => l.mac === '5C:CF:7F:00:00:21' && l.online, 'lamp a');
    const lampB = await lampWhen(running.http, (l) => l.mac === '5C:CF:7F:00:00:22' && l.online, 'lamp b');
    const firmwareId = await uploadImage(esp32Image({ version: '3.0.0', seed: 'rollout by mac' }));
    const { rollOutFirmware } = await graphqlData(
      running.http,
      'mutation($firmwareId: ID!, $macs: [String!]) { rollOutFirmware(firmwareId: $firmwareId, macs: $macs) { macs lampIds lampsReached } }',
      { firmwareId, macs: ['5C:CF:7F:00:00:21'] },
    );
    expect(rollOutFirmware).toEqual({ macs: ['5C:CF:7F:00:00:21'], lampIds: [lampA.id], lampsReached: 1 });
    expect(await a.lamp.next()).toBe('[cc:u:?:?]');
    // b's next packet is a RESET aimed at it: the UPDATE did not reach it.
    await graphqlData(running.http, 'mutation($lampIds: [ID!]) { sendCommand(command: RESET, lampIds: $lampIds) { lampsReached } }', {
      lampIds: [lampB.id],
    });
    expect(await b.lamp.next()).toBe('[cc:r:?:?]');
    await graphqlData(running.http, 'mutation { unassignFirmware(macs: ["5C:CF:7F:00:00:21"]) }');
    await hangUp(a.lamp);
    await hangUp(b.lamp);
  });
});

describe('who may be which lamp', () => {
  it('the shared secret with the MAC of a lamp that has its own secret is refused; that lamp keeps its connection', async () => {
    const { secret, lamp } = await register('Study');
    const own = await connectLamp(running.device, { secret, mac: '5C:CF:7F:00:00:31', from: '127.0.0.15' });
    expect((await lampById(running.http, lamp.id)).mac).toBe('5C:CF:7F:00:00:31');
    const impostor = await dialLamp(running.device, { mac: '5C:CF:7F:00:00:31', from: '127.0.0.16' });
    impostor.send(DEVICE_SECRET);
    expect((await impostor.closed).code).toBe(4401);
    expect(impostor.received).toEqual([]);
    expect((await lampById(running.http, lamp.id)).connection.remoteAddress).toBe('127.0.0.15');
    await graphqlData(running.http, 'mutation($lampIds: [ID!]) { sendCommand(command: RESET, lampIds: $lampIds) { lampsReached } }', {
      lampIds: [lamp.id],
    });
    expect(await own.lamp.next()).toBe('[cc:r:?:?]');
    await hangUp(own.lamp);
  });

  it('a second connection with the same own secret replaces the first (4409)', async () => {
    const { secret, lamp } = await register('Nursery');
    const first = await connectLamp(running.device, { secret, from: '127.0.0.17' });
    const second = await connectLamp(running.device, { secret, from: '127.0.0.18' });
    expect((await first.lamp.closed).code).toBe(4409);
    const now = await lampWhen(running.http, (l) => l.id === lamp.id && l.connection?.remoteAddress === '127.0.0.18', 'the new connection');
    expect(now).toMatchObject({ online: true, address: '127.0.0.18' });
    await hangUp(second.lamp);
    await offline(running.http, lamp.id);
  });

  it('a revoked lamp known by its MAC stays out', async () => {
    const { lamp: socket } = await connectLamp(running.device, { mac: '5C:CF:7F:00:00:32' });
    const lamp = await lampWhen(running.http, (l) => l.mac === '5C:CF:7F:00:00:32' && l.online, 'the lamp');
    const { revokeLamp } = await graphqlData(
      running.http,
      'mutation($lampId: ID!) { revokeLamp(lampId: $lampId) { online revokedAt hasOwnSecret } }',
      {
        lampId: lamp.id,
      },
    );
    expect(revokeLamp).toMatchObject({ online: false, hasOwnSecret: false });
    expect(revokeLamp.revokedAt).not.toBeNull();
    expect((await socket.closed).code).toBe(4403);
    const again = await dialLamp(running.device, { mac: '5C:CF:7F:00:00:32', from: '127.0.0.19' });
    again.send(DEVICE_SECRET);
    expect((await again.closed).code).toBe(4401);
    expect(again.received).toEqual([]);
  });

  it('a revoked lamp known by its address stays out', async () => {
    const { lamp: socket } = await connectLamp(running.device, { from: '127.0.0.20' });
    const lamp = await lampWhen(running.http, onlineAt('127.0.0.20'), 'the lamp');
    await graphqlData(running.http, 'mutation($lampId: ID!) { revokeLamp(lampId: $lampId) { id } }', { lampId: lamp.id });
    expect((await socket.closed).code).toBe(4403);
    await offline(running.http, lamp.id);
    const again = await dialLamp(running.device, { from: '127.0.0.20' });
    again.send(DEVICE_SECRET);
    expect((await again.closed).code).toBe(4401);
  });
});

describe('debug lines', () => {
  it('stay with the lamp across reconnects and come a page at a time', async () => {
    const first = await connectLamp(running.device, { mac: '5C:CF:7F:00:00:41' });
    const { id } = await lampWhen(running.http, (l) => l.mac === '5C:CF:7F:00:00:41' && l.online, 'the lamp');
    const { setDebug } = await graphqlData(
      running.http,
      'mutation($lampIds: [ID!]) { setDebug(enabled: true, lampIds: $lampIds) { lampIds } }',
      {
        lampIds: [id],
      },
    );
    expect(setDebug.lampIds).toEqual([id]);
    expect(await first.lamp.next()).toBe('[cc:d:1:?]');
    const lines = async (args = '') =>
      (
        await graphqlData(
          running.http,
          `query($lampId: ID!) { lamp(lampId: $lampId) { debugMessages${args} { nodes { text } pageInfo { startCursor hasPreviousPage } } } }`,
          { lampId: id },
        )
      ).lamp.debugMessages;
    for (const text of ['one', 'two', 'three']) first.lamp.send(`d:${text}`);
    const deadline = Date.now() + 5000;
    while ((await lines()).nodes.length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    await hangUp(first.lamp);
    await offline(running.http, id);
    expect((await lines()).nodes.map((n: any) => n.text)).toEqual(['one', 'two', 'three']);

    const second = await connectLamp(running.device, { mac: '5C:CF:7F:00:00:41' });
    second.lamp.send('d:four');
    while ((await lines()).nodes.length < 4 && Date.now() < deadline + 5000) await new Promise((resolve) => setTimeout(resolve, 20));
    const newest = await lines('(last: 2)');
    expect(newest.nodes.map((n: any) => n.text)).toEqual(['three', 'four']);
    expect(newest.pageInfo.hasPreviousPage).toBe(true);
    const older = await lines(`(last: 2, before: "${newest.pageInfo.startCursor}")`);
    expect(older.nodes.map((n: any) => n.text)).toEqual(['one', 'two']);
    expect(older.pageInfo.hasPreviousPage).toBe(false);
    await hangUp(second.lamp);
  });
});

describe('lamp events', () => {
  it('a known lamp coming back is ONLINE, and OFFLINE with a reason when it goes', async () => {
    const first = await connectLamp(running.device, { mac: '5C:CF:7F:00:00:52' });
    const lamp = await lampWhen(running.http, (l) => l.mac === '5C:CF:7F:00:00:52' && l.online, 'the lamp');
    await hangUp(first.lamp);
    await offline(running.http, lamp.id);
    const client = wsClient(running.http);
    const events = subscribe(client, 'subscription { lampEvents { kind reason lamp { id online } } }');
    for (let round = 0; ; round++) {
      await graphqlData(running.http, `mutation($lampId: ID!) { renameLamp(lampId: $lampId, name: "Returning ${round}") { id } }`, {
        lampId: lamp.id,
      });
      if (await events.next(500).catch(() => null)) break;
    }
    const kinds = async (wanted: string) => {
      for (;;) {
        const { lampEvents } = await events.next();
        if (lampEvents.kind === wanted) return lampEvents;
        expect(lampEvents.kind).not.toBe('ADDED');
      }
    };
    const again = await connectLamp(running.device, { mac: '5C:CF:7F:00:00:52' });
    expect((await kinds('ONLINE')).lamp).toEqual({ id: lamp.id, online: true });
    await hangUp(again.lamp);
    const gone = await kinds('OFFLINE');
    expect(gone.lamp).toEqual({ id: lamp.id, online: false });
    expect(gone.reason).toEqual(expect.any(String));
    events.stop();
    await client.dispose();
  });

  it('FORGOTTEN carries the lamp as it was, offline', async () => {
    const { lamp: socket } = await connectLamp(running.device, { mac: '5C:CF:7F:00:00:51' });
    const lamp = await lampWhen(running.http, (l) => l.mac === '5C:CF:7F:00:00:51' && l.online, 'the lamp');
    const client = wsClient(running.http);
    const events = subscribe(client, 'subscription { lampEvents { kind at lamp { id name online } } }');
    // Renaming it until the subscription reports that shows the subscription is live.
    for (let round = 0; ; round++) {
      await graphqlData(running.http, `mutation($lampId: ID!) { renameLamp(lampId: $lampId, name: "Doomed ${round}") { id } }`, {
        lampId: lamp.id,
      });
      if (await events.next(500).catch(() => null)) break;
    }
    await graphqlData(running.http, 'mutation($lampId: ID!) { forgetLamp(lampId: $lampId) { id } }', { lampId: lamp.id });
    let forgotten: any;
    while (!forgotten) {
      const { lampEvents } = await events.next();
      if (lampEvents.kind === 'FORGOTTEN') forgotten = lampEvents;
    }
    expect(forgotten.lamp).toMatchObject({ id: lamp.id, online: false });
    expect(forgotten.lamp.name).toMatch(/^Doomed/);
    await socket.closed;
    events.stop();
    await client.dispose();
  });
});

describe('across a restart', () => {
  it('a lamp online when the system stops is remembered as seen, at its address, and offline', async () => {
    const data = temporaryDataDir();
    try {
      const system = await startSystem({ databaseFile: data.databaseFile });
      const { registerLamp } = await graphqlData(system.http, 'mutation { registerLamp(name: "Window") { secret lamp { id } } }');
      const { lamp: socket } = await connectLamp(system.device, {
        secret: registerLamp.secret,
        mac: '5C:CF:7F:00:00:61',
        from: '127.0.0.24',
      });
      await connectLamp(system.device, { mac: '5C:CF:7F:00:00:62', from: '127.0.0.25' });
      const before = await lampById(system.http, registerLamp.lamp.id);
      const other = await lampWhen(system.http, (l) => l.mac === '5C:CF:7F:00:00:62' && l.online, 'the other lamp');
      socket.send('ping');
      await socket.waitFor('pong');
      await system.stop();

      const again = await startSystem({ databaseFile: data.databaseFile });
      try {
        for (const [id, address] of [
          [before.id, '127.0.0.24'],
          [other.id, '127.0.0.25'],
        ] as const) {
          const after = await lampById(again.http, id);
          expect(after).toMatchObject({ online: false, connection: null, address });
          expect(after.lastSeenAt).not.toBeNull();
          expect(Date.parse(after.lastSeenAt)).toBeGreaterThanOrEqual(Date.parse(before.connection.connectedAt));
        }
        expect((await lampById(again.http, before.id)).mac).toBe('5C:CF:7F:00:00:61');
      } finally {
        await again.stop();
      }
    } finally {
      data.remove();
    }
  });

  it("an online lamp's last-seen time is stored while it is online, so a crash loses little of it", async () => {
    const data = temporaryDataDir();
    const system = await startSystem({ databaseFile: data.databaseFile, onlineTimesEveryMs: 100, seenReportIntervalMs: 100 });
    // A second connection to the same file, as a look at what a crash would leave behind.
    const onDisk = new Database(data.databaseFile, { readonly: true });
    try {
      const { lamp: socket } = await connectLamp(system.device, { mac: '5C:CF:7F:00:00:63' });
      const lamp = await lampWhen(system.http, (l) => l.mac === '5C:CF:7F:00:00:63' && l.online, 'the lamp');
      const stored = () =>
        (onDisk.prepare('SELECT last_seen_at FROM lamps WHERE id = ?').get(lamp.id) as { last_seen_at: string | null }).last_seen_at;
      const connectedSeen = stored();
      await new Promise((resolve) => setTimeout(resolve, 20));
      socket.send('ping');
      await socket.waitFor('pong');
      const heardAt = Date.now();
      await waitUntil(() => stored() !== connectedSeen, 5000, 'the newer last-seen time on disk');
      expect(Date.parse(stored()!)).toBeGreaterThanOrEqual(Date.parse(lamp.connection.connectedAt));
      expect(Date.parse(stored()!)).toBeLessThanOrEqual(heardAt);
      expect((await lampById(system.http, lamp.id)).lastSeenAt).toBe(stored());
      await hangUp(socket);
    } finally {
      onDisk.close();
      await system.stop();
      data.remove();
    }
  });
});
