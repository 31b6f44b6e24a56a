import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AS_ADMIN, graphqlData, subscribe, wsClient } from './support/graphql.js';
import { esp32Image, esp8266Image, gzippedEsp8266Image } from './support/firmware-images.js';
import { TestLamp } from './support/lamp.js';
import { DEVICE_SECRET, startSystem, waitUntil, type RunningSystem } from './support/system.js';
import { esp32UpdateHeaders, esp8266UpdateHeaders, md5, updateCheck } from './support/update-client.js';

const MAX_BYTES = 64 * 1024;
let running: RunningSystem;
/** What the server logged, as pino writes it. */
const logged: { level: number; msg: string; [key: string]: unknown }[] = [];
beforeAll(async () => {
  running = await startSystem({
    maxFirmwareBytes: MAX_BYTES,
    // One address plays every lamp here; the limit itself is tested in firmware-bounds.
    firmwareLimits: { checksPerAddress: 10_000 },
    logger: pino({ level: 'info' }, { write: (line: string) => void logged.push(JSON.parse(line)) }),
  });
});
afterAll(() => running.stop());

const IMAGE_FIELDS = 'id version size md5 sha256 target format project notes uploadedBy assignedTo';

/** A multipart upload as curl -F sends it (GraphQL multipart request spec), with the CSRF header. */
async function upload(
  file: Uint8Array,
  args: { version?: string; target?: string; notes?: string } = {},
  headers: Record<string, string> = AS_ADMIN,
) {
  const form = new FormData();
  form.set(
    'operations',
    JSON.stringify({
      query: `mutation($file: File!, $version: String, $target: ChipTarget, $notes: String) {
        uploadFirmware(file: $file, version: $version, target: $target, notes: $notes) { ${IMAGE_FIELDS} } }`,
      variables: { file: null, ...args },
    }),
  );
  form.set('map', JSON.stringify({ 0: ['variables.file'] }));
  form.set('0', new Blob([new Uint8Array(file)]), 'firmware.bin');
  const response = await fetch(`http://127.0.0.1:${running.http}/graphql`, {
    method: 'POST',
    body: form,
    headers: { 'x-graphql-yoga-csrf': '1', ...headers },
  });
  return (await response.json()) as { data?: { uploadFirmware: any } | null; errors?: { message: string; extensions: any }[] };
}

async function uploaded(file: Uint8Array, args: { version?: string; target?: string; notes?: string } = {}) {
  const result = await upload(file, args);
  if (!result.data?.uploadFirmware) throw new Error(JSON.stringify(result.errors));
  return result.data.uploadFirmware;
}

const firmwareFiles = () => readdirSync(join(running.databaseFile, '..', 'firmware')).sort();
const ota = (headers: Record<string, string>) => updateCheck(running.http, '/ota', headers);
const assign = (firmwareId: string, macs?: string[]) =>
  graphqlData(running.http, 'mutation($id: ID!, $macs: [String!]) { assignFirmware(firmwareId: $id, macs: $macs) { mac } }', {
    id: firmwareId,
    macs,
  });
const lampRecord = async (mac: string) =>
  (
    await graphqlData(
      running.http,
      '{ lampFirmware { nodes { mac family runningVersion state address checks { nodes { outcome reportedVersion detail firmware { version } } } } } }',
    )
  ).lampFirmware.nodes
    .map((l: { checks: { nodes: unknown[] } }) => ({ ...l, checks: l.checks.nodes }))
    .find((l: { mac: string }) => l.mac === mac);

describe('uploading images', () => {
  it('reads version and target from an ESP32 image and stores it by content hash', async () => {
    const bytes = esp32Image({ chipId: 9, version: '3.1.0', project: 'cloud-s3', seed: 'a' });
    const image = await uploaded(bytes, { notes: 'brighter rain' });
    expect(image).toMatchObject({
      version: '3.1.0',
      target: 'ESP32_S3',
      format: 'ESP',
      project: 'cloud-s3',
      notes: 'brighter rain',
      size: bytes.length,
      md5: md5(bytes),
      uploadedBy: 'admin (CC_API_TOKEN)',
      assignedTo: [],
    });
    expect(firmwareFiles()).toContain(`${image.sha256}.bin`);
  });

  it('takes the version from the uploader when the image has none, and gzipped ESP8266 images', async () => {
    const plain = await uploaded(esp8266Image({ seed: 'b' }), { version: 'Apr 30 2020;05:33:11', target: 'ESP8266' });
    expect(plain).toMatchObject({ version: 'Apr 30 2020;05:33:11', target: 'ESP8266', format: 'ESP' });
    const gzipped = await uploaded(gzippedEsp8266Image('c'), { version: '1.0.0' });
    expect(gzipped).toMatchObject({ target: 'ESP8266', format: 'GZIP' });
  });

  it.each([
    ['a file that is not an image', () => Buffer.from('<html>not firmware</html>'), {}, 'file', /starts with 0x3c/],
    ['an empty file', () => new Uint8Array(0), { version: '1' }, 'file', /empty/],
    ['a truncated image', () => esp32Image({ seed: 'd' }).subarray(0, 1500), {}, 'file', /truncated/],
    [
      'an image over the size limit',
      () => esp8266Image({ size: MAX_BYTES + 10, seed: 'e' }),
      { version: '1' },
      'file',
      /limit is 65536 bytes/,
    ],
    ['an ESP8266 image without a version', () => esp8266Image({ seed: 'f' }), {}, 'version', /required/],
    [
      'a version that contradicts the image',
      () => esp32Image({ version: '2.0.0', seed: 'g' }),
      { version: '2.0.1' },
      'version',
      /image says "2.0.0"/,
    ],
    [
      'a target that contradicts the image',
      () => esp32Image({ chipId: 5, seed: 'h' }),
      { target: 'ESP32_S3' },
      'target',
      /header says ESP32-C3/,
    ],
    ['the two bytes of a gzip header alone', () => Buffer.from([0x1f, 0x8b]), { version: '1' }, 'file', /gzipped, but does not unpack/],
    [
      'gzip that unpacks to no image',
      () => gzipSync(Buffer.from('<html>not firmware</html>')),
      { version: '1' },
      'file',
      /unpacks to is not an ESP image/,
    ],
    [
      'gzip that unpacks beyond the size limit',
      () => gzipSync(Buffer.concat([esp8266Image({ seed: 'j' }), Buffer.alloc(256 * MAX_BYTES)])),
      { version: '1' },
      'file',
      /unpacks to more than the limit of 65536 bytes/,
    ],
  ] as const)('refuses %s, naming %s, and stores nothing', async (_name, bytes, args, argument, message) => {
    const before = firmwareFiles();
    const imagesBefore = (await graphqlData(running.http, '{ firmwareImages { totalCount } }')).firmwareImages.totalCount;
    const result = await upload(bytes(), args);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
    expect(result.errors?.[0]?.message).toMatch(message);
    expect(firmwareFiles()).toEqual(before);
    expect((await graphqlData(running.http, '{ firmwareImages { totalCount } }')).firmwareImages.totalCount).toBe(imagesBefore);
  });

  it('refuses an unknown target by the schema (ChipTarget), and stores nothing', async () => {
    const before = firmwareFiles();
    const result = await upload(esp8266Image({ seed: 'i' }), { version: '1', target: 'Z80' });
    expect(result.errors?.[0]?.message).toMatch(/"Z80".*ChipTarget/);
    expect(result.data ?? null).toBeNull();
    expect(firmwareFiles()).toEqual(before);
  });

  it('refuses the same bytes twice', async () => {
    const bytes = esp32Image({ seed: 'dup', version: '0.9.0' });
    await uploaded(bytes);
    const again = await upload(bytes);
    expect(again.errors?.[0]?.message).toMatch(/file: is already here: .* as version 0\.9\.0/);
  });

  it('needs an admin; with a bearer token no CSRF header (a session cookie needs it, see graphql-hardening)', async () => {
    const bearerOnly = await fetch(`http://127.0.0.1:${running.http}/graphql`, { method: 'POST', body: new FormData(), headers: AS_ADMIN });
    expect(((await bearerOnly.json()) as { errors?: { extensions?: { code?: string } }[] }).errors?.[0]?.extensions?.code).not.toBe(
      'CSRF_HEADER_REQUIRED',
    );
    const { createApiToken } = await graphqlData(running.http, 'mutation { createApiToken(name: "r", scope: READ_ONLY) { token } }');
    const reader = await upload(esp32Image({ seed: 'ro' }), {}, { authorization: `Bearer ${createApiToken.token}` });
    expect(reader.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('the update endpoint, as the cores call it', () => {
  it('answers an ESP32 with the image, exactly as the core needs it, then 304 once it runs it', async () => {
    const bytes = esp32Image({ version: '2.4.0', seed: 'esp32-update' });
    const image = await uploaded(bytes);
    await assign(image.id);
    const mac = 'A4:CF:12:00:00:01';

    const offer = await ota(esp32UpdateHeaders({ mac, version: '2.3.9' }));
    expect(offer.status).toBe(200);
    expect(offer.headers['content-type']).toBe('application/octet-stream');
    expect(offer.headers['content-length']).toBe(String(bytes.length));
    expect(offer.headers['x-md5']).toBe(md5(bytes));
    expect(offer.headers['content-encoding']).toBeUndefined();
    expect(offer.headers['transfer-encoding']).toBeUndefined();
    expect(offer.body.equals(bytes)).toBe(true);
    expect(offer.body[0]).toBe(0xe9);

    const current = await ota(esp32UpdateHeaders({ mac, version: '2.4.0', sketchMd5: md5(bytes) }));
    expect(current.status).toBe(304);
    expect(current.body.length).toBe(0);
    expect(await lampRecord(mac)).toMatchObject({ family: 'ESP32', runningVersion: '2.4.0', state: 'UPDATED', address: '127.0.0.1' });
    const newer = await ota(esp32UpdateHeaders({ mac, version: 'v2.5.0' }));
    expect(newer.status).toBe(304);
  });

  it('compares compile stamps for an ESP8266, with mixed-case header names', async () => {
    const bytes = esp8266Image({ seed: 'stamp' });
    const image = await uploaded(bytes, { version: 'Apr 30 2020;05:33:11' });
    const mac = '5C:CF:7F:00:00:02';
    await assign(image.id, [mac]);
    const mixedCase = (headers: Record<string, string>) =>
      Object.fromEntries(Object.entries(headers).map(([name, value], i) => [i % 2 ? name.toUpperCase() : name.toLowerCase(), value]));

    expect((await ota(mixedCase(esp8266UpdateHeaders({ mac, version: 'Apr  3 2020;05:33:11' })))).status).toBe(200);
    expect((await ota(mixedCase(esp8266UpdateHeaders({ mac, version: 'Apr 30 2020;05:33:11' })))).status).toBe(304);
    expect((await ota(mixedCase(esp8266UpdateHeaders({ mac, version: 'May  1 2020;00:00:00' })))).status).toBe(304);
  });

  it('refuses requests that do not identify themselves with 403', async () => {
    expect((await ota({})).status).toBe(403);
    expect((await ota({ 'User-Agent': 'ESP8266-http-Update' })).status).toBe(403);
    expect((await ota({ 'User-Agent': 'curl/8.0' })).status).toBe(403);
    expect((await ota({ 'x-ESP32-STA-MAC': '00:00:00:00:00:00' })).status).toBe(403);
    expect((await ota({ 'x-ESP32-STA-MAC': 'not-a-mac' })).status).toBe(403);
  });

  it('falls back to the BASE MAC when a new ESP32 core sends a zero STA MAC', async () => {
    const image = await uploaded(esp32Image({ version: '7.0.0', seed: 'base' }));
    const base = 'A4:CF:12:00:00:0B';
    await assign(image.id, [base]);
    const answer = await ota(esp32UpdateHeaders({ mac: '00:00:00:00:00:00', baseMac: base, version: '6.0.0' }));
    expect(answer.status).toBe(200);
    expect((await lampRecord(base))?.state).toBe('UPDATE_SENT');
  });

  it('does not offer an image larger than the free space, or for another chip', async () => {
    const bytes = esp32Image({ version: '9.0.0', seed: 'big', size: 20_000 });
    const image = await uploaded(bytes);
    const small = 'A4:CF:12:00:00:0C';
    await assign(image.id, [small]);
    expect((await ota(esp32UpdateHeaders({ mac: small, version: '1.0.0', freeSpace: 10_000 }))).status).toBe(304);
    expect((await lampRecord(small))?.checks[0]).toMatchObject({
      outcome: 'REFUSED',
      detail: expect.stringMatching(/needs \d+ bytes; the lamp has 10000 free/),
    });

    const esp8266 = '5C:CF:7F:00:00:0D';
    await assign(image.id, [esp8266]);
    expect((await ota(esp8266UpdateHeaders({ mac: esp8266, version: '1.0.0' }))).status).toBe(304);
    expect((await lampRecord(esp8266))?.checks[0].detail).toMatch(/for ESP32; this lamp is an ESP8266/);
  });

  it('checks per-lamp update credentials when they are set', async () => {
    const image = await uploaded(esp32Image({ version: '4.0.0', seed: 'creds' }));
    const mac = 'A4:CF:12:00:00:0E';
    await assign(image.id, [mac]);
    await graphqlData(
      running.http,
      'mutation($mac: String!) { setLampUpdateCredentials(mac: $mac, username: "lamp", password: "s3cret-pass") { credentialsRequired } }',
      { mac },
    );
    expect((await ota(esp32UpdateHeaders({ mac, version: '1.0.0' }))).status).toBe(401);
    const wrong = {
      ...esp32UpdateHeaders({ mac, version: '1.0.0' }),
      Authorization: `Basic ${Buffer.from('lamp:nope').toString('base64')}`,
    };
    expect((await ota(wrong)).status).toBe(401);
    const right = {
      ...esp32UpdateHeaders({ mac, version: '1.0.0' }),
      Authorization: `Basic ${Buffer.from('lamp:s3cret-pass').toString('base64')}`,
    };
    expect((await ota(right)).status).toBe(200);
  });

  it('serves the default image at /firmware.bin for the original firmware', async () => {
    const bytes = esp8266Image({ seed: 'legacy' });
    const image = await uploaded(bytes, { version: 'legacy-1' });
    await assign(image.id);
    const answer = await updateCheck(running.http, '/firmware.bin', { 'User-Agent': 'ESP8266HTTPClient' });
    expect(answer.status).toBe(200);
    expect(answer.body.equals(bytes)).toBe(true);
    expect(answer.headers['x-md5']).toBe(md5(bytes));
  });
});

describe('rolling out', () => {
  it('reaches a connected lamp as [cc:u:?:?], and records that it came back running the new version', async () => {
    const mac = 'A4:CF:12:00:00:10';
    const first = await uploaded(esp32Image({ version: '5.0.0', seed: 'v5' }));
    await assign(first.id, [mac]);
    // The lamp checks in once (it runs 5.0.0): now the server knows its MAC and address.
    const v5 = esp32Image({ version: '5.0.0', seed: 'v5' });
    expect((await ota(esp32UpdateHeaders({ mac, version: '5.0.0', sketchMd5: md5(v5) }))).status).toBe(304);

    const client = wsClient(running.http);
    const checks = subscribe(client, 'subscription { firmwareChecks { lamp { mac state } check { outcome reportedVersion } } }');
    await waitUntil(() => running.system.api.services.firmwareUpdates.eventSubscribers === 1, 5000, 'the subscription to start');

    const { lamp } = await TestLamp.handshake(running.device, DEVICE_SECRET);
    await waitUntil(() => running.system.api.services.lampConnections.count() > 0);
    const v6bytes = esp32Image({ version: '6.0.0', seed: 'v6' });
    const v6 = await uploaded(v6bytes);
    const { rollOutFirmware } = await graphqlData(
      running.http,
      'mutation($id: ID!, $macs: [String!]) { rollOutFirmware(firmwareId: $id, macs: $macs) { lampsReached macs firmware { version assignedTo } } }',
      { id: v6.id, macs: [mac.toLowerCase()] },
    );
    expect(rollOutFirmware).toMatchObject({ lampsReached: 1, macs: [mac], firmware: { version: '6.0.0', assignedTo: [mac] } });
    expect(await lamp.waitFor('[cc:u:?:?]')).toBe('[cc:u:?:?]');

    // The lamp fetches, flashes, reboots and reconnects, then checks again running 6.0.0.
    const fetched = await ota(esp32UpdateHeaders({ mac, version: '5.0.0', sketchMd5: md5(v5) }));
    expect(fetched.status).toBe(200);
    expect(fetched.body.equals(v6bytes)).toBe(true);
    lamp.close();
    const rebooted = await TestLamp.handshake(running.device, DEVICE_SECRET);
    expect((await ota(esp32UpdateHeaders({ mac, version: '6.0.0', sketchMd5: md5(v6bytes) }))).status).toBe(304);

    const record = await lampRecord(mac);
    expect(record).toMatchObject({ runningVersion: '6.0.0', state: 'UPDATED' });
    expect(record.checks.slice(0, 3)).toEqual([
      expect.objectContaining({
        outcome: 'UP_TO_DATE',
        reportedVersion: '6.0.0',
        detail: expect.stringMatching(/^now runs 6\.0\.0, as sent/),
      }),
      expect.objectContaining({ outcome: 'SENT', reportedVersion: '5.0.0', firmware: { version: '6.0.0' } }),
      expect.objectContaining({ outcome: 'UP_TO_DATE', reportedVersion: '5.0.0' }),
    ]);
    const events = [await checks.next(), await checks.next()].map((e) => e.firmwareChecks);
    expect(events.map((e) => e.check.outcome)).toEqual(['SENT', 'UP_TO_DATE']);
    expect(events[1].lamp.state).toBe('UPDATED');
    checks.stop();
    await client.dispose();
    rebooted.lamp.close();
  });

  it('records a lamp that came back still running the old version', async () => {
    const mac = 'A4:CF:12:00:00:11';
    const image = await uploaded(esp32Image({ version: '8.0.0', seed: 'v8' }));
    await assign(image.id, [mac]);
    expect((await ota(esp32UpdateHeaders({ mac, version: '7.0.0' }))).status).toBe(200);
    expect((await ota(esp32UpdateHeaders({ mac, version: '7.0.0' }))).status).toBe(200);
    const record = await lampRecord(mac);
    expect(record.checks[0].detail).toMatch(/was sent 8\.0\.0 but came back running 7\.0\.0/);
  });

  it('confirms a gzipped ESP8266 image by the version it was sent and the MD5 of what it unpacks to', async () => {
    const sketch = esp8266Image({ seed: 'gzip-confirm' });
    const file = gzipSync(sketch);
    const image = await uploaded(file, { version: '2.0.0' });
    const mac = '5C:CF:7F:00:00:30';
    await assign(image.id, [mac]);
    const offer = await ota(esp8266UpdateHeaders({ mac, version: '1.0.0' }));
    expect(offer.status).toBe(200);
    expect(offer.headers['x-md5']).toBe(md5(file));

    // After flashing, the core reports the MD5 of the sketch in flash: the unpacked image.
    expect((await ota(esp8266UpdateHeaders({ mac, version: '2.0.0', sketchMd5: md5(sketch) }))).status).toBe(304);
    const record = await lampRecord(mac);
    expect(record.state).toBe('UPDATED');
    expect(record.checks[0]).toMatchObject({ outcome: 'UP_TO_DATE', detail: 'now runs 2.0.0, as sent; runs 2.0.0, the assigned version' });
  });

  it('counts a lamp that reports the version it was sent as updated, noting a sketch MD5 that differs', async () => {
    const bytes = esp32Image({ version: '12.1.0', seed: 'md5-note' });
    const image = await uploaded(bytes);
    const mac = 'A4:CF:12:00:00:32';
    await assign(image.id, [mac]);
    expect((await ota(esp32UpdateHeaders({ mac, version: '12.0.0' }))).status).toBe(200);
    const otherBuild = md5('another build of 12.1.0');
    expect((await ota(esp32UpdateHeaders({ mac, version: '12.1.0', sketchMd5: otherBuild }))).status).toBe(304);
    const record = await lampRecord(mac);
    expect(record.state).toBe('UPDATED');
    expect(record.checks[0].detail).toBe(
      `now runs 12.1.0, as sent (but its sketch MD5 is ${otherBuild}, the image's is ${md5(bytes)}); runs 12.1.0, the assigned version`,
    );
  });

  it('answers 500 with the reason when the image file cannot be read, sends none of it, logs it and records it', async () => {
    const bytes = esp32Image({ version: '13.0.0', seed: 'missing-file' });
    const image = await uploaded(bytes);
    const mac = 'A4:CF:12:00:00:33';
    await assign(image.id, [mac]);
    rmSync(join(running.databaseFile, '..', 'firmware', `${image.sha256}.bin`));

    const answer = await ota(esp32UpdateHeaders({ mac, version: '12.0.0' }));
    expect(answer.status).toBe(500);
    expect(answer.headers['x-md5']).toBeUndefined();
    expect(answer.body.toString()).toBe('the file of firmware 13.0.0 cannot be read (it is missing)\n');
    const record = await lampRecord(mac);
    expect(record.state).toBe('REFUSED');
    expect(record.checks[0]).toMatchObject({
      outcome: 'FAILED',
      firmware: { version: '13.0.0' },
      detail: 'could not send 13.0.0: the file of firmware 13.0.0 cannot be read (it is missing); answered 500',
    });
    expect(logged).toContainEqual(
      expect.objectContaining({
        level: 50,
        msg: 'the file of firmware 13.0.0 cannot be read (it is missing)',
        firmwareId: image.id,
        code: 'ENOENT',
      }),
    );

    // The admin download and the original firmware's /firmware.bin say the same.
    const download = await fetch(`http://127.0.0.1:${running.http}/firmware/images/${image.id}.bin`, { headers: AS_ADMIN });
    expect(download.status).toBe(500);
    expect(await download.text()).toMatch(/cannot be read \(it is missing\)/);
    await assign(image.id);
    expect((await updateCheck(running.http, '/firmware.bin', { 'User-Agent': 'ESP8266HTTPClient' })).status).toBe(500);
    await graphqlData(running.http, `mutation { unassignFirmware }`);
  });
});

describe('managing images', () => {
  it('lists, downloads with credentials, and deletes only what is no longer assigned', async () => {
    const bytes = esp32Image({ version: '10.0.0', seed: 'manage' });
    const image = await uploaded(bytes);
    const download = await fetch(`http://127.0.0.1:${running.http}/firmware/images/${image.id}.bin`, { headers: AS_ADMIN });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
    expect((await fetch(`http://127.0.0.1:${running.http}/firmware/images/${image.id}.bin`)).status).toBe(401);

    await assign(image.id, ['A4:CF:12:00:00:20']);
    const refused = await graphqlData(running.http, '{ firmwareImages { nodes { id } } }');
    expect(refused.firmwareImages.nodes.map((i: { id: string }) => i.id)).toContain(image.id);
    const stillAssigned = await fetchGraphqlErrors('mutation($id: ID!) { deleteFirmware(firmwareId: $id) }', { id: image.id });
    expect(stillAssigned?.[0]).toMatchObject({
      message: 'firmwareId: is still assigned (to 1 lamp); assign another image or unassign it first',
      extensions: { code: 'BAD_USER_INPUT', argument: 'firmwareId' },
    });

    await graphqlData(running.http, 'mutation { unassignFirmware(macs: ["A4:CF:12:00:00:20"]) }');
    expect(
      (await graphqlData(running.http, 'mutation($id: ID!) { deleteFirmware(firmwareId: $id) }', { id: image.id })).deleteFirmware,
    ).toBe(image.id);
    expect(firmwareFiles()).not.toContain(`${image.sha256}.bin`);
  });
});

describe('deleting an image a lamp was just sent', () => {
  it("deletes it, and the lamp's next check still confirms the update it was sent", async () => {
    const mac = 'A4:CF:12:00:00:31';
    const aBytes = esp32Image({ version: '11.0.0', seed: 'pending-a' });
    const a = await uploaded(aBytes);
    const b = await uploaded(esp32Image({ version: '11.1.0', seed: 'pending-b' }));
    await assign(a.id, [mac]);
    expect((await ota(esp32UpdateHeaders({ mac, version: '10.0.0' }))).status).toBe(200);
    await assign(b.id, [mac]);

    expect((await graphqlData(running.http, 'mutation($id: ID!) { deleteFirmware(firmwareId: $id) }', { id: a.id })).deleteFirmware).toBe(
      a.id,
    );
    expect(firmwareFiles()).not.toContain(`${a.sha256}.bin`);
    const waiting = (
      await graphqlData(running.http, '{ lampFirmware { nodes { mac state pendingFirmware { id } } } }')
    ).lampFirmware.nodes.find((l: { mac: string }) => l.mac === mac);
    expect(waiting).toEqual({ mac, state: 'UPDATE_SENT', pendingFirmware: null });

    // It comes back running A, and is offered B.
    expect((await ota(esp32UpdateHeaders({ mac, version: '11.0.0', sketchMd5: md5(aBytes) }))).status).toBe(200);
    const record = await lampRecord(mac);
    expect(record.checks[0]).toMatchObject({
      outcome: 'SENT',
      detail: 'now runs 11.0.0, as sent; sent 11.1.0',
      firmware: { version: '11.1.0' },
    });
  });
});

async function fetchGraphqlErrors(query: string, variables: Record<string, unknown>) {
  const response = await fetch(`http://127.0.0.1:${running.http}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...AS_ADMIN },
    body: JSON.stringify({ query, variables }),
  });
  return ((await response.json()) as { errors?: { message: string }[] }).errors;
}
