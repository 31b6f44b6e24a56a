import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, graphqlData, subscribe, wsClient } from './support/graphql.js';
import { startSystem, type RunningSystem } from './support/system.js';

let running: RunningSystem;
beforeAll(async () => {
  running = await startSystem();
});
afterAll(() => running.stop());

const SCHEDULE =
  'id name enabled description nextRunAt lastRun { outcome message catchUp } when { timeOfDay { time weekdays } cron { expression } } what { setRooms { roomIds mode color { hex } } turnOff { roomIds } }';
const CREATE = `mutation($input: ScheduleInput!) { createSchedule(input: $input) { ${SCHEDULE} } }`;

const redHome = { setRooms: { roomIds: ['home'], color: { hex: '#ff0000' } } };

describe('schedules over GraphQL', () => {
  it('are created, listed in words with their next run, switched off and deleted', async () => {
    await graphqlData(running.http, 'mutation { setTimeZone(timeZone: "Europe/Zurich") { timeZone } }');
    const input = {
      when: { timeOfDay: { time: '06:30', weekdays: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] } },
      what: redHome,
    };
    const created = (await graphqlData(running.http, CREATE, { input })).createSchedule;
    expect(created).toMatchObject({ enabled: true, description: 'Weekdays at 06:30 · Home · set manual #ff0000', lastRun: null });
    expect(new Date(created.nextRunAt).getTime()).toBeGreaterThan(Date.now());
    const listed = await graphqlData(running.http, `{ schedules { ${SCHEDULE} } homeSettings { timeZone } }`);
    expect(listed.schedules.map((s: { id: string }) => s.id)).toContain(created.id);
    expect(listed.homeSettings.timeZone).toBe('Europe/Zurich');
    const off = (
      await graphqlData(running.http, `mutation($id: ID!) { setScheduleEnabled(scheduleId: $id, enabled: false) { enabled nextRunAt } }`, {
        id: created.id,
      })
    ).setScheduleEnabled;
    expect(off).toEqual({ enabled: false, nextRunAt: null });
    expect(
      (await graphqlData(running.http, 'mutation($id: ID!) { deleteSchedule(scheduleId: $id) }', { id: created.id })).deleteSchedule,
    ).toBe(created.id);
    expect((await graphqlData(running.http, '{ schedule(scheduleId: "nope") { id } }')).schedule).toBeNull();
  });

  it('refuse bad input with BAD_USER_INPUT naming the field', async () => {
    const bad = async (input: unknown) => (await graphql(running.http, CREATE, { input })).errors?.[0];
    const time = await bad({ when: { timeOfDay: { time: '6:30', weekdays: ['MONDAY'] } }, what: redHome });
    expect(time).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'when.timeOfDay.time' } });
    const cron = await bad({ when: { cron: { expression: 'every day' } }, what: redHome });
    expect(cron).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'when.cron.expression' } });
    const room = await bad({ when: { cron: { expression: '0 7 * * *' } }, what: { turnOff: { roomIds: ['nowhere'] } } });
    expect(room).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'what.turnOff.roomIds' } });
    const two = await bad({
      when: { cron: { expression: '0 7 * * *' }, timeOfDay: { time: '07:00', weekdays: ['MONDAY'] } },
      what: redHome,
    });
    expect(two?.message).toMatch(/exactly one/i);
    const zone = (await graphql(running.http, 'mutation { setTimeZone(timeZone: "Europe/Atlantis") { timeZone } }')).errors?.[0];
    expect(zone).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'timeZone' } });
  });

  it('change a raw lamp’s packet when run now, and when their timer fires', async () => {
    const { lamp, packet } = await running.lamp();
    expect(packet).toBeDefined();
    await graphqlData(running.http, 'mutation { setColor(color: { hex: "#0000ff" }) { mode } }');
    expect(await lamp.next()).toBe('[cc:2:0,0,255:0]');

    const now = (await graphqlData(running.http, CREATE, { input: { when: { cron: { expression: '0 0 1 1 *' } }, what: redHome } }))
      .createSchedule;
    const run = (
      await graphqlData(running.http, 'mutation($id: ID!) { runScheduleNow(scheduleId: $id) { outcome message catchUp } }', { id: now.id })
    ).runScheduleNow;
    expect(run).toEqual({ outcome: 'SUCCEEDED', message: 'set Home', catchUp: false });
    expect(await lamp.next()).toBe('[cc:2:255,0,0:0]');

    // A real timer: a cron expression with seconds, two seconds ahead in UTC.
    await graphqlData(running.http, 'mutation { setTimeZone(timeZone: "UTC") { timeZone } }');
    const runs = subscribe(wsClient(running.http), 'subscription { scheduleRuns { scheduleId outcome message } }');
    const at = new Date(Date.now() + 2000);
    const expression = `${at.getUTCSeconds()} ${at.getUTCMinutes()} ${at.getUTCHours()} ${at.getUTCDate()} ${at.getUTCMonth() + 1} *`;
    const timed = (
      await graphqlData(running.http, CREATE, { input: { when: { cron: { expression } }, what: { turnOff: { roomIds: ['home'] } } } })
    ).createSchedule;
    expect(new Date(timed.nextRunAt).getTime()).toBe(Math.floor(at.getTime() / 1000) * 1000);
    expect(await lamp.next()).toBe('[cc:0:?:?]');
    expect(await runs.next()).toEqual({ scheduleRuns: { scheduleId: timed.id, outcome: 'SUCCEEDED', message: 'turned off Home' } });
    runs.stop();
    const after = (
      await graphqlData(
        running.http,
        `query($id: ID!) { schedule(scheduleId: $id) { lastRun { outcome } runs(first: 5) { nodes { outcome } pageInfo { hasNextPage } } } }`,
        { id: timed.id },
      )
    ).schedule;
    expect(after.lastRun.outcome).toBe('SUCCEEDED');
    expect(after.runs.nodes).toHaveLength(1);
  });
  it('start a wake-up light on a raw lamp: its first packet leans red, and the display says it is a wake-up', async () => {
    const { lamp } = await running.lamp();
    await graphqlData(running.http, 'mutation { setMode(mode: OFF) { mode } }');
    const input = { when: { cron: { expression: '0 0 1 1 *' } }, what: { wakeUp: { roomId: 'home', durationMinutes: 30 } } };
    const schedule = (await graphqlData(running.http, CREATE, { input })).createSchedule;
    expect(schedule.description).toBe('Cron 0 0 1 1 * · Home · wake-up light, 30 min');
    const run = (await graphqlData(running.http, 'mutation($id: ID!) { runScheduleNow(scheduleId: $id) { outcome } }', { id: schedule.id }))
      .runScheduleNow;
    expect(run.outcome).toBe('SUCCEEDED');
    const frame = await lamp.waitFor((packet) => packet.startsWith('[cc:2:'));
    const [r, g, b] = frame.slice('[cc:2:'.length).split(':')[0]!.split(',').map(Number) as [number, number, number];
    expect(r).toBeGreaterThanOrEqual(g);
    expect(r).toBeGreaterThanOrEqual(b);
    const state = (await graphqlData(running.http, '{ displayState { transition { kind } } }')).displayState;
    expect(state.transition).toEqual({ kind: 'WAKE_UP' });
    await graphqlData(running.http, 'mutation { setMode(mode: OFF) { mode } }');
  });
});
