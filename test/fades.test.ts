import { displayFrame, DEFAULT_WEATHER } from '@cloud-cloud/api/display/display-state';
import { fadePath, planSteps } from '@cloud-cloud/api/fades/fade-plan';
import { afterEach, describe, expect, it } from 'vitest';
import { graphql, graphqlData, subscribe, wsClient } from './support/graphql.js';
import { ManualClock } from './support/clock.js';
import type { TestLamp } from './support/lamp.js';
import { startSystem, temporaryDataDir, type RunningSystem } from './support/system.js';

const STATE = 'mode color { hex } pulse frame transition { kind target { mode color { hex } pulse frame } startedAt endsAt }';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function system(options: Parameters<typeof startSystem>[0] = {}): Promise<RunningSystem> {
  const running = await startSystem(options);
  cleanup.push(() => running.stop({ keepData: true }));
  return running;
}

async function lampOf(running: RunningSystem): Promise<{ lamp: TestLamp; packet: string }> {
  const connected = await running.lamp();
  cleanup.push(() => connected.lamp.close());
  return connected;
}

function setColor(http: number, hex: string, transitionSeconds?: number): Promise<any> {
  return graphqlData(http, `mutation($hex: String!, $t: Float) { setColor(color: { hex: $hex }, transitionSeconds: $t) { ${STATE} } }`, {
    hex,
    t: transitionSeconds,
  }).then((data) => data.setColor);
}

async function displayState(http: number): Promise<any> {
  return (await graphqlData(http, `{ displayState { ${STATE} } }`)).displayState;
}

/** The packets a lamp receives from now until (and with) `last`. */
async function packetsUntil(lamp: TestLamp, last: string, timeoutMs: number): Promise<string[]> {
  const packets: string[] = [];
  for (;;) {
    const packet = await lamp.next(timeoutMs);
    packets.push(packet);
    if (packet === last) return packets;
  }
}

function expectNoRepeat(packets: string[], before: string): void {
  [before, ...packets].forEach((packet, i, all) => {
    if (i > 0) expect(packet, `packet ${i}`).not.toBe(all[i - 1]);
  });
}

describe('a fade', () => {
  it('reaches a raw lamp as stepped colour packets, each new, ending at the target; the state shows where it goes', async () => {
    const running = await system();
    const { lamp } = await lampOf(running);
    await setColor(running.http, '#000080');
    await lamp.waitFor('[cc:2:0,0,128:0]');

    const started = await setColor(running.http, '#ff8800', 2);
    expect(started).toMatchObject({
      mode: 'MANUAL',
      color: { hex: '#000080' },
      transition: { kind: 'FADE', target: { mode: 'MANUAL', color: { hex: '#ff8800' }, pulse: 0, frame: '[cc:2:255,136,0:0]' } },
    });
    expect(Date.parse(started.transition.endsAt) - Date.parse(started.transition.startedAt)).toBe(2000);

    const packets = await packetsUntil(lamp, '[cc:2:255,136,0:0]', 5000);
    // Two seconds at no more than four packets a second; several steps in between.
    expect(packets.length).toBeGreaterThanOrEqual(4);
    expect(packets.length).toBeLessThanOrEqual(8);
    expectNoRepeat(packets, '[cc:2:0,0,128:0]');
    expect(packets.every((packet) => packet.startsWith('[cc:2:'))).toBe(true);
    expect(await displayState(running.http)).toMatchObject({ color: { hex: '#ff8800' }, transition: null });
  });

  it('reaches subscribers as the same steps, each with the transition, the last without it', async () => {
    const running = await system();
    await setColor(running.http, '#202020');
    const client = wsClient(running.http);
    cleanup.push(() => client.dispose());
    const updates = subscribe(client, `subscription { displayState { ${STATE} } }`);
    cleanup.push(() => updates.stop());
    expect((await updates.next()).displayState).toMatchObject({ color: { hex: '#202020' }, transition: null });

    const started = await setColor(running.http, '#e0e0e0', 1.5);
    const seen: any[] = [];
    for (;;) {
      const { displayState } = await updates.next(5000);
      seen.push(displayState);
      if (displayState.transition === null) break;
    }
    expect(seen[0]).toMatchObject({ color: { hex: '#202020' }, transition: started.transition });
    expect(seen.slice(1, -1).every((state) => state.transition?.endsAt === started.transition.endsAt)).toBe(true);
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.at(-1)).toMatchObject({ color: { hex: '#e0e0e0' }, frame: '[cc:2:224,224,224:0]', transition: null });
    // Brighter each time: a grey fade steps every channel up together.
    const levels = seen.map((state) => parseInt(state.color.hex.slice(1, 3), 16));
    for (let i = 1; i < levels.length; i++) expect(levels[i]).toBeGreaterThanOrEqual(levels[i - 1]!);
  });

  it('to off steps the colour down and ends OFF; MANUAL afterwards brings the colour back', async () => {
    const running = await system();
    const { lamp } = await lampOf(running);
    await setColor(running.http, '#ffffff');
    await lamp.waitFor('[cc:2:255,255,255:0]');
    const { setMode } = await graphqlData(running.http, `mutation { setMode(mode: OFF, transitionSeconds: 1.5) { ${STATE} } }`);
    expect(setMode.transition).toMatchObject({ kind: 'FADE', target: { mode: 'OFF', color: { hex: '#ffffff' } } });
    const packets = await packetsUntil(lamp, '[cc:0:?:?]', 5000);
    expect(packets.length).toBeGreaterThanOrEqual(3);
    expectNoRepeat(packets, '[cc:2:255,255,255:0]');
    expect(packets.slice(0, -1).every((packet) => packet.startsWith('[cc:2:'))).toBe(true);
    expect((await graphqlData(running.http, 'mutation { setMode(mode: MANUAL) { frame } }')).setMode.frame).toBe('[cc:2:255,255,255:0]');
  });

  it('is ended by any other change to the room: the new change shows at once and no step follows it', async () => {
    const running = await system();
    const { lamp } = await lampOf(running);
    await setColor(running.http, '#0000ff');
    await lamp.waitFor('[cc:2:0,0,255:0]');
    await setColor(running.http, '#ff0000', 60);
    await lamp.next(5000); // the first step
    expect(running.system.api.services.fades.running('home')).toBeDefined();

    const { setPulse } = await graphqlData(running.http, `mutation { setPulse(pulse: 4) { ${STATE} } }`);
    expect(setPulse.transition).toBeNull();
    expect(running.system.api.services.fades.running('home')).toBeUndefined();
    const stopped = setPulse.frame;
    await lamp.waitFor(stopped);
    // Steps would come every 250 ms or so; after a second without any, a later change is the next packet.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await setColor(running.http, '#00ff00');
    expect(await lamp.next()).toBe('[cc:2:0,255,0:4]');
  });

  it('refuses transitionSeconds outside 0 to 7200, naming it', async () => {
    const running = await system();
    for (const t of [-1, 7200.5]) {
      const refused = await graphql(running.http, `mutation { setAllRooms(display: { mode: OFF }, transitionSeconds: ${t}) { id } }`);
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'transitionSeconds' });
    }
    const wakeUp = await graphql(running.http, 'mutation { startWakeUpLight(durationMinutes: 4) { mode } }');
    expect(wakeUp.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'durationMinutes' });
    const sleep = await graphql(running.http, 'mutation { startSleepTimer(durationMinutes: 121) { mode } }');
    expect(sleep.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'durationMinutes' });
  });
});

describe('every room at once', () => {
  it('setAllRooms with transitionSeconds fades each room from what it shows, with one end time', async () => {
    const running = await system();
    const { createRoom } = await graphqlData(running.http, 'mutation { createRoom(name: "Bedroom") { id } }');
    await setColor(running.http, '#0000ff');
    const { setAllRooms } = await graphqlData(
      running.http,
      `mutation { setAllRooms(display: { color: { hex: "#ff0000" } }, transitionSeconds: 1) { id displayState { ${STATE} } } }`,
    );
    expect(setAllRooms.map((room: any) => [room.id, room.displayState.mode, room.displayState.transition?.kind])).toEqual([
      ['home', 'MANUAL', 'FADE'],
      [createRoom.id, 'OFF', 'FADE'],
    ]);
    expect(setAllRooms[0].displayState.transition.endsAt).toBe(setAllRooms[1].displayState.transition.endsAt);
    const deadline = Date.now() + 5000;
    let states: any[] = [];
    do {
      await new Promise((resolve) => setTimeout(resolve, 100));
      states = (await graphqlData(running.http, `{ rooms { displayState { ${STATE} } } }`)).rooms.map((room: any) => room.displayState);
    } while (states.some((state) => state.transition !== null) && Date.now() < deadline);
    expect(states.map((state) => [state.frame, state.transition])).toEqual([
      ['[cc:2:255,0,0:0]', null],
      ['[cc:2:255,0,0:0]', null],
    ]);
  });
});

describe('the wake-up light and the sleep timer', () => {
  it('a wake-up light reaches a raw lamp as ever brighter packets from the dimmest red to warm white, then off', async () => {
    const running = await system();
    const { lamp, packet } = await lampOf(running);
    expect(packet).toBe('[cc:0:?:?]');
    const started = running.system.api.services.fades.wakeUp('home', { durationMs: 3000, offAfterMs: 500 });
    expect(started.transition).toMatchObject({ kind: 'WAKE_UP', target: { mode: 'MANUAL', color: { r: 255, g: 190, b: 120 } } });
    const packets = await packetsUntil(lamp, '[cc:2:255,190,120:0]', 6000);
    expect(packets[0]).toBe('[cc:2:1,0,0:0]');
    expectNoRepeat(packets, packet);
    const channels = packets.map((p) => p.slice('[cc:2:'.length, p.lastIndexOf(':')).split(',').map(Number));
    for (let i = 1; i < channels.length; i++) {
      expect(
        channels[i]!.every((value, c) => value >= channels[i - 1]![c]!),
        packets.slice(i - 1, i + 1).join(' -> '),
      ).toBe(true);
    }
    expect(await lamp.next(3000)).toBe('[cc:0:?:?]');
    expect(running.system.api.services.fades.running('home')).toBeUndefined();
  });

  it('a sleep timer fades what the room shows to off; its state says when', async () => {
    const running = await system();
    const { lamp } = await lampOf(running);
    await setColor(running.http, '#ffffff');
    await lamp.waitFor('[cc:2:255,255,255:0]');
    const { startSleepTimer } = await graphqlData(running.http, `mutation { startSleepTimer(durationMinutes: 1) { ${STATE} } }`);
    expect(startSleepTimer).toMatchObject({
      mode: 'MANUAL',
      color: { hex: '#ffffff' },
      transition: { kind: 'SLEEP', target: { mode: 'OFF', color: { hex: '#ffffff' }, frame: '[cc:0:?:?]' } },
    });
    expect(Date.parse(startSleepTimer.transition.endsAt) - Date.parse(startSleepTimer.transition.startedAt)).toBe(60_000);
    const [r, g, b] = (await lamp.next(3000)).slice('[cc:2:'.length, -3).split(',').map(Number);
    expect(r).toBeLessThan(255);
    expect([g, b]).toEqual([r, r]);

    // A shorter one, through the service a schedule uses, to its end.
    running.system.api.services.fades.sleepTimer('home', 1500);
    const packets = await packetsUntil(lamp, '[cc:0:?:?]', 5000);
    expect(packets.length).toBeLessThanOrEqual(7);
    expect(await displayState(running.http)).toMatchObject({ mode: 'OFF', transition: null });
  });
});

describe('after a restart', () => {
  it('a fade resumes toward its target on the same path, with the time that was left', async () => {
    const data = temporaryDataDir();
    cleanup.push(data.remove);
    const first = await startSystem({ databaseFile: data.databaseFile });
    const { lamp } = await first.lamp();
    const started = await setColor(first.http, '#ff8800', 8);
    expect(started.mode).toBe('OFF');
    const firstStep = await lamp.next(5000);
    expect(firstStep).toMatch(/^\[cc:2:/);
    lamp.close();
    await first.stop({ keepData: true });

    const second = await system({ databaseFile: data.databaseFile });
    const resumed = await displayState(second.http);
    expect(resumed.transition).toEqual(started.transition);
    const { lamp: again, packet } = await lampOf(second);
    expect(packet).toMatch(/^\[cc:2:/);
    const packets = await packetsUntil(again, '[cc:2:255,136,0:0]', 12_000);
    expectNoRepeat(packets, packet);
    // Every packet, before and after the restart, is one of the plan computed from the fade's start.
    const plan = planSteps(
      fadePath({ mode: 'OFF', color: { r: 255, g: 255, b: 255 }, pulse: 0 }, { mode: 'MANUAL', color: { r: 255, g: 136, b: 0 }, pulse: 0 }),
      8000,
    ).map((step) => displayFrame({ ...step.display, weather: DEFAULT_WEATHER }));
    for (const sent of [firstStep, packet, ...packets]) expect(plan).toContain(sent);
    expect(plan.indexOf(packets[0]!)).toBeGreaterThan(plan.indexOf(firstStep));
    expect(await displayState(second.http)).toMatchObject({ color: { hex: '#ff8800' }, transition: null });
    expect(second.system.api.services.fades.running('home')).toBeUndefined();
  });

  it('a wake-up light whose end passed while down shows its end, or off once its off-after passed', async () => {
    const data = temporaryDataDir();
    cleanup.push(data.remove);
    const clock = new ManualClock(new Date('2026-03-02T05:30:00Z'));
    const first = await startSystem({ databaseFile: data.databaseFile, clock });
    const { startWakeUpLight } = await graphqlData(
      first.http,
      `mutation { startWakeUpLight(durationMinutes: 30, offAfterMinutes: 60) { ${STATE} } }`,
    );
    expect(startWakeUpLight).toMatchObject({
      mode: 'OFF',
      transition: { kind: 'WAKE_UP', target: { mode: 'MANUAL', color: { hex: '#ffbe78' } }, endsAt: '2026-03-02T06:00:00.000Z' },
    });
    await first.stop({ keepData: true });

    clock.set(new Date('2026-03-02T06:10:00Z'));
    const second = await startSystem({ databaseFile: data.databaseFile, clock });
    expect(await displayState(second.http)).toMatchObject({ mode: 'MANUAL', color: { hex: '#ffbe78' }, transition: null });
    expect(second.system.api.services.fades.running('home')?.offAt).toEqual(new Date('2026-03-02T07:00:00Z'));
    await second.stop({ keepData: true });

    clock.set(new Date('2026-03-02T07:30:00Z'));
    const third = await system({ databaseFile: data.databaseFile, clock });
    expect(await displayState(third.http)).toMatchObject({ mode: 'OFF', color: { hex: '#ffbe78' }, transition: null });
    expect(third.system.api.services.fades.running('home')).toBeUndefined();
  });
});
