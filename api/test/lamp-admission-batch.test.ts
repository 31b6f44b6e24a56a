import type { LampReport } from '@cloud-cloud/contract/lamp-identity';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiServices } from '../src/services.js';
import type { SqliteDatabase } from '../src/store/database.js';
import { lampReport, servicesOnFile, SHARED_SECRET } from './services-on-file.js';

/*
 * Admitting lamps in bursts, on a real SQLite file: what reaches the disk is read from the
 * write-ahead log, whose frames count the pages each commit wrote.
 */

let database: SqliteDatabase;
let services: ApiServices;
let remove: () => void;

beforeEach(() => {
  ({ database, services, remove } = servicesOnFile('admission-batch'));
});

afterEach(() => remove());

const report = (extra: Partial<LampReport> = {}) => lampReport(SHARED_SECRET, extra);

const mac = (n: number) =>
  `02:00:00:00:${Math.floor(n / 256)
    .toString(16)
    .padStart(2, '0')}:${(n % 256).toString(16).padStart(2, '0')}`.toUpperCase();

/** Empties the write-ahead log, so that `walFrames` counts what is written from now on. */
function emptyWal(): void {
  database.pragma('wal_checkpoint(TRUNCATE)');
}

function walFrames(): number {
  const [result] = database.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
  return result!.log;
}

describe('admitting lamps together', () => {
  it('answers each lamp in order, as admitting it alone would, and stores every new lamp', () => {
    const revoked = services.admission.admit('adapter', report({ mac: mac(999) }));
    if (!revoked.accepted) throw new Error(revoked.reason);
    services.lamps.revoke(revoked.lamp.id);

    const reports = [report({ mac: mac(1) }), report({ mac: mac(999) }), report({ secret: 'wrong' }), report({ mac: mac(2) })];
    const answers = services.admission.admitAll('adapter', reports);
    expect(answers.map((answer) => answer.accepted)).toEqual([true, false, false, true]);
    expect(answers.map((answer) => answer.reason)).toEqual([null, 'lamp revoked', 'invalid secret', null]);
    expect(answers[0]!.lamp?.name).toBe(`Lamp ${mac(1)}`);
    expect(answers[0]!.frame).toBe(services.roomDisplays.frame('home'));

    const stored = new Set((database.prepare('SELECT name FROM lamps').all() as { name: string }[]).map((row) => row.name));
    expect(stored).toEqual(new Set([`Lamp ${mac(999)}`, `Lamp ${mac(1)}`, `Lamp ${mac(2)}`]));
    expect(
      services.lamps
        .list({ online: true })
        .map((lamp) => lamp.name)
        .sort(),
    ).toEqual([`Lamp ${mac(1)}`, `Lamp ${mac(2)}`]);
  });

  it('refuses, rather than fails on, a connection id another adapter holds', () => {
    const held = report({ mac: mac(1) });
    expect(services.admission.admit('other-adapter', held).accepted).toBe(true);
    const answers = services.admission.admitAll('adapter', [{ ...held, mac: mac(2) }, report({ mac: mac(3) })]);
    expect(answers[0]).toMatchObject({ accepted: false, reason: `connection id ${held.connectionId} is held by another adapter` });
    expect(answers[1]).toMatchObject({ accepted: true });
  });

  it('writes a burst of new lamps in one transaction, where one at a time writes each', () => {
    emptyWal();
    for (let n = 0; n < 100; n++) services.admission.admit('adapter', report({ mac: mac(n) }));
    const alone = walFrames();

    emptyWal();
    services.admission.admitAll(
      'adapter',
      Array.from({ length: 100 }, (_, n) => report({ mac: mac(1000 + n) })),
    );
    const together = walFrames();

    // One commit per lamp writes at least a page each; one transaction writes only the pages it changed.
    expect(alone).toBeGreaterThanOrEqual(100);
    expect(together).toBeLessThan(20);
  });

  it('writes nothing at all when known lamps reconnect', () => {
    const first = Array.from({ length: 50 }, (_, n) => report({ mac: mac(n) }));
    services.admission.admitAll('adapter', first);
    for (const lamp of first) services.lampConnections.disconnect('adapter', lamp.connectionId, 'power cut');

    emptyWal();
    const answers = services.admission.admitAll(
      'adapter',
      Array.from({ length: 50 }, (_, n) => report({ mac: mac(n) })),
    );
    expect(answers.every((answer) => answer.accepted)).toBe(true);
    expect(walFrames()).toBe(0);
  });
});

describe('naming lamps known by their address', () => {
  it('numbers lamps at one address in turn, and gives a freed number to the next new lamp', () => {
    const names = services.admission
      .admitAll(
        'adapter',
        Array.from({ length: 5 }, () => report()),
      )
      .map((answer) => answer.lamp?.name);
    expect(names).toEqual([
      'Lamp at 10.0.0.5',
      'Lamp at 10.0.0.5 (2)',
      'Lamp at 10.0.0.5 (3)',
      'Lamp at 10.0.0.5 (4)',
      'Lamp at 10.0.0.5 (5)',
    ]);

    const second = services.lamps.list().find((lamp) => lamp.name === 'Lamp at 10.0.0.5 (2)')!;
    services.lamps.forget(second.id);
    expect(services.admission.admitAll('adapter', [report()])[0]!.lamp?.name).toBe('Lamp at 10.0.0.5 (2)');
    expect(services.admission.admitAll('adapter', [report()])[0]!.lamp?.name).toBe('Lamp at 10.0.0.5 (6)');
  });
});

describe("an adapter's link going", () => {
  it('takes its lamps offline and stores their times in one transaction', () => {
    services.admission.admitAll(
      'adapter',
      Array.from({ length: 100 }, (_, n) => report({ mac: mac(n) })),
    );
    emptyWal();
    services.lampConnections.detachAdapter('adapter', 'link lost');
    expect(services.lamps.list({ online: true })).toEqual([]);
    expect(walFrames()).toBeLessThan(20);
    const offline = database.prepare('SELECT COUNT(*) AS n FROM lamps WHERE last_seen_at IS NOT NULL').get() as { n: number };
    expect(offline.n).toBe(100);
  });
});

describe('a write that fails', () => {
  it('fails the whole admission, leaves none of its lamps online, and stores them at the next chance', () => {
    database.pragma('query_only = ON');
    expect(() => services.admission.admitAll('adapter', [report({ mac: mac(1) }), report({ mac: mac(2) })])).toThrow(/readonly/);
    expect(services.lamps.list({ online: true })).toEqual([]);

    // The lamps come back once the disk takes writes again: their records are written, though unchanged in memory.
    database.pragma('query_only = OFF');
    emptyWal();
    const answers = services.admission.admitAll('adapter', [report({ mac: mac(1) }), report({ mac: mac(2) })]);
    expect(answers.every((answer) => answer.accepted)).toBe(true);
    const stored = database.prepare('SELECT COUNT(*) AS n FROM lamps').get() as { n: number };
    expect(stored.n).toBe(2);
  });
});
