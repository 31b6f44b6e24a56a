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
    await waitUntil(() => api.services.devices.count() === 0, 5000, 'the API to forget the admitted ones');
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
    await waitUntil(() => api.services.devices.count() === 0, 3000, 'the API to be told');
  });
});
