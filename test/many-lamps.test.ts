import { MAX_OPERATIONS_PER_CONNECTION } from '@cloud-cloud/contract/http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { graphqlData } from './support/graphql.js';
import { TestLamp } from './support/lamp.js';
import { DEVICE_SECRET, startSystem, waitUntil, type RunningSystem } from './support/system.js';

let running: RunningSystem;
beforeAll(async () => {
  running = await startSystem();
});
afterAll(() => running.stop());

const SET_COLOR = 'mutation($c: ColorInput!) { setColor(color: $c) { frame } }';

it('broadcasts every change to several lamps at once', async () => {
  const lamps = await Promise.all(Array.from({ length: 10 }, () => running.lamp()));
  const frames: string[] = [];
  for (let i = 0; i < 5; i++) {
    frames.push((await graphqlData(running.http, SET_COLOR, { c: { r: i, g: 100, b: 200 } })).setColor.frame);
  }
  for (const { lamp } of lamps) {
    for (const frame of frames) await lamp.waitFor(frame);
    expect(lamp.received.filter((f) => f.startsWith('[cc:2:'))).toEqual(expect.arrayContaining(frames));
    lamp.close();
  }
});

it('admits a burst of lamps larger than the operations one API link may run at once, telling none to try later', async () => {
  // Each admission is an operation on the adapter's link to the API, which runs at most 50 at
  // once: all the lamps connect, then send their secrets in one go.
  const lamps = await Promise.all(Array.from({ length: 4 * MAX_OPERATIONS_PER_CONNECTION }, () => TestLamp.connect(running.device)));
  for (const lamp of lamps) lamp.send(DEVICE_SECRET);
  const answers = await Promise.all(lamps.map((lamp) => lamp.next(10_000).catch(async () => `closed ${(await lamp.closed).code}`)));
  expect(answers.filter((answer) => answer !== 'ok')).toEqual([]);
  await Promise.all(lamps.map((lamp) => (lamp.close(), lamp.closed)));
});

it('keeps at most the newest display packet for a stalled lamp, without slowing the others', async () => {
  const fast = await running.lamp();
  const slow = await running.lamp();
  await waitUntil(() => running.system.adapter.connections().filter((c) => c.isOpen).length === 2);
  const slowConnection = running.system.adapter.connections().find((c) => c.isOpen && c.id !== fastId())!;
  function fastId() {
    const open = running.system.adapter.connections().filter((c) => c.isOpen);
    return open[0]!.id;
  }

  // Stall the slow lamp and fill its socket buffers until writes no longer complete (in pieces
  // well under the 64 KiB a lamp may have waiting, or it would be dropped).
  slow.lamp.stall();
  const filler = 'x'.repeat(16 * 1024);
  for (let i = 0; i < 2000 && slowConnection.pendingPackets === 0; i++) {
    slowConnection.showDisplay(`${filler}${i}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  expect(slowConnection.pendingPackets).toBeGreaterThan(0);

  // Fifty real colour changes: the fast lamp gets each one, the stalled one keeps just the newest.
  const frames: string[] = [];
  for (let i = 0; i < 50; i++) {
    frames.push((await graphqlData(running.http, SET_COLOR, { c: { r: 200, g: i, b: 0 } })).setColor.frame);
    expect(slowConnection.pendingPackets).toBeLessThanOrEqual(1);
  }
  for (const frame of frames) await fast.lamp.waitFor(frame);

  // Commands are never dropped, even for a stalled lamp.
  const reset = (await graphqlData(running.http, 'mutation { sendCommand(command: RESET) { lampsReached } }')).sendCommand;
  expect(reset.lampsReached).toBe(2);
  expect(await fast.lamp.next()).toBe('[cc:r:?:?]');
  expect(slowConnection.pendingPackets).toBe(2);

  slow.lamp.resume();
  await slow.lamp.waitFor('[cc:r:?:?]', 10_000);
  const colours = slow.lamp.received.filter((f) => f.startsWith('[cc:2:200,'));
  expect(colours).toEqual([frames.at(-1)]);
  expect(slowConnection.pendingPackets).toBe(0);

  fast.lamp.close();
  slow.lamp.close();
});
