import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiOptions } from '@cloud-cloud/api/app';
import { ManualClock } from './support/clock.js';
import { esp32Image } from './support/firmware-images.js';
import { ADMIN_TOKEN, graphqlData } from './support/graphql.js';
import { buildTestApi } from './support/system.js';
import { esp32UpdateHeaders, updateCheck } from './support/update-client.js';

/*
 * What anyone on the network can make the unauthenticated update endpoint do and keep: checks
 * per address, records of made-up MACs, password guesses. Counted in what the server holds.
 */

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (stops.length) await stops.pop()!();
});

async function start(options: Partial<ApiOptions> = {}) {
  const clock = new ManualClock(new Date('2026-03-01T12:00:00Z'));
  const { api, database, data } = buildTestApi({ clock, ...options });
  const { port } = await api.start();
  const rows = new Database(data.databaseFile, { readonly: true });
  stops.push(async () => {
    rows.close();
    await api.stop();
    database.close();
    data.remove();
  });
  const count = (sql: string, ...params: unknown[]) => (rows.prepare(sql).get(...params) as { n: number }).n;
  return {
    api,
    port,
    clock,
    lampRecords: () => count('SELECT COUNT(*) AS n FROM lamp_firmware'),
    checkRows: (mac?: string) =>
      mac ? count('SELECT COUNT(*) AS n FROM update_checks WHERE mac = ?', mac) : count('SELECT COUNT(*) AS n FROM update_checks'),
    orphanCheckRows: () => count('SELECT COUNT(*) AS n FROM update_checks WHERE mac NOT IN (SELECT mac FROM lamp_firmware)'),
    check: (mac: string, extra: Record<string, string> = {}, from?: string) =>
      updateCheck(port, '/ota', { ...esp32UpdateHeaders({ mac, version: '1.0.0' }), ...extra }, from),
  };
}

let macCounter = 0;
/** A MAC no lamp had before, as a flood of made-up ones would be. */
function newMac(): string {
  macCounter++;
  return `02:00:00:${[macCounter >> 16, (macCounter >> 8) & 0xff, macCounter & 0xff].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':')}`;
}

async function uploadAndAssign(port: number, macs: string[]): Promise<void> {
  const form = new FormData();
  form.set(
    'operations',
    JSON.stringify({ query: 'mutation($file: File!) { uploadFirmware(file: $file) { id } }', variables: { file: null } }),
  );
  form.set('map', JSON.stringify({ 0: ['variables.file'] }));
  form.set('0', new Blob([new Uint8Array(esp32Image({ version: '2.0.0', seed: `bounds-${macs.join()}` }))]), 'firmware.bin');
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    body: form,
    headers: { 'x-graphql-yoga-csrf': '1', authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  const { data } = (await response.json()) as { data: { uploadFirmware: { id: string } } };
  await graphqlData(port, 'mutation($id: ID!, $macs: [String!]) { assignFirmware(firmwareId: $id, macs: $macs) { mac } }', {
    id: data.uploadFirmware.id,
    macs,
  });
}

const statuses = (answers: { status: number }[]) =>
  answers.reduce<Record<number, number>>((counts, { status }) => ({ ...counts, [status]: (counts[status] ?? 0) + 1 }), {});

describe('update checks per address', () => {
  it('answers 429 with Retry-After beyond 30 a minute from one address, and records none of those', async () => {
    const server = await start();
    const answers = [];
    for (let i = 0; i < 40; i++) answers.push(await server.check(newMac()));
    expect(statuses(answers)).toEqual({ 304: 30, 429: 10 });
    const refused = answers.find((a) => a.status === 429)!;
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body.toString()).toMatch(/^too many update checks from this address; try again in \d+ s/);
    expect(server.lampRecords()).toBe(30);
    expect(server.checkRows()).toBe(30);

    // Another address is not held back, and this one may check again once the minute is over.
    expect((await server.check(newMac(), {}, '127.0.0.2')).status).toBe(304);
    expect((await server.check(newMac())).status).toBe(429);
    server.clock.advance(60_000);
    expect((await server.check(newMac())).status).toBe(304);
    // /firmware.bin is an update fetch like any other.
    expect((await updateCheck(server.port, '/firmware.bin', {}, '127.0.0.3')).status).toBe(404);
  });
});

describe('records of lamps', () => {
  it('keeps at most the configured number, forgetting the oldest lamps nobody manages with their checks', async () => {
    const server = await start({ firmwareLimits: { checksPerAddress: 10_000, maxLampRecords: 20 } });
    const assigned = 'A4:CF:12:00:01:01';
    const withCredentials = 'A4:CF:12:00:01:02';
    await uploadAndAssign(server.port, [assigned]);
    await server.check(assigned);
    await graphqlData(
      server.port,
      'mutation($mac: String!) { setLampUpdateCredentials(mac: $mac, username: "lamp", password: "long enough") { mac } }',
      { mac: withCredentials },
    );

    const flood: string[] = [];
    for (let i = 0; i < 60; i++) {
      server.clock.advance(1000);
      flood.push(newMac());
      expect((await server.check(flood.at(-1)!)).status).toBe(304);
    }
    expect(server.lampRecords()).toBe(20);
    expect(server.orphanCheckRows()).toBe(0);
    const kept = (await graphqlData(server.port, '{ lampFirmware(first: 100) { nodes { mac } } }')).lampFirmware.nodes.map(
      (l: { mac: string }) => l.mac,
    );
    expect(kept).toEqual(expect.arrayContaining([assigned, withCredentials, ...flood.slice(-18)]));
  });

  it('forgets lamps nobody manages that have not checked for 90 days', async () => {
    const server = await start();
    const assigned = 'A4:CF:12:00:02:01';
    await uploadAndAssign(server.port, [assigned]);
    await server.check(assigned);
    for (let i = 0; i < 5; i++) await server.check(newMac());
    server.clock.advance(89 * 24 * 60 * 60_000);
    const recent = newMac();
    await server.check(recent);
    expect(server.lampRecords()).toBe(7);

    server.clock.advance(2 * 24 * 60 * 60_000);
    const latest = newMac();
    await server.check(latest);
    const kept = (await graphqlData(server.port, '{ lampFirmware { nodes { mac } } }')).lampFirmware.nodes.map(
      (l: { mac: string }) => l.mac,
    );
    expect(kept.sort()).toEqual([recent, latest, assigned].sort());
    expect(server.orphanCheckRows()).toBe(0);
  });

  it('keeps the newest 100 checks of each lamp', async () => {
    const server = await start({ firmwareLimits: { checksPerAddress: 10_000 } });
    const mac = newMac();
    for (let i = 0; i < 105; i++) await server.check(mac);
    expect(server.checkRows(mac)).toBe(100);
  });

  it('lists lamps a page at a time, 100 by default, with the total', async () => {
    const server = await start({ firmwareLimits: { checksPerAddress: 10_000 } });
    const macs: string[] = [];
    for (let i = 0; i < 130; i++) {
      macs.push(newMac());
      await server.check(macs.at(-1)!);
    }
    macs.sort();
    const all = await graphqlData(server.port, '{ lampFirmware { nodes { mac } totalCount pageInfo { hasNextPage } } }');
    expect(all.lampFirmware.totalCount).toBe(130);
    expect(all.lampFirmware.pageInfo.hasNextPage).toBe(true);
    expect(all.lampFirmware.nodes.map((l: { mac: string }) => l.mac)).toEqual(macs.slice(0, 100));

    const pages: string[][] = [];
    let after: string | null = null;
    for (;;) {
      const page: { nodes: { mac: string }[]; pageInfo: { endCursor: string; hasNextPage: boolean } } = (
        await graphqlData(
          server.port,
          'query($after: String) { lampFirmware(first: 50, after: $after) { nodes { mac } pageInfo { endCursor hasNextPage } } }',
          { after },
        )
      ).lampFirmware;
      pages.push(page.nodes.map((l) => l.mac));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(pages.map((p) => p.length)).toEqual([50, 50, 30]);
    expect(pages.flat()).toEqual(macs);
  });
});

describe('guessing update credentials', () => {
  const basic = (username: string, password: string) => ({
    Authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
  });

  it('checks at most 5 guesses for a lamp, even 100 at once, then answers 429 until the window is over', async () => {
    const server = await start({ firmwareLimits: { checksPerAddress: 10_000 } });
    const mac = 'A4:CF:12:00:03:01';
    await graphqlData(
      server.port,
      'mutation($mac: String!) { setLampUpdateCredentials(mac: $mac, username: "lamp", password: "the right one") { mac } }',
      { mac },
    );

    const guesses = await Promise.all(Array.from({ length: 100 }, (_, i) => server.check(mac, basic('lamp', `guess ${i}`))));
    expect(statuses(guesses)).toEqual({ 401: 5, 429: 95 });
    expect(server.api.services.firmwareUpdates.passwordsVerified).toBe(5);
    const refused = guesses.find((g) => g.status === 429)!;
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body.toString()).toMatch(/^too many wrong update credentials; try again in \d+ s/);
    // Refused guesses are not recorded either.
    expect(server.checkRows(mac)).toBe(5);

    // Until the window is over, even the right password waits; then it works.
    expect((await server.check(mac, basic('lamp', 'the right one'))).status).toBe(429);
    server.clock.advance(15 * 60_000);
    expect((await server.check(mac, basic('lamp', 'the right one'))).status).toBe(304);
    expect(server.api.services.firmwareUpdates.passwordsVerified).toBe(6);
  });

  it('checks at most so many guesses from one address across lamps', async () => {
    // Each password takes a slow hash to set and to check: a smaller limit keeps this test short.
    const server = await start({ firmwareLimits: { checksPerAddress: 10_000, credentialAttemptsPerAddress: 3 } });
    const macs = Array.from({ length: 6 }, () => newMac());
    await Promise.all(
      macs.map((mac) =>
        graphqlData(
          server.port,
          'mutation($mac: String!) { setLampUpdateCredentials(mac: $mac, username: "lamp", password: "the right one") { mac } }',
          { mac },
        ),
      ),
    );
    const guesses = await Promise.all(macs.map((mac) => server.check(mac, basic('lamp', 'wrong'))));
    expect(statuses(guesses)).toEqual({ 401: 3, 429: 3 });
    expect(server.api.services.firmwareUpdates.passwordsVerified).toBe(3);
    // Lamps elsewhere are not held back by it.
    expect((await server.check(macs[5]!, basic('lamp', 'the right one'), '127.0.0.2')).status).toBe(304);
  });

  it('does not hold right passwords against a lamp', async () => {
    const server = await start({ firmwareLimits: { checksPerAddress: 10_000, credentialAttemptsPerLamp: 2 } });
    const mac = 'A4:CF:12:00:03:02';
    await graphqlData(
      server.port,
      'mutation($mac: String!) { setLampUpdateCredentials(mac: $mac, username: "lamp", password: "the right one") { mac } }',
      { mac },
    );
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await server.check(mac, basic('lamp', 'the right one')));
    expect(statuses(answers)).toEqual({ 304: 4 });
  });
});
