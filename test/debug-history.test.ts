import { openDatabase } from '@cloud-cloud/api/store/database';
import { LampStore } from '@cloud-cloud/api/store/lamp-store';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { graphqlData } from './support/graphql.js';
import { startSystem, temporaryDataDir, waitUntil } from './support/system.js';

/** Rows in the debug_messages table of a database file, read through a connection of its own. */
function debugRows(databaseFile: string, lampKey?: string): number {
  const db = new Database(databaseFile, { readonly: true });
  try {
    const row =
      lampKey === undefined
        ? db.prepare<[], { n: number }>('SELECT count(*) AS n FROM debug_messages').get()
        : db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM debug_messages WHERE lamp_key = ?').get(lampKey);
    return row!.n;
  } finally {
    db.close();
  }
}

describe('debug history', () => {
  it('keeps at most the newest lines in total, however many lamps and connections wrote them', () => {
    const data = temporaryDataDir();
    const db = openDatabase(data.databaseFile);
    const lamps = new LampStore(db, 5, 50);
    for (let connection = 0; connection < 1000; connection++) {
      for (let line = 0; line < 5; line++) {
        lamps.appendDebugMessage(`connection:c${connection}`, { at: new Date(connection * 1000 + line), text: `c${connection}-${line}` });
      }
    }
    expect(debugRows(data.databaseFile)).toBe(50);
    // The newest stay: the last ten connections' five lines each.
    expect(lamps.debugMessages('connection:c990', 100, null).map((m) => m.text)).toEqual([
      'c990-0',
      'c990-1',
      'c990-2',
      'c990-3',
      'c990-4',
    ]);
    expect(lamps.debugMessages('connection:c999', 100, null)).toHaveLength(5);
    expect(lamps.debugMessages('connection:c989', 100, null)).toEqual([]);
    db.close();
    data.remove();
  });

  it('keeps at most the limit per lamp', () => {
    const data = temporaryDataDir();
    const db = openDatabase(data.databaseFile);
    const lamps = new LampStore(db, 5, 50);
    for (let line = 0; line < 40; line++) lamps.appendDebugMessage('registered', { at: new Date(line), text: `r${line}` });
    expect(debugRows(data.databaseFile, 'registered')).toBe(5);
    db.close();
    data.remove();
  });

  it("keeps a shared-secret lamp's lines under the lamp across reconnects, and deletes them when it is forgotten", async () => {
    const running = await startSystem();
    try {
      for (let round = 0; round < 5; round++) {
        const { lamp } = await running.lamp();
        for (let line = 0; line < 20; line++) lamp.send(`d:${round}-${line}`);
        await waitUntil(() => debugRows(running.databaseFile) === 20 * (round + 1), 5000, 'the lines to be stored');
        lamp.close();
        await lamp.closed;
      }
      // Recognised by its address each time: one lamp, with every line under its id.
      const { lamps } = await graphqlData(running.http, '{ lamps { nodes { id debugMessages(last: 3) { nodes { text } } } } }');
      expect(lamps.nodes).toHaveLength(1);
      expect(lamps.nodes[0].debugMessages.nodes.map((m: { text: string }) => m.text)).toEqual(['4-17', '4-18', '4-19']);
      expect(debugRows(running.databaseFile, lamps.nodes[0].id)).toBe(100);
      await graphqlData(running.http, 'mutation($id: ID!) { forgetLamp(lampId: $id) { id } }', { id: lamps.nodes[0].id });
      expect(debugRows(running.databaseFile)).toBe(0);
    } finally {
      await running.stop();
    }
  });
});
