import { PULSE_MAX } from '@cloud-cloud/protocol/packet';
import type { ScheduleAction, ScheduleInput } from '../schedules/schedule.js';
import { MAX_TRANSITION_SECONDS, SCHEDULE_NAME_MAX, SLEEP_MINUTES, WAKE_UP_MINUTES } from '../schedules/schedule.js';
import { WEEKDAYS, type ScheduleWhen, type Weekday } from '../schedules/schedule-timing.js';
import { builder } from './builder.js';
import { DeviceCommandEnum } from './commands.js';
import { ColorInput, DisplayModeEnum, parseColorInput } from './display-state.js';
import { invalidArgument } from './errors.js';

export const WeekdayEnum = builder.enumType('Weekday', {
  description: 'A day of the week.',
  values: Object.fromEntries(WEEKDAYS.map((day) => [day, { description: day.charAt(0) + day.slice(1).toLowerCase() + '.' }])) as Record<
    Weekday,
    { description: string }
  >,
});

export const SunEventEnum = builder.enumType('SunEvent', {
  description: 'Sunrise or sunset.',
  values: { SUNRISE: { description: 'The sun rising.' }, SUNSET: { description: 'The sun setting.' } } as const,
});

builder.scalarType('Date', {
  description: 'A calendar date, `YYYY-MM-DD`, in the home’s time zone.',
  serialize: (value) => String(value),
  parseValue: (value) => {
    if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new TypeError('a Date is written YYYY-MM-DD');
    return value;
  },
});

const TimeOfDayInput = builder.inputType('TimeOfDayInput', {
  description: 'A time of day on chosen weekdays, optionally only within a date range (both days included).',
  fields: (t) => ({
    time: t.string({ required: true, description: '"HH:MM", 24-hour, in the home’s time zone.' }),
    weekdays: t.field({ type: [WeekdayEnum], required: true, description: 'The days it runs on (at least one).' }),
    from: t.field({ type: 'Date', required: false, description: 'The first day it may run.' }),
    until: t.field({ type: 'Date', required: false, description: 'The last day it may run.' }),
  }),
});

const SunTimeInput = builder.inputType('SunTimeInput', {
  description: 'Sunrise or sunset with an offset, on chosen weekdays.',
  fields: (t) => ({
    event: t.field({ type: SunEventEnum, required: true, description: 'Sunrise or sunset.' }),
    offsetMinutes: t.int({ required: false, defaultValue: 0, description: 'Minutes after the event (negative: before), -720 to 720.' }),
    latitude: t.float({ required: false, description: 'The place, with longitude; omitted: the weather settings’ place.' }),
    longitude: t.float({ required: false, description: 'The place, with latitude.' }),
    weekdays: t.field({ type: [WeekdayEnum], required: true, description: 'The days it runs on (at least one).' }),
  }),
});

const CronTimeInput = builder.inputType('CronTimeInput', {
  description: 'A cron expression, read in the home’s time zone.',
  fields: (t) => ({
    expression: t.string({ required: true, description: 'Five fields (minute hour day month weekday), or six with seconds first.' }),
  }),
});

export const ScheduleWhenInput = builder.inputType('ScheduleWhenInput', {
  description: 'When a schedule runs: exactly one of a time of day, a sun event, or a cron expression.',
  isOneOf: true,
  fields: (t) => ({
    timeOfDay: t.field({ type: TimeOfDayInput, required: false, description: 'A time of day on weekdays.' }),
    sun: t.field({ type: SunTimeInput, required: false, description: 'Sunrise or sunset.' }),
    cron: t.field({ type: CronTimeInput, required: false, description: 'A cron expression.' }),
  }),
});

const transitionField = `Seconds to fade over, 0 (at once) to ${MAX_TRANSITION_SECONDS}.`;

const ApplySceneInput = builder.inputType('ApplySceneActionInput', {
  description: 'Apply a scene.',
  fields: (t) => ({
    sceneId: t.id({ required: true, description: 'The scene.' }),
    transitionSeconds: t.float({ required: false, defaultValue: 0, description: transitionField }),
  }),
});

const SetRoomsInput = builder.inputType('SetRoomsActionInput', {
  description: 'Set rooms’ mode, colour and pulse (at least one). A colour or pulse without a mode means MANUAL.',
  fields: (t) => ({
    roomIds: t.idList({ required: true, description: 'The rooms (at least one).' }),
    mode: t.field({ type: DisplayModeEnum, required: false, description: 'The mode.' }),
    color: t.field({ type: ColorInput, required: false, description: 'The colour.' }),
    pulse: t.int({ required: false, description: `The pulse, 0 (steady) to ${PULSE_MAX}.` }),
    transitionSeconds: t.float({ required: false, defaultValue: 0, description: transitionField }),
  }),
});

const TurnOffInput = builder.inputType('TurnOffActionInput', {
  description: 'Turn rooms off.',
  fields: (t) => ({
    roomIds: t.idList({ required: true, description: 'The rooms (at least one).' }),
    transitionSeconds: t.float({ required: false, defaultValue: 0, description: transitionField }),
  }),
});

const WakeUpInput = builder.inputType('WakeUpActionInput', {
  description: 'A wake-up light. The schedule’s time is the alarm: the light starts `durationMinutes` earlier and is full at the alarm.',
  fields: (t) => ({
    roomId: t.id({ required: true, description: 'The room.' }),
    durationMinutes: t.int({
      required: false,
      defaultValue: WAKE_UP_MINUTES.default,
      description: `How long the light rises, ${WAKE_UP_MINUTES.min} to ${WAKE_UP_MINUTES.max} minutes.`,
    }),
    offAfterMinutes: t.int({ required: false, description: 'Turn off this many minutes after full light; omitted: stays on.' }),
  }),
});

const SleepTimerInput = builder.inputType('SleepTimerActionInput', {
  description: 'A sleep timer: the room fades from what it shows to off.',
  fields: (t) => ({
    roomId: t.id({ required: true, description: 'The room.' }),
    durationMinutes: t.int({
      required: true,
      description: `How long the fade takes, ${SLEEP_MINUTES.min} to ${SLEEP_MINUTES.max} minutes.`,
    }),
  }),
});

const SendCommandInput = builder.inputType('SendCommandActionInput', {
  description: 'Send a one-shot command to the lamps connected at that time.',
  fields: (t) => ({
    command: t.field({ type: DeviceCommandEnum, required: true, description: 'The command.' }),
    roomId: t.id({ required: false, description: 'Only this room’s lamps (not with lampIds).' }),
    lampIds: t.idList({ required: false, description: 'Only these lamps (not with roomId); neither: every lamp.' }),
  }),
});

export const ScheduleActionInput = builder.inputType('ScheduleActionInput', {
  description: 'What a schedule does: exactly one action.',
  isOneOf: true,
  fields: (t) => ({
    applyScene: t.field({ type: ApplySceneInput, required: false, description: 'Apply a scene.' }),
    setRooms: t.field({ type: SetRoomsInput, required: false, description: 'Set rooms’ mode, colour, pulse.' }),
    turnOff: t.field({ type: TurnOffInput, required: false, description: 'Turn rooms off.' }),
    wakeUp: t.field({ type: WakeUpInput, required: false, description: 'Start a wake-up light.' }),
    sleepTimer: t.field({ type: SleepTimerInput, required: false, description: 'Start a sleep timer.' }),
    sendCommand: t.field({ type: SendCommandInput, required: false, description: 'Send a command.' }),
  }),
});

export const ScheduleInputRef = builder.inputType('ScheduleInput', {
  description: 'A whole schedule: when and what, a name and whether it is on.',
  fields: (t) => ({
    name: t.string({ required: false, description: `1-${SCHEDULE_NAME_MAX} characters; omitted: the schedule goes by its description.` }),
    enabled: t.boolean({ required: false, defaultValue: true, description: 'Whether it runs.' }),
    when: t.field({ type: ScheduleWhenInput, required: true, description: 'When it runs.' }),
    what: t.field({ type: ScheduleActionInput, required: true, description: 'What it does.' }),
  }),
});

type Args = typeof ScheduleInputRef.$inferInput;

/** The input as the domain takes it; the domain checks ranges, rooms and scenes, naming fields. */
export function scheduleInputOf(input: Args): ScheduleInput {
  return { name: input.name ?? null, enabled: input.enabled ?? true, when: whenOf(input.when), what: actionOf(input.what) };
}

function whenOf(when: Args['when']): ScheduleWhen {
  if (when.timeOfDay) {
    const { time, weekdays, from, until } = when.timeOfDay;
    return { kind: 'timeOfDay', time, weekdays, from: from ?? null, until: until ?? null };
  }
  if (when.sun) {
    const { event, offsetMinutes, latitude, longitude, weekdays } = when.sun;
    return { kind: 'sun', event, offsetMinutes: offsetMinutes ?? 0, latitude: latitude ?? null, longitude: longitude ?? null, weekdays };
  }
  if (when.cron) return { kind: 'cron', expression: when.cron.expression.trim() };
  throw invalidArgument('input.when', 'give one of timeOfDay, sun and cron');
}

function actionOf(what: Args['what']): ScheduleAction {
  if (what.applyScene)
    return { kind: 'applyScene', sceneId: what.applyScene.sceneId, transitionSeconds: what.applyScene.transitionSeconds ?? 0 };
  if (what.setRooms) {
    const { roomIds, mode, color, pulse, transitionSeconds } = what.setRooms;
    return {
      kind: 'setRooms',
      roomIds,
      // A colour or a pulse without a mode shows it: MANUAL, as setColor does.
      mode: mode ?? (color != null || pulse != null ? 'MANUAL' : null),
      color: color != null ? parseColorInput(color) : null,
      pulse: pulse ?? null,
      transitionSeconds: transitionSeconds ?? 0,
    };
  }
  if (what.turnOff) return { kind: 'turnOff', roomIds: what.turnOff.roomIds, transitionSeconds: what.turnOff.transitionSeconds ?? 0 };
  if (what.wakeUp) {
    const { roomId, durationMinutes, offAfterMinutes } = what.wakeUp;
    return {
      kind: 'wakeUp',
      roomId,
      durationMinutes: durationMinutes ?? WAKE_UP_MINUTES.default,
      offAfterMinutes: offAfterMinutes ?? null,
    };
  }
  if (what.sleepTimer) return { kind: 'sleepTimer', roomId: what.sleepTimer.roomId, durationMinutes: what.sleepTimer.durationMinutes };
  if (what.sendCommand) {
    const { command, roomId, lampIds } = what.sendCommand;
    return { kind: 'sendCommand', command, roomId: roomId ?? null, lampIds: lampIds ?? null };
  }
  throw invalidArgument('input.what', 'give one action');
}
