import type { Adapter } from '@cloud-cloud/device-adapter/adapter';
import { LampCloseCode } from '@cloud-cloud/protocol/close-codes';
import type { Api } from '@cloud-cloud/api/app';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestLamp } from './support/lamp.js';
import { DEVICE_SECRET, startAdapter, startApi, waitUntil } from './support/system.js';

/*
 * Whatever a lamp, or anyone who can reach the device port, sends: the adapter holds a bounded
 * amount for it, and nothing once it is gone.
 */

let api: Api;
let stopApi: () => Promise<void>;
let httpPort: number;
let adapter: Adapter;

beforeAll(async () => {
  const started = startApi();
  api = started.api;
  stopApi = started.stop;
  httpPort = await started.started;
  adapter = await startAdapter(httpPort);
  await waitUntil(() => adapter.ready);
});
afterAll(async () => {
  await adapter.stop();
  await stopApi();
});

/** Runs `attempt` `count` times, `parallel` at a time. */
async function repeat(count: number, parallel: number, attempt: () => Promise<void>): Promise<void> {
  let started = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (started < count) {
        started += 1;
        await attempt();
      }
    }),
  );
}

describe('connections that end during the handshake', () => {
  it('leave nothing behind after a wrong secret', async () => {
    await repeat(300, 10, async () => {
      const intruder = await TestLamp.connect(adapter.port);
      intruder.send('not-the-secret');
      expect((await intruder.closed).code).toBe(LampCloseCode.Unauthorized);
    });
    expect(adapter.connections().length).toBe(0);
  });

  it('leave nothing behind when they go while the API is still deciding', async () => {
    // The secret and the end of the connection arrive together: the lamp is gone before the answer.
    await repeat(100, 10, async () => {
      const hasty = await TestLamp.connect(adapter.port);
      hasty.send(DEVICE_SECRET);
      hasty.socket.terminate();
      await hasty.closed;
      const quitter = await TestLamp.connect(adapter.port);
      quitter.send('not-the-secret');
      quitter.socket.terminate();
      await quitter.closed;
    });
    await waitUntil(() => adapter.connections().length === 0, 5000, 'every connection to be forgotten');
    // The API was told about the ones it let in, so none of them is listed as connected.
    await waitUntil(() => api.services.lampConnections.count() === 0, 5000, 'the API to forget the admitted ones');
  });

  it('leave nothing behind when the API cannot be reached (1013)', async () => {
    // An adapter pointed at a port where no API answers: every secret is answered "try again later".
    const unlinked = await startAdapter(1, { maxRetryDelayMs: 10_000 });
    try {
      await repeat(100, 10, async () => {
        const lamp = await TestLamp.connect(unlinked.port);
        lamp.send(DEVICE_SECRET);
        expect((await lamp.closed).code).toBe(LampCloseCode.TryAgainLater);
      });
      expect(unlinked.connections().length).toBe(0);
    } finally {
      await unlinked.stop();
    }
  });

  it('forgets a lamp that was let in, once it leaves', async () => {
    const { lamp } = await TestLamp.handshake(adapter.port, DEVICE_SECRET);
    expect(adapter.connections()).toHaveLength(1);
    lamp.close();
    await lamp.closed;
    await waitUntil(() => adapter.connections().length === 0, 3000, 'the lamp to be forgotten');
    await waitUntil(() => api.services.lampConnections.count() === 0, 3000, 'the API to be told');
  });
});

describe('connections in their handshake', () => {
  it('are capped: past the cap a new one is told to try again later, and room frees as handshakes finish', async () => {
    const capped = await startAdapter(httpPort, { maxPendingHandshakes: 5 });
    try {
      await waitUntil(() => capped.ready);
      const silent = await Promise.all(Array.from({ length: 5 }, () => TestLamp.connect(capped.port)));
      const turnedAway = await TestLamp.connect(capped.port);
      expect(await turnedAway.closed).toEqual({ code: LampCloseCode.TryAgainLater, reason: expect.stringMatching(/too many connections/) });
      expect(capped.connections().length).toBe(5);

      // One finishes its handshake: that makes room for one more.
      silent[0]!.send(DEVICE_SECRET);
      expect(await silent[0]!.next()).toBe('ok');
      const { lamp: next } = await TestLamp.handshake(capped.port, DEVICE_SECRET);
      expect(capped.connections().length).toBe(6);
      for (const lamp of [...silent, next]) lamp.close();
    } finally {
      await capped.stop();
    }
  });
});

describe('a lamp that does not read what it is sent', () => {
  it('is dropped with 4429 when it floods pings and stops reading, its pongs coalesced meanwhile', async () => {
    const small = await startAdapter(httpPort, { maxUnsentBytes: 1024 });
    try {
      await waitUntil(() => small.ready);
      const { lamp } = await TestLamp.handshake(small.port, DEVICE_SECRET);
      const [connection] = small.connections();
      lamp.stall();
      let mostPending = 0;
      const watch = setInterval(() => {
        mostPending = Math.max(mostPending, connection!.pendingPackets);
      }, 1);
      for (let i = 0; i < 20_000 && lamp.socket.readyState === lamp.socket.OPEN; i++) {
        lamp.send('ping');
        if (i % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
      }
      await waitUntil(() => !connection!.isOpen, 5000, 'the adapter to drop the lamp');
      clearInterval(watch);
      // A lamp that reads again sees why it was dropped.
      lamp.resume();
      const closed = await lamp.closed;
      expect(closed.code).toBe(LampCloseCode.Backlogged);
      expect(closed.reason).toMatch(/not reading/);
      // At most a display packet and one pong ever waited: pings do not queue pongs.
      expect(mostPending).toBeLessThanOrEqual(2);
      await waitUntil(() => small.connections().length === 0, 3000, 'the dropped lamp to be forgotten');
    } finally {
      await small.stop();
    }
  });

  it('is dropped with 4429 when commands pile up behind a stalled socket', async () => {
    const { lamp } = await TestLamp.handshake(adapter.port, DEVICE_SECRET);
    const [connection] = adapter.connections();
    lamp.stall();
    // Fill the socket's buffers until a write no longer completes.
    const filler = 'x'.repeat(16 * 1024);
    for (let i = 0; i < 2000 && connection!.pendingPackets === 0; i++) {
      connection!.showDisplay(`${filler}${i}`);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(connection!.pendingPackets).toBeGreaterThan(0);
    let sent = 0;
    while (connection!.sendCommand('[cc:r:?:?]')) sent += 1;
    expect(connection!.isOpen).toBe(false);
    // Roughly 64 KiB of commands, less what the filler already takes.
    expect(sent).toBeGreaterThan(1000);
    expect(sent).toBeLessThan((64 * 1024) / '[cc:r:?:?]'.length);
    await waitUntil(() => adapter.connections().length === 0, 3000, 'the dropped lamp to be forgotten');
    await waitUntil(() => api.services.lampConnections.count() === 0, 3000, 'the API to be told');
  });

  it('keeps a lamp that pings hard but reads, answering it with pongs', async () => {
    const { lamp } = await TestLamp.handshake(adapter.port, DEVICE_SECRET);
    for (let i = 0; i < 20_000; i++) lamp.send('ping');
    lamp.send('d:after the pings');
    await waitUntil(
      () =>
        api.services.lampConnections
          .list()
          .some((connection) => api.services.lamps.debugMessages(connection.lampId, 1, null)[0]?.text === 'after the pings'),
      10_000,
      'the pings to be read',
    );
    await lamp.waitFor('pong');
    const pongs = lamp.received.filter((frame) => frame === 'pong');
    expect(pongs.length).toBeGreaterThan(0);
    expect(pongs.length).toBeLessThanOrEqual(20_000);
    expect(lamp.socket.readyState).toBe(lamp.socket.OPEN);
    lamp.close();
  });
});
