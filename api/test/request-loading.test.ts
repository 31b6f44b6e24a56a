import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildApi, GRAPHQL_PATH, type Api } from '../src/app.js';
import { openDatabase, type SqliteDatabase } from '../src/store/database.js';
import { FirmwareStore } from '../src/store/firmware-store.js';
import { LampStore } from '../src/store/lamp-store.js';

const ADMIN_TOKEN = 'request-loading-admin-token';

/** The database, with every statement execution counted. */
function countingDatabase(database: SqliteDatabase): { database: SqliteDatabase; executed: () => number } {
  let executed = 0;
  const counted = new Set<PropertyKey>(['all', 'get', 'run', 'iterate']);
  const database_ = new Proxy(database, {
    get(target, key) {
      if (key === 'prepare') {
        return (sql: string) =>
          new Proxy(target.prepare(sql), {
            get(statement, method) {
              const value: unknown = Reflect.get(statement, method, statement);
              if (typeof value !== 'function') return value;
              return (...args: unknown[]): unknown => {
                if (counted.has(method)) executed++;
                return Reflect.apply(value, statement, args);
              };
            },
          });
      }
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { database: database_, executed: () => executed };
}

let directory: string;
let database: SqliteDatabase;
let api: Api;
let executed: () => number;

beforeEach(async () => {
  directory = mkdtempSync(join(tmpdir(), 'cloud-cloud-loading-'));
  database = openDatabase(join(directory, 'cloud-cloud.db'));
  const counting = countingDatabase(database);
  executed = counting.executed;
  api = buildApi({
    host: '127.0.0.1',
    port: 0,
    database: counting.database,
    firmwareDirectory: join(directory, 'firmware'),
    adapterToken: 'adapter-token',
    apiToken: ADMIN_TOKEN,
    adminPassword: 'a long enough password',
    logger: pino({ level: 'silent' }),
  });
  await api.start();
});

afterEach(async () => {
  await api.stop();
  database.close();
  rmSync(directory, { recursive: true, force: true });
});

async function query(document: string): Promise<Record<string, unknown[]>> {
  const response = await fetch(`http://127.0.0.1:${api.port}${GRAPHQL_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify({ query: document }),
  });
  const body = (await response.json()) as { data?: Record<string, unknown[]>; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return body.data!;
}

/** Statements one query executes. */
async function statementsFor(document: string): Promise<{ statements: number; items: number }> {
  const before = executed();
  const data = await query(document);
  return { statements: executed() - before, items: Object.values(data)[0]!.length };
}

/** Adds `count` images, each assigned to a lamp of its own that has checked for updates twice. */
function addFirmware(from: number, count: number): void {
  const store = new FirmwareStore(database);
  for (let n = from; n < from + count; n++) {
    const id = `image-${n}`;
    const mac = `AA:BB:CC:DD:EE:${n.toString(16).padStart(2, '0').toUpperCase()}`;
    store.addImage({
      id,
      sha256: `sha-${n}`,
      md5: `md5-${n}`,
      sketchMd5: `md5-${n}`,
      size: 1000,
      version: `1.0.${n}`,
      target: 'ESP32',
      format: 'esp',
      project: null,
      notes: null,
      uploadedAt: new Date(1_700_000_000_000 + n),
      uploadedBy: 'test',
    });
    store.assign(id, [mac], new Date());
    store.saveLamp({
      mac,
      family: 'ESP32',
      runningVersion: '1.0.0',
      sketchMd5: null,
      sdkVersion: null,
      lastCheckAt: new Date(),
      lastAddress: `10.0.0.${n}`,
      state: 'UPDATE_SENT',
      pendingFirmwareId: id,
      pendingVersion: `1.0.${n}`,
      pendingSketchMd5: null,
    });
    for (const at of [1, 2]) {
      store.addCheck({ mac, at: new Date(at), reportedVersion: '1.0.0', outcome: 'SENT', firmwareId: id, detail: 'sent' });
    }
  }
}

describe("lists load their items' fields in one query per request, however long the list", () => {
  const lists = {
    'FirmwareImage.assignedTo': '{ firmwareImages { id assignedTo } }',
    'FirmwareAssignment.firmware': '{ firmwareAssignments { mac firmware { id assignedTo } } }',
    'LampFirmware.assignedFirmware, pendingFirmware and checks': `{ lampFirmware {
      mac assignedFirmware { id } pendingFirmware { id } checks(last: 2) { outcome firmware { id } } connection { id } } }`,
  };

  for (const [fields, document] of Object.entries(lists)) {
    it(fields, async () => {
      addFirmware(0, 2);
      const few = await statementsFor(document);
      addFirmware(2, 20);
      const many = await statementsFor(document);
      expect([few.items, many.items]).toEqual([2, 22]);
      expect(many.statements).toBe(few.statements);
    });
  }

  it('Lamp.online and Lamp.debugMessages', async () => {
    const lamps = new LampStore(database);
    const addLamps = (from: number, count: number) => {
      for (let n = from; n < from + count; n++) {
        lamps.addLamp({ id: `lamp-${n}`, name: `lamp ${n}`, secretHash: `hash-${n}`, createdAt: new Date() });
        for (const text of ['one', 'two', 'three']) lamps.appendDebugMessage(`lamp-${n}`, { at: new Date(), text });
      }
    };
    // Connections are held in memory, not in SQLite: count how often they are read.
    const list = vi.spyOn(api.services.devices, 'list');
    const ofLamp = vi.spyOn(api.services.devices, 'ofLamp');
    const connectionReads = () => list.mock.calls.length + ofLamp.mock.calls.length;
    const document = '{ lamps { id online debugMessages(last: 2) { text } } }';
    addLamps(0, 2);
    const few = await statementsFor(document);
    const readsForFew = connectionReads();
    addLamps(2, 20);
    const many = await statementsFor(document);
    expect([few.items, many.items]).toEqual([2, 22]);
    expect(many.statements).toBe(few.statements);
    expect(connectionReads() - readsForFew).toBe(readsForFew);
  });

  it('Device.lamp and Device.debugMessages', async () => {
    const connect = (from: number, count: number) => {
      for (let n = from; n < from + count; n++) {
        const { secret } = api.services.lamps.register(`lamp ${n}`);
        const at = new Date();
        api.services.admission.admit('adapter', {
          id: `device-${n}`,
          secret,
          remoteAddress: `10.0.1.${n}`,
          connectedAt: at,
          lastSeenAt: at,
        });
        for (const text of ['one', 'two', 'three']) api.services.devices.addDebugMessage('adapter', `device-${n}`, { at, text });
      }
    };
    const document = '{ devices { id lamp { name } debugMessages(last: 2) { text } } }';
    connect(0, 2);
    const few = await statementsFor(document);
    connect(2, 20);
    const many = await statementsFor(document);
    expect([few.items, many.items]).toEqual([2, 22]);
    expect(many.statements).toBe(few.statements);
  });
});
