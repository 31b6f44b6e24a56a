import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { buildApi } from '@cloud-cloud/api/app';
import { openDatabase } from '@cloud-cloud/api/store/database';
import { MIGRATIONS } from '@cloud-cloud/api/store/migrations';
import { esp32Image, esp8266Image } from './support/firmware-images.js';
import { ADMIN_TOKEN, graphqlData } from './support/graphql.js';
import { ADAPTER_TOKEN, DEVICE_SECRET, silentLogger, temporaryDataDir } from './support/system.js';
import { esp8266UpdateHeaders, md5, updateCheck } from './support/update-client.js';

/*
 * A database written before sketch MD5s and pending versions were kept: after the upgrade a lamp
 * that was sent a gzipped image before it is still confirmed when it checks back.
 */

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (stops.length) await stops.pop()!();
});

it('learns the sketch MD5 of gzipped images kept before, and confirms lamps sent them', async () => {
  const data = temporaryDataDir();
  const firmwareDirectory = join(data.dir, 'firmware');
  mkdirSync(firmwareDirectory);
  const sketch = esp8266Image({ seed: 'before-the-upgrade' });
  const gzipped = gzipSync(sketch);
  const plain = esp32Image({ version: '1.0.0', seed: 'plain-before' });
  const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
  writeFileSync(join(firmwareDirectory, `${sha256(gzipped)}.bin`), gzipped);

  const old = new Database(data.databaseFile);
  old.exec(MIGRATIONS[0]!);
  old.exec(MIGRATIONS[1]!);
  old.pragma('user_version = 2');
  const addImage = old.prepare(
    `INSERT INTO firmware_images (id, sha256, md5, size, version, target, format, uploaded_at, uploaded_by) VALUES (?, ?, ?, ?, ?, ?, ?, '2026-01-01T00:00:00Z', 'admin')`,
  );
  addImage.run('gz', sha256(gzipped), md5(gzipped), gzipped.length, '2.0.0', 'ESP8266', 'gzip');
  addImage.run('plain', sha256(plain), md5(plain), plain.length, '1.0.0', 'ESP32', 'esp');
  const mac = '5C:CF:7F:00:09:01';
  old.prepare(`INSERT INTO firmware_assignments (mac, firmware_id, assigned_at) VALUES (?, 'gz', '2026-01-01T00:00:00Z')`).run(mac);
  old
    .prepare(
      `INSERT INTO lamp_firmware (mac, family, running_version, last_check_at, last_address, state, pending_firmware_id)
       VALUES (?, 'ESP8266', '1.0.0', '2026-01-01T00:00:00Z', '127.0.0.1', 'UPDATE_SENT', 'gz')`,
    )
    .run(mac);
  old.close();

  const database = openDatabase(data.databaseFile);
  const api = buildApi({
    host: '127.0.0.1',
    port: 0,
    database,
    firmwareDirectory,
    deviceSecret: DEVICE_SECRET,
    adapterToken: ADAPTER_TOKEN,
    apiToken: ADMIN_TOKEN,
    logger: silentLogger,
  });
  const { port } = await api.start();
  stops.push(async () => {
    await api.stop();
    database.close();
    data.remove();
  });

  const firmware = api.services.firmware;
  expect(firmware.image('gz')?.sketchMd5).toBe(md5(sketch));
  expect(firmware.image('plain')?.sketchMd5).toBe(md5(plain));
  expect(firmware.lamp(mac)).toMatchObject({
    pendingFirmwareId: 'gz',
    pendingVersion: '2.0.0',
    pendingSketchMd5: md5(sketch),
    state: 'UPDATE_SENT',
  });

  expect((await updateCheck(port, '/ota', esp8266UpdateHeaders({ mac, version: '2.0.0', sketchMd5: md5(sketch) }))).status).toBe(304);
  const { lampFirmware } = await graphqlData(port, '{ lampFirmware { nodes { mac state checks(first: 1) { nodes { detail } } } } }');
  expect(lampFirmware.nodes).toEqual([
    { mac, state: 'UPDATED', checks: { nodes: [{ detail: 'now runs 2.0.0, as sent; runs 2.0.0, the assigned version' }] } },
  ]);
});
