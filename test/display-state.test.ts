import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AS_ADMIN, graphql, graphqlData, subscribe, wsClient } from './support/graphql.js';
import { startSystem, type RunningSystem } from './support/system.js';

const STATE = 'mode color { r g b hex } pulse weather { state intensity } frame updatedAt';

let running: RunningSystem;
beforeAll(async () => {
  running = await startSystem();
});
afterAll(() => running.stop());

async function state() {
  return (await graphqlData(running.http, `{ displayState { ${STATE} } }`)).displayState;
}

async function mutate(field: string, args: string) {
  return graphql(running.http, `mutation { ${field}(${args}) { ${STATE} } }`);
}

describe('display state', () => {
  beforeEach(async () => {
    await mutate('setColor', 'color: { r: 10, g: 20, b: 30 }');
    await mutate('setPulse', 'pulse: 0');
  });

  it('answers each mutation with the new state and the exact packet', async () => {
    const color = await mutate('setColor', 'color: { hex: "#FF41AE" }');
    expect(color.data?.setColor).toMatchObject({
      mode: 'MANUAL',
      color: { r: 255, g: 65, b: 174, hex: '#ff41ae' },
      frame: '[cc:2:255,65,174:0]',
    });
    expect((await mutate('setPulse', 'pulse: 7')).data?.setPulse.frame).toBe('[cc:2:255,65,174:7]');
    expect((await mutate('setMode', 'mode: OFF')).data?.setMode.frame).toBe('[cc:0:?:?]');
    const weather = (await mutate('setMode', 'mode: WEATHER')).data?.setMode;
    expect(weather).toMatchObject({ mode: 'WEATHER', weather: { state: 3, intensity: 9 }, frame: '[cc:1:3:9]' });
  });

  it('accepts the short hex form', async () => {
    expect((await mutate('setColor', 'color: { hex: "#0f8" }')).data?.setColor.color).toEqual({
      r: 0,
      g: 255,
      b: 136,
      hex: '#00ff88',
    });
  });

  it('keeps colour and pulse through OFF and WEATHER and restores them in MANUAL', async () => {
    await mutate('setColor', 'color: { r: 1, g: 2, b: 3 }');
    await mutate('setPulse', 'pulse: 4');
    await mutate('setMode', 'mode: OFF');
    await mutate('setMode', 'mode: WEATHER');
    const off = await state();
    expect(off).toMatchObject({ mode: 'WEATHER', color: { r: 1, g: 2, b: 3 }, pulse: 4 });
    const back = (await mutate('setMode', 'mode: MANUAL')).data?.setMode;
    expect(back.frame).toBe('[cc:2:1,2,3:4]');
  });

  it('setPulse switches to MANUAL like setColor does', async () => {
    await mutate('setMode', 'mode: OFF');
    expect((await mutate('setPulse', 'pulse: 2')).data?.setPulse).toMatchObject({ mode: 'MANUAL', frame: '[cc:2:10,20,30:2]' });
  });

  it('does not count a change that changes nothing', async () => {
    const before = await state();
    await mutate('setColor', 'color: { r: 10, g: 20, b: 30 }');
    expect((await state()).updatedAt).toBe(before.updatedAt);
  });
});

describe('displayState subscription', () => {
  it('sends the current state at once, then every change in order', async () => {
    await mutate('setColor', 'color: { r: 5, g: 5, b: 5 }');
    const client = wsClient(running.http);
    const updates = subscribe(client, 'subscription { displayState { mode frame } }');
    expect(await updates.next()).toEqual({ displayState: { mode: 'MANUAL', frame: '[cc:2:5,5,5:0]' } });

    const frames: string[] = [];
    for (let i = 0; i < 20; i++) {
      const { setColor } = await graphqlData(running.http, `mutation { setColor(color: { r: ${i}, g: 0, b: 0 }) { frame } }`);
      frames.push(setColor.frame);
    }
    await mutate('setMode', 'mode: OFF');
    frames.push('[cc:0:?:?]');
    const seen: string[] = [];
    while (seen.length < frames.length) seen.push((await updates.next()).displayState.frame);
    expect(seen).toEqual(frames);
    // A change made now is the very next event: nothing was sent twice.
    await mutate('setPulse', 'pulse: 1');
    expect(await updates.next()).toEqual({ displayState: { mode: 'MANUAL', frame: '[cc:2:19,0,0:1]' } });
    updates.stop();
    await client.dispose();
  });

  it('also works over server-sent events', async () => {
    const controller = new AbortController();
    const response = await fetch(
      `http://127.0.0.1:${running.http}/graphql?query=${encodeURIComponent('subscription { displayState { frame } }')}`,
      {
        headers: { accept: 'text/event-stream', 'x-graphql-yoga-csrf': '1', ...AS_ADMIN },
        signal: controller.signal,
      },
    );
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes('"frame"')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toMatch(/"frame":"\[cc:/);
    controller.abort();
  });
});
