import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { graphqlData } from './support/graphql.js';
import { TestLamp } from './support/lamp.js';
import { DEVICE_SECRET, startSystem, type RunningSystem } from './support/system.js';

/*
 * The example exchange from the protocol specification, played by a raw WebSocket lamp against the real API
 * and adapter, with a GraphQL client making the changes the example shows.
 */

let running: RunningSystem;
beforeAll(async () => {
  running = await startSystem();
});
afterAll(() => running.stop());

it('runs the documented exchange frame by frame', async () => {
  const lamp = await TestLamp.connect(running.device);
  lamp.send(DEVICE_SECRET);
  expect(await lamp.next()).toBe('ok');
  expect(await lamp.next()).toBe('[cc:0:?:?]');

  lamp.send('ping');
  expect(await lamp.next()).toBe('pong');

  const steps = [
    { r: 255, g: 65, b: 174 },
    { r: 255, g: 162, b: 174 },
    { r: 69, g: 162, b: 174 },
    { r: 69, g: 162, b: 245 },
  ];
  for (const color of steps) {
    const { setColor } = await graphqlData(running.http, 'mutation($c: ColorInput!) { setColor(color: $c) { frame } }', {
      c: color,
    });
    expect(await lamp.next()).toBe(setColor.frame);
  }
  expect(lamp.received).toEqual([
    'ok',
    '[cc:0:?:?]',
    'pong',
    '[cc:2:255,65,174:0]',
    '[cc:2:255,162,174:0]',
    '[cc:2:69,162,174:0]',
    '[cc:2:69,162,245:0]',
  ]);

  lamp.send('d:This is a Debug-Message');
  const debugLines = async () =>
    (await graphqlData(running.http, '{ lamps(online: true) { nodes { debugMessages { nodes { text } } } } }')).lamps.nodes[0]
      ?.debugMessages.nodes;
  await vi.waitFor(async () => expect(await debugLines()).toEqual([{ text: 'This is a Debug-Message' }]), { timeout: 3000 });
  lamp.close();
});
