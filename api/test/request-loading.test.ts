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

async function query(document: string): Promise<Record<string, unknown[] | { nodes: unknown[] }>> {
  const response = await fetch(`http://127.0.0.1:${api.port}${GRAPHQL_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify({ query: document }),
  });
  const body = (await response.json()) as { data?: Record<string, unknown[] | { nodes: unknown[] }>; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return body.data!;
}

/** Statements one query executes. */
async function statementsFor(document: string): Promise<{ statements: number; items: number }> {
  const before = executed();
  const data = await query(document);
  const list = Object.values(data)[0]!;
  return { statements: executed() - before, items: Array.isArray(list) ? list.length : list.nodes.length };
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
    'FirmwareImage.assignedTo': '{ firmwareImages { nodes { id assignedTo } } }',
    'FirmwareAssignment.firmware': '{ firmwareAssignments { mac firmware { id assignedTo } } }',
    'LampFirmware.assignedFirmware, pendingFirmware, checks and lamp': `{ lampFirmware { nodes {
      mac assignedFirmware { id } pendingFirmware { id } checks(first: 2) { nodes { outcome firmware { id } } } lamp { id } } } }`,
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

  it('Lamp.online, Lamp.debugMessages and Lamp.firmware', async () => {
    const lamps = new LampStore(database);
    const addLamps = (from: number, count: number) => {
      addFirmware(from, count);
      for (let n = from; n < from + count; n++) {
        const { lamp } = api.services.lamps.register(`lamp ${n}`, null);
        const mac = `AA:BB:CC:DD:EE:${n.toString(16).padStart(2, '0').toUpperCase()}`;
        api.services.lamps.linkUpdateCheck(mac, `10.0.0.${n}`, null);
        lamps.save({ ...lamp, mac });
        for (const text of ['one', 'two', 'three']) lamps.appendDebugMessage(lamp.id, { at: new Date(), text });
      }
    };
    // Connections are held in memory, not in SQLite: listing them per lamp would cost as much.
    const list = vi.spyOn(api.services.lampConnections, 'list');
    const document = '{ lamps { nodes { id online debugMessages(last: 2) { nodes { text } } firmware { mac state } } } }';
    addLamps(0, 2);
    list.mockClear();
    const few = await statementsFor(document);
    addLamps(2, 20);
    list.mockClear();
    const many = await statementsFor(document);
    expect([few.items, many.items]).toEqual([2, 22]);
    expect(many.statements).toBe(few.statements);
    expect(list).not.toHaveBeenCalled();
  });

  it('Lamp.connection, Lamp.room and Lamp.debugMessages of connected lamps', async () => {
    const connect = (from: number, count: number) => {
      for (let n = from; n < from + count; n++) {
        const { secret } = api.services.lamps.register(`lamp ${n}`, null);
        const at = new Date();
        api.services.admission.admit('adapter', {
          connectionId: `adapter.${n}`,
          secret,
          remoteAddress: `10.0.1.${n}`,
          connectedAt: at,
          lastSeenAt: at,
          mac: null,
          firmwareVersion: null,
        });
        for (const text of ['one', 'two', 'three']) api.services.lampConnections.addDebugMessage('adapter', `adapter.${n}`, { at, text });
      }
    };
    const document = '{ lamps(online: true) { nodes { connection { id } room { name } debugMessages(last: 2) { nodes { text } } } } }';
    connect(0, 2);
    const few = await statementsFor(document);
    connect(2, 20);
    const many = await statementsFor(document);
    expect([few.items, many.items]).toEqual([2, 22]);
    expect(many.statements).toBe(few.statements);
  });
});
