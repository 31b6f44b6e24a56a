import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LampCommand } from '../src/commands/command-dispatch.js';
import { familyOfLampId } from '../src/firmware/firmware-management.js';
import { InvalidInput } from '../src/invalid-input.js';
import type { ApiServices } from '../src/services.js';
import type { SqliteDatabase } from '../src/store/database.js';
import { FirmwareStore } from '../src/store/firmware-store.js';
import { servicesOnFile, SHARED_SECRET } from './services-on-file.js';

const CONNECTED = 'AA:BB:CC:00:00:01';
const ALSO_CONNECTED = 'AA:BB:CC:00:00:02';
const NOT_CONNECTED = 'AA:BB:CC:00:00:09';

let database: SqliteDatabase;
let services: ApiServices;
let remove: () => void;

beforeEach(() => {
  ({ database, services, remove } = servicesOnFile('domain', { commandConfirmTimeoutMs: 60_000 }));
});

afterEach(() => remove());

function addImage(id: string): void {
  new FirmwareStore(database).addImage({
    id,
    sha256: `sha-${id}`,
    md5: 'md5',
    sketchMd5: 'md5',
    size: 100,
    version: '2.0.0',
    target: null,
    format: 'esp',
    project: null,
    notes: null,
    uploadedAt: new Date(),
    uploadedBy: 'test',
  });
}

/** A lamp that has checked for updates from `address`. */
function addLampRecord(mac: string, address: string, family: 'ESP8266' | 'ESP32' = 'ESP32'): void {
  new FirmwareStore(database).saveLamp({
    mac,
    family,
    runningVersion: '1.0.0',
    sketchMd5: null,
    sdkVersion: null,
    lastCheckAt: new Date(),
    lastAddress: address,
    state: 'NOTHING_ASSIGNED',
    pendingFirmwareId: null,
    pendingVersion: null,
    pendingSketchMd5: null,
  });
}

/** A lamp on the shared secret connects from `remoteAddress`; returns its lamp id. */
function connect(connectionId: string, remoteAddress: string): string {
  const at = new Date();
  const admission = services.admission.admit('adapter', {
    connectionId,
    secret: SHARED_SECRET,
    remoteAddress,
    connectedAt: at,
    lastSeenAt: at,
    mac: null,
    firmwareVersion: null,
  });
  if (!admission.accepted) throw new Error(admission.reason);
  return admission.lamp.id;
}

/** An adapter listening for commands, confirming each for the lamps it names (every lamp for null). */
function listeningAdapter(): LampCommand[] {
  const received: LampCommand[] = [];
  const commands = services.commands.commandsFor('adapter');
  const confirmNext = (): void => {
    void commands.next().then(({ value, done }) => {
      if (done) return;
      received.push(value);
      services.commands.confirm('adapter', value.id, value.connectionIds ?? services.lampConnections.list().map((c) => c.id));
      confirmNext();
    });
  };
  confirmNext();
  return received;
}

describe('rolling out firmware', () => {
  let lamp1: string;
  let lamp2: string;
  beforeEach(() => {
    addImage('image');
    addLampRecord(CONNECTED, '10.0.0.1');
    addLampRecord(ALSO_CONNECTED, '10.0.0.2');
    addLampRecord(NOT_CONNECTED, '10.0.0.9');
    lamp1 = connect('a.1', '10.0.0.1');
    lamp2 = connect('a.2', '10.0.0.2');
  });

  it("assigns the image to the lamps named and tells those online, linked by their update checks' address", async () => {
    const received = listeningAdapter();
    const rollout = await services.firmware.rollOut('image', [CONNECTED, NOT_CONNECTED]);
    expect(rollout).toMatchObject({ firmware: { id: 'image' }, macs: [CONNECTED, NOT_CONNECTED], lampIds: [lamp1] });
    expect(received.map((command) => [command.packet, command.connectionIds])).toEqual([['[cc:u:?:?]', ['a.1']]]);
    expect(services.lamps.find(lamp1)?.mac).toBe(CONNECTED);
    expect(services.firmware.assignments().map((a) => [a.mac, a.firmwareId])).toEqual([
      [CONNECTED, 'image'],
      [NOT_CONNECTED, 'image'],
    ]);
  });

  it('as the default, tells every connected lamp', async () => {
    const received = listeningAdapter();
    const rollout = await services.firmware.rollOut('image', null);
    expect(rollout.lampIds.sort()).toEqual([lamp1, lamp2].sort());
    expect(received.map((command) => command.connectionIds)).toEqual([null]);
    expect(services.firmware.defaultImage()?.id).toBe('image');
  });

  it('sends nothing when none of the lamps named is connected, and still assigns', async () => {
    const received = listeningAdapter();
    expect((await services.firmware.rollOut('image', [NOT_CONNECTED])).lampIds).toEqual([]);
    expect(received).toEqual([]);
    expect(services.firmware.assignedImage(NOT_CONNECTED)?.id).toBe('image');
  });

  it('refuses an unknown image, naming the argument, and assigns nothing', async () => {
    const refusal = await services.firmware.rollOut('no-such-image', [CONNECTED]).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(InvalidInput);
    expect(refusal).toMatchObject({ argument: 'firmwareId', message: 'no firmware image with id no-such-image' });
    expect(services.firmware.assignments()).toEqual([]);
  });
});

describe('lamp update credentials', () => {
  it('keeps the family a lamp reported', async () => {
    addLampRecord(CONNECTED, '10.0.0.1', 'ESP8266');
    const lamp = await services.firmware.setLampCredentials(CONNECTED, { username: 'lamp', password: 'long enough' });
    expect(lamp).toMatchObject({ mac: CONNECTED, family: 'ESP8266', username: 'lamp' });
  });

  it('guesses the family of a lamp that has not checked yet from its id', async () => {
    expect(await services.firmware.setLampCredentials('ESP8266-1234', { username: 'a', password: 'long enough' })).toMatchObject({
      family: 'ESP8266',
    });
    expect(await services.firmware.setLampCredentials(NOT_CONNECTED, { username: 'b', password: 'long enough' })).toMatchObject({
      family: 'ESP32',
    });
    expect((await services.firmware.setLampCredentials(NOT_CONNECTED, null)).passwordHash).toBeNull();
  });

  it('takes ESP8266-<chip id> for an ESP8266, and any MAC for an ESP32', () => {
    expect(familyOfLampId('ESP8266-42')).toBe('ESP8266');
    expect(familyOfLampId('24:6F:28:00:00:01')).toBe('ESP32');
  });
});

describe("letting lamps in on their adapter's word", () => {
  const at = new Date('2026-01-02T03:04:05Z');
  const report = (connectionId: string, secret: string) => ({
    connectionId,
    secret,
    remoteAddress: `10.1.0.${connectionId.length}`,
    connectedAt: at,
    lastSeenAt: at,
    mac: null,
    firmwareVersion: null,
  });

  it('admits a lamp with the shared secret or its own, as that lamp, and refuses a wrong secret', () => {
    const { lamp, secret } = services.lamps.register('porch', null);
    expect(services.admission.admit('adapter', report('a', SHARED_SECRET))).toMatchObject({
      accepted: true,
      reason: null,
      lamp: { name: 'Lamp at 10.1.0.1', roomId: 'home' },
      frame: '[cc:0:?:?]',
    });
    expect(services.admission.admit('adapter', report('bb', secret))).toMatchObject({
      accepted: true,
      lamp: { id: lamp.id, name: 'porch', roomId: 'home' },
    });
    expect(services.admission.admit('adapter', report('ccc', 'wrong'))).toEqual({
      accepted: false,
      reason: 'invalid secret',
      lamp: null,
      frame: null,
    });
    expect(services.lampConnections.list().map((connection) => connection.id)).toEqual(['a', 'bb']);
    expect(services.lamps.find(lamp.id)).toMatchObject({
      online: true,
      lastAddress: '10.1.0.2',
      connection: { id: 'bb', adapterId: 'adapter', connectedAt: at },
    });
  });

  it("syncs an adapter's list: returns the connections refused and those another adapter holds, places the rest, and drops the unlisted", () => {
    services.admission.admit('other', report('taken', SHARED_SECRET));
    services.admission.admit('adapter', report('gone', SHARED_SECRET));
    const answer = services.admission.sync('adapter', [
      report('ok', SHARED_SECRET),
      report('bad', 'wrong'),
      report('taken', SHARED_SECRET),
    ]);
    expect(answer).toEqual({ refused: ['bad', 'taken'], placements: [{ connectionId: 'ok', roomId: 'home' }] });
    expect(
      services.lampConnections
        .list()
        .map((connection) => [connection.id, connection.adapterId])
        .sort(),
    ).toEqual([
      ['ok', 'adapter'],
      ['taken', 'other'],
    ]);
    expect(services.lampConnections.get('ok')).toMatchObject({ remoteAddress: '10.1.0.2', connectedAt: at, lastSeenAt: at });
  });
});
