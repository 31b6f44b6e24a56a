import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../src/clock.js';
import { InvalidInput } from '../src/invalid-input.js';
import type { ScheduleInput } from '../src/schedules/schedule.js';
import { WEEKDAYS } from '../src/schedules/schedule-timing.js';
import { buildServices, type ApiServices } from '../src/services.js';
import { openDatabase, type SqliteDatabase } from '../src/store/database.js';

let directory: string;
let database: SqliteDatabase;
let services: ApiServices;
let now: Date;
const clock: Clock = { now: () => new Date(now) };

/** Starts (or restarts) the services on the same database file, as a restart would. */
function boot(): ApiServices {
  database?.close();
  database = openDatabase(join(directory, 'cloud-cloud.db'));
  ({ services } = buildServices({
    database,
    firmwareDirectory: join(directory, 'firmware'),
    adapterToken: 'adapter-token',
    deviceSecret: 'the shared device secret',
    logger: pino({ level: 'silent' }),
    clock,
  }));
  services.schedules.setTimeZone('Europe/Zurich');
  return services;
}

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'cloud-cloud-schedules-'));
  now = new Date('2026-12-01T12:00:00Z'); // a Tuesday, 13:00 in Zurich
  boot();
});

afterEach(() => {
  database.close();
  database = undefined!;
  rmSync(directory, { recursive: true, force: true });
});

function daily(time: string, what: ScheduleInput['what'], name: string | null = null): ScheduleInput {
  return { name, enabled: true, when: { kind: 'timeOfDay', time, weekdays: [...WEEKDAYS], from: null, until: null }, what };
}

const offAt = (time: string, roomIds: string[]) => daily(time, { kind: 'turnOff', roomIds, transitionSeconds: 0 });
const redAt = (time: string, roomIds: string[]) =>
  daily(time, { kind: 'setRooms', roomIds, mode: 'MANUAL', color: { r: 255, g: 0, b: 0 }, pulse: null, transitionSeconds: 0 });

describe('schedules', () => {
  it('are stored, described in words, and know their next run in the home zone', () => {
    const bedroom = services.rooms.create('Bedroom');
    const schedule = services.schedules.create(offAt('23:00', [bedroom.id]));
    expect(services.schedules.describe(schedule)).toBe('Every day at 23:00 · Bedroom · off');
    expect(services.schedules.nextRunAt(schedule)?.toISOString()).toBe('2026-12-01T22:00:00.000Z');
    boot();
    const again = services.schedules.require(schedule.id);
    expect(again.when).toEqual(schedule.when);
    expect(services.schedules.timeZone()).toBe('Europe/Zurich');
    expect(services.schedules.setEnabled(schedule.id, false).enabled).toBe(false);
    expect(services.schedules.nextRunAt(services.schedules.require(schedule.id))).toBeNull();
  });

  it('refuse what cannot run, naming the field', () => {
    expect(() => services.schedules.create(offAt('23:00', ['nowhere']))).toThrow(
      expect.objectContaining({ argument: 'what.turnOff.roomIds' }) as InvalidInput,
    );
    expect(() => services.schedules.create(offAt('25:00', ['home']))).toThrow(
      expect.objectContaining({ argument: 'when.timeOfDay.time' }) as InvalidInput,
    );
    expect(() => services.schedules.setTimeZone('Mars/Olympus')).toThrow(expect.objectContaining({ argument: 'timeZone' }) as InvalidInput);
    const sun: ScheduleInput = {
      name: null,
      enabled: true,
      when: { kind: 'sun', event: 'SUNSET', offsetMinutes: 0, latitude: null, longitude: null, weekdays: [...WEEKDAYS] },
      what: { kind: 'turnOff', roomIds: ['home'], transitionSeconds: 0 },
    };
    expect(() => services.schedules.create(sun)).toThrow(/no place for sunrise and sunset/);
    expect(services.schedules.list()).toHaveLength(0);
  });

  it('run when their time has come, once, and record the outcome', async () => {
    const schedule = services.schedules.create(redAt('13:30', ['home']));
    await services.schedules.runDue();
    expect(services.schedules.lastRun(schedule.id)).toBeNull();
    now = new Date('2026-12-01T12:30:05Z');
    await services.schedules.runDue();
    await services.schedules.runDue();
    expect(services.roomDisplays.find('home')).toMatchObject({ mode: 'MANUAL', color: { r: 255, g: 0, b: 0 } });
    const runs = services.schedules.runs(schedule.id, 10, null);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ outcome: 'SUCCEEDED', scheduledFor: new Date('2026-12-01T12:30:00Z'), catchUp: false });
    expect(services.schedules.nextRunAt(services.schedules.require(schedule.id))?.toISOString()).toBe('2026-12-02T12:30:00.000Z');
  });

  it('run when the timer fires on the very millisecond they are due', async () => {
    const schedule = services.schedules.create(redAt('13:30', ['home']));
    now = new Date('2026-12-01T12:30:00.000Z');
    await services.schedules.runDue();
    expect(services.schedules.runs(schedule.id, 10, null)).toMatchObject([{ outcome: 'SUCCEEDED', scheduledFor: now }]);
    expect(services.schedules.nextRunAt(services.schedules.require(schedule.id))?.toISOString()).toBe('2026-12-02T12:30:00.000Z');
  });

  it('record a failure with its reason, and go on', async () => {
    const attic = services.rooms.create('Attic');
    const schedule = services.schedules.create(offAt('13:30', [attic.id]));
    services.rooms.delete(attic.id);
    now = new Date('2026-12-01T12:31:00Z');
    await services.schedules.runDue();
    expect(services.schedules.lastRun(schedule.id)).toMatchObject({ outcome: 'FAILED', message: `room ${attic.id} no longer exists` });
    expect(services.schedules.describe(schedule)).toBe('Every day at 13:30 · a deleted room · off');
  });

  it('run now on demand without moving the timing', async () => {
    const schedule = services.schedules.create(offAt('23:00', ['home']));
    services.roomDisplays.change('home', { mode: 'MANUAL' });
    const run = await services.schedules.runNow(schedule.id);
    expect(run).toMatchObject({ outcome: 'SUCCEEDED', message: 'turned off Home' });
    expect(services.roomDisplays.find('home')?.mode).toBe('OFF');
    expect(services.schedules.nextRunAt(schedule)?.toISOString()).toBe('2026-12-01T22:00:00.000Z');
  });
});

describe('after a restart', () => {
  it('each room gets what the latest missed run would have set; replaced runs are recorded as skipped', async () => {
    const bedroom = services.rooms.create('Bedroom');
    const on = services.schedules.create(redAt('19:00', ['home', bedroom.id]));
    const off = services.schedules.create(offAt('23:00', [bedroom.id]));
    services.roomDisplays.change('home', { mode: 'WEATHER' });
    services.roomDisplays.change(bedroom.id, { mode: 'WEATHER' });
    // Down from 13:00 to 23:40 the same day: both runs missed.
    now = new Date('2026-12-01T22:40:00Z');
    boot();
    await services.schedules.catchUp();
    expect(services.roomDisplays.find('home')).toMatchObject({ mode: 'MANUAL', color: { r: 255, g: 0, b: 0 } });
    expect(services.roomDisplays.find(bedroom.id)?.mode).toBe('OFF');
    expect(services.schedules.lastRun(off.id)).toMatchObject({ outcome: 'SUCCEEDED', catchUp: true });
    expect(services.schedules.lastRun(on.id)).toMatchObject({ outcome: 'SUCCEEDED', catchUp: true });
    expect(services.schedules.lastRun(off.id)?.message).toMatch(/^catch-up after a restart/);
    // Caught up once: nothing more to do until the next occurrence.
    await services.schedules.catchUp();
    await services.schedules.runDue();
    expect(services.schedules.runs(off.id, 10, null)).toHaveLength(1);
  });

  it('applies only the latest of several missed days, and skips what a later run replaced', async () => {
    const on = services.schedules.create(redAt('07:00', ['home']));
    const off = services.schedules.create(offAt('23:00', ['home']));
    now = new Date('2026-12-04T09:00:00Z'); // three days later, 10:00: the latest is 07:00 today
    boot();
    await services.schedules.catchUp();
    expect(services.roomDisplays.find('home')?.mode).toBe('MANUAL');
    expect(services.schedules.runs(on.id, 10, null)).toMatchObject([
      { outcome: 'SUCCEEDED', scheduledFor: new Date('2026-12-04T06:00:00Z') },
    ]);
    expect(services.schedules.runs(off.id, 10, null)).toMatchObject([
      {
        outcome: 'SKIPPED',
        scheduledFor: new Date('2026-12-03T22:00:00Z'),
        message: expect.stringContaining('a later run set its rooms') as string,
      },
    ]);
  });

  it('does not catch up a schedule that was disabled, nor one created after the outage', async () => {
    const disabled = services.schedules.create({ ...offAt('14:00', ['home']), enabled: false });
    services.roomDisplays.change('home', { mode: 'MANUAL' });
    // Stored at the end of the turn, which a stop waits for.
    await services.durability.synced();
    now = new Date('2026-12-01T14:00:00Z');
    boot();
    const created = services.schedules.create(offAt('14:30', ['home']));
    await services.schedules.catchUp();
    expect(services.roomDisplays.find('home')?.mode).toBe('MANUAL');
    expect(services.schedules.lastRun(disabled.id)).toBeNull();
    expect(services.schedules.lastRun(created.id)).toBeNull();
  });
});

describe('wake-up lights, sleep timers and scenes', () => {
  const wakeAt = (time: string, roomId: string, durationMinutes = 30): ScheduleInput =>
    daily(time, { kind: 'wakeUp', roomId, durationMinutes, offAfterMinutes: null });

  it('start a wake-up light its duration before the alarm, full at the alarm', async () => {
    const bedroom = services.rooms.create('Bedroom');
    const schedule = services.schedules.create(wakeAt('06:30', bedroom.id));
    expect(services.schedules.describe(schedule)).toBe('Every day at 06:30 · Bedroom · wake-up light, 30 min');
    expect(services.schedules.nextRunAt(schedule)?.toISOString()).toBe('2026-12-02T05:00:00.000Z'); // 06:00 in Zurich
    now = new Date('2026-12-02T05:00:01Z');
    await services.schedules.runDue();
    const state = services.roomDisplays.find(bedroom.id)!;
    expect(state.transition).toMatchObject({ kind: 'WAKE_UP', endsAt: new Date('2026-12-02T05:30:01Z') });
    expect(services.schedules.lastRun(schedule.id)).toMatchObject({ outcome: 'SUCCEEDED', scheduledFor: new Date('2026-12-02T05:00:00Z') });
    expect(() => services.schedules.create(wakeAt('06:30', bedroom.id, 4))).toThrow(
      expect.objectContaining({ argument: 'what.wakeUp.durationMinutes' }) as InvalidInput,
    );
  });

  it('after a restart, a missed wake-up older than its duration is not replayed; a younger one finishes on time', async () => {
    const bedroom = services.rooms.create('Bedroom');
    const kids = services.rooms.create('Kids');
    const late = services.schedules.create(wakeAt('06:30', bedroom.id));
    const running = services.schedules.create(wakeAt('07:00', kids.id));
    services.roomDisplays.change(bedroom.id, { mode: 'OFF' });
    now = new Date('2026-12-02T05:45:00Z'); // 06:45: the bedroom's alarm has passed, the kids' light rises since 06:30
    boot();
    await services.schedules.catchUp();
    expect(services.roomDisplays.find(bedroom.id)).toMatchObject({ mode: 'OFF', transition: null });
    expect(services.schedules.lastRun(late.id)).toMatchObject({
      outcome: 'SKIPPED',
      catchUp: true,
      message: expect.stringContaining('not replayed') as string,
    });
    expect(services.roomDisplays.find(kids.id)?.transition).toMatchObject({ kind: 'WAKE_UP', endsAt: new Date('2026-12-02T06:00:00Z') });
    expect(services.schedules.lastRun(running.id)).toMatchObject({ outcome: 'SUCCEEDED', catchUp: true });
  });

  it('after a restart, a sleep timer that would have ended leaves its room off', async () => {
    const schedule = services.schedules.create(daily('22:00', { kind: 'sleepTimer', roomId: 'home', durationMinutes: 20 }));
    services.roomDisplays.change('home', { mode: 'MANUAL' });
    now = new Date('2026-12-01T22:30:00Z');
    boot();
    await services.schedules.catchUp();
    expect(services.roomDisplays.find('home')?.mode).toBe('OFF');
    expect(services.schedules.lastRun(schedule.id)).toMatchObject({ outcome: 'SUCCEEDED', catchUp: true });
  });

  it('apply a scene, and say so when the scene is gone', async () => {
    services.roomDisplays.change('home', { mode: 'MANUAL', color: { r: 0, g: 0, b: 255 } });
    const scene = services.scenes.save('Blue', ['home']);
    services.roomDisplays.change('home', { mode: 'OFF' });
    const schedule = services.schedules.create(daily('20:00', { kind: 'applyScene', sceneId: scene.id, transitionSeconds: 0 }));
    expect(services.schedules.describe(schedule)).toBe('Every day at 20:00 · scene Blue');
    expect(await services.schedules.runNow(schedule.id)).toMatchObject({ outcome: 'SUCCEEDED', message: 'applied scene Blue' });
    expect(services.roomDisplays.find('home')).toMatchObject({ mode: 'MANUAL', color: { r: 0, g: 0, b: 255 } });
    services.scenes.delete(scene.id);
    expect(await services.schedules.runNow(schedule.id)).toMatchObject({
      outcome: 'FAILED',
      message: `scene ${scene.id} no longer exists`,
    });
  });
});
