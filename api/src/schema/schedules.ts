import type { Rgb } from '@cloud-cloud/protocol/packet';
import type { Schedule, ScheduleAction, ScheduleRun } from '../schedules/schedule.js';
import type { ScheduleWhen } from '../schedules/schedule-timing.js';
import { checkArguments } from './arguments.js';
import { builder } from './builder.js';
import { DeviceCommandEnum } from './commands.js';
import { ColorRef, DisplayModeEnum } from './display-state.js';
import { invalidArgument } from './errors.js';
import { cursorKey, cursorOf, definePage, pageSize, type Page } from './pages.js';
import { ScheduleInputRef, scheduleInputOf, SunEventEnum, WeekdayEnum } from './schedule-inputs.js';

type Of<U, K> = Extract<U, { kind: K }>;

const TimeOfDayRef = builder.objectRef<Of<ScheduleWhen, 'timeOfDay'>>('TimeOfDay').implement({
  description: 'A time of day on chosen weekdays, optionally within a date range.',
  fields: (t) => ({
    time: t.exposeString('time', { description: '"HH:MM" in the home’s time zone.' }),
    weekdays: t.field({ type: [WeekdayEnum], description: 'The days it runs on.', resolve: (w) => w.weekdays }),
    from: t.field({ type: 'Date', nullable: true, description: 'The first day it may run.', resolve: (w) => w.from }),
    until: t.field({ type: 'Date', nullable: true, description: 'The last day it may run.', resolve: (w) => w.until }),
  }),
});

const SunTimeRef = builder.objectRef<Of<ScheduleWhen, 'sun'>>('SunTime').implement({
  description: 'Sunrise or sunset with an offset.',
  fields: (t) => ({
    event: t.field({ type: SunEventEnum, description: 'Sunrise or sunset.', resolve: (w) => w.event }),
    offsetMinutes: t.exposeInt('offsetMinutes', { description: 'Minutes after the event (negative: before).' }),
    latitude: t.exposeFloat('latitude', { nullable: true, description: 'Its own place; null: the weather settings’ place.' }),
    longitude: t.exposeFloat('longitude', { nullable: true, description: 'Its own place; null: the weather settings’ place.' }),
    weekdays: t.field({ type: [WeekdayEnum], description: 'The days it runs on.', resolve: (w) => w.weekdays }),
  }),
});

const CronTimeRef = builder.objectRef<Of<ScheduleWhen, 'cron'>>('CronTime').implement({
  description: 'A cron expression in the home’s time zone.',
  fields: (t) => ({ expression: t.exposeString('expression', { description: 'The expression.' }) }),
});

const ScheduleWhenRef = builder.objectRef<ScheduleWhen>('ScheduleWhen').implement({
  description: 'When a schedule runs: exactly one of these is set.',
  fields: (t) => ({
    timeOfDay: t.field({
      type: TimeOfDayRef,
      nullable: true,
      description: 'A time of day.',
      resolve: (w) => (w.kind === 'timeOfDay' ? w : null),
    }),
    sun: t.field({ type: SunTimeRef, nullable: true, description: 'A sun event.', resolve: (w) => (w.kind === 'sun' ? w : null) }),
    cron: t.field({ type: CronTimeRef, nullable: true, description: 'A cron expression.', resolve: (w) => (w.kind === 'cron' ? w : null) }),
  }),
});

const transition = 'Seconds the change fades over (0: at once).';

const ApplySceneRef = builder.objectRef<Of<ScheduleAction, 'applyScene'>>('ApplySceneAction').implement({
  description: 'Apply a scene.',
  fields: (t) => ({
    sceneId: t.exposeID('sceneId', { description: 'The scene.' }),
    transitionSeconds: t.exposeFloat('transitionSeconds', { description: transition }),
  }),
});

const SetRoomsRef = builder.objectRef<Of<ScheduleAction, 'setRooms'>>('SetRoomsAction').implement({
  description: 'Set rooms’ mode, colour and pulse.',
  fields: (t) => ({
    roomIds: t.exposeIDList('roomIds', { description: 'The rooms.' }),
    mode: t.field({ type: DisplayModeEnum, nullable: true, description: 'The mode; null: unchanged.', resolve: (a) => a.mode }),
    color: t.field({ type: ColorRef, nullable: true, description: 'The colour; null: unchanged.', resolve: (a): Rgb | null => a.color }),
    pulse: t.exposeInt('pulse', { nullable: true, description: 'The pulse; null: unchanged.' }),
    transitionSeconds: t.exposeFloat('transitionSeconds', { description: transition }),
  }),
});

const TurnOffRef = builder.objectRef<Of<ScheduleAction, 'turnOff'>>('TurnOffAction').implement({
  description: 'Turn rooms off.',
  fields: (t) => ({
    roomIds: t.exposeIDList('roomIds', { description: 'The rooms.' }),
    transitionSeconds: t.exposeFloat('transitionSeconds', { description: transition }),
  }),
});

const WakeUpRef = builder.objectRef<Of<ScheduleAction, 'wakeUp'>>('WakeUpAction').implement({
  description: 'A wake-up light, full at the schedule’s time (the alarm); it starts `durationMinutes` earlier.',
  fields: (t) => ({
    roomId: t.exposeID('roomId', { description: 'The room.' }),
    durationMinutes: t.exposeInt('durationMinutes', { description: 'How long the light rises.' }),
    offAfterMinutes: t.exposeInt('offAfterMinutes', {
      nullable: true,
      description: 'Minutes after full light it turns off; null: stays on.',
    }),
  }),
});

const SleepTimerRef = builder.objectRef<Of<ScheduleAction, 'sleepTimer'>>('SleepTimerAction').implement({
  description: 'A sleep timer: the room fades to off.',
  fields: (t) => ({
    roomId: t.exposeID('roomId', { description: 'The room.' }),
    durationMinutes: t.exposeInt('durationMinutes', { description: 'How long the fade takes.' }),
  }),
});

const SendCommandRef = builder.objectRef<Of<ScheduleAction, 'sendCommand'>>('SendCommandAction').implement({
  description: 'A one-shot command to the lamps connected then.',
  fields: (t) => ({
    command: t.field({ type: DeviceCommandEnum, description: 'The command.', resolve: (a) => a.command as 'reset' | 'update' }),
    roomId: t.exposeID('roomId', { nullable: true, description: 'Only this room’s lamps.' }),
    lampIds: t.exposeIDList('lampIds', { nullable: true, description: 'Only these lamps.' }),
  }),
});

const ScheduleActionRef = builder.objectRef<ScheduleAction>('ScheduleAction').implement({
  description: 'What a schedule does: exactly one of these is set.',
  fields: (t) => {
    const one = <K extends ScheduleAction['kind']>(kind: K) => ({
      nullable: true as const,
      resolve: (a: ScheduleAction) => (a.kind === kind ? (a as Of<ScheduleAction, K>) : null),
    });
    return {
      applyScene: t.field({ type: ApplySceneRef, description: 'Apply a scene.', ...one('applyScene') }),
      setRooms: t.field({ type: SetRoomsRef, description: 'Set rooms.', ...one('setRooms') }),
      turnOff: t.field({ type: TurnOffRef, description: 'Turn rooms off.', ...one('turnOff') }),
      wakeUp: t.field({ type: WakeUpRef, description: 'A wake-up light.', ...one('wakeUp') }),
      sleepTimer: t.field({ type: SleepTimerRef, description: 'A sleep timer.', ...one('sleepTimer') }),
      sendCommand: t.field({ type: SendCommandRef, description: 'A command.', ...one('sendCommand') }),
    };
  },
});

const RunOutcomeEnum = builder.enumType('ScheduleRunOutcome', {
  description: 'How a run went.',
  values: {
    SUCCEEDED: { description: 'The action was carried out.' },
    FAILED: { description: 'The action could not be carried out; the message says why.' },
    SKIPPED: { description: 'Deliberately not carried out (a missed run replaced by a later one, a wake-up whose alarm had passed).' },
  } as const,
});

const ScheduleRunRef = builder.objectRef<ScheduleRun>('ScheduleRun').implement({
  description: 'One run of a schedule.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable id, increasing.' }),
    scheduleId: t.exposeID('scheduleId', { description: 'The schedule.' }),
    scheduledFor: t.field({
      type: 'DateTime',
      description: 'The time it was due (a wake-up: when its light started).',
      resolve: (r) => r.scheduledFor,
    }),
    ranAt: t.field({ type: 'DateTime', description: 'When it ran.', resolve: (r) => r.ranAt }),
    outcome: t.field({ type: RunOutcomeEnum, description: 'How it went.', resolve: (r) => r.outcome }),
    message: t.exposeString('message', { description: 'What it did, or why it failed or was skipped, in words.' }),
    catchUp: t.exposeBoolean('catchUp', {
      description: 'Whether it was run after a restart, for a time missed while the server was down.',
    }),
  }),
});

const ScheduleRunPageRef = definePage('ScheduleRunPage', 'A page of a schedule’s runs, newest first.', ScheduleRunRef, false);

const ScheduleRef = builder.objectRef<Schedule>('Schedule').implement({
  description: 'Something that happens by itself at set times, in the home’s time zone.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable id.' }),
    name: t.string({
      description: 'Its name; its description when none was given.',
      resolve: (s, _a, { schedules }) => s.name ?? schedules.describe(s),
    }),
    enabled: t.exposeBoolean('enabled', { description: 'Whether it runs.' }),
    when: t.field({ type: ScheduleWhenRef, description: 'When it runs.', resolve: (s) => s.when }),
    what: t.field({ type: ScheduleActionRef, description: 'What it does.', resolve: (s) => s.what }),
    description: t.string({
      description: 'The schedule in words, e.g. "Weekdays at 06:30 · Bedroom · wake-up light, 30 min".',
      resolve: (s, _a, { schedules }) => schedules.describe(s),
    }),
    nextRunAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When its action next starts (a wake-up light: its duration before the alarm); null when disabled or never again.',
      resolve: (s, _a, { schedules }) => schedules.nextRunAt(s),
    }),
    lastRun: t.field({
      type: ScheduleRunRef,
      nullable: true,
      description: 'Its latest run.',
      resolve: (s, _a, { schedules }) => schedules.lastRun(s.id),
    }),
    runs: t.field({
      type: ScheduleRunPageRef,
      description: 'Its runs, newest first, a page at a time.',
      args: {
        first: t.arg.int({ defaultValue: 20, description: 'How many runs per page (1-200).' }),
        after: t.arg.string({ required: false, description: 'The `endCursor` of the page before.' }),
      },
      resolve: (s, args, { schedules }) => {
        const { first, after } = checkArguments(args, { first: pageSize(200), after: runCursor });
        const nodes = schedules.runs(s.id, (first ?? 20) + 1, after ?? null);
        return runPage(nodes, first ?? 20, after != null);
      },
    }),
  }),
});

function runCursor(cursor: string, argument: string): number {
  const id = Number(cursorKey(cursor, argument));
  if (!Number.isSafeInteger(id)) throw invalidArgument(argument, 'is not a cursor this API gave out');
  return id;
}

function runPage(fetched: ScheduleRun[], first: number, hasPrevious: boolean): Page<ScheduleRun> {
  const nodes = fetched.slice(0, first);
  return {
    nodes,
    startCursor: nodes.length > 0 ? cursorOf(nodes[0]!.id) : null,
    endCursor: nodes.length > 0 ? cursorOf(nodes.at(-1)!.id) : null,
    hasNextPage: fetched.length > first,
    hasPreviousPage: hasPrevious,
    totalCount: nodes.length,
  };
}

const HomeSettingsRef = builder.objectRef<{ timeZone: string }>('HomeSettings').implement({
  description: 'Settings of the home as a whole.',
  fields: (t) => ({
    timeZone: t.exposeString('timeZone', { description: 'The IANA time zone schedules run in (the system’s until one is chosen).' }),
  }),
});

builder.queryFields((t) => ({
  schedules: t.field({
    type: [ScheduleRef],
    description: 'Every schedule, oldest first.',
    authScopes: { observe: true },
    resolve: (_root, _args, { schedules }) => schedules.list(),
  }),
  schedule: t.field({
    type: ScheduleRef,
    nullable: true,
    description: 'One schedule; null when there is none with this id.',
    authScopes: { observe: true },
    args: { scheduleId: t.arg.id({ required: true, description: 'The schedule.' }) },
    resolve: (_root, { scheduleId }, { schedules }) => schedules.find(scheduleId) ?? null,
  }),
  homeSettings: t.field({
    type: HomeSettingsRef,
    description: 'Settings of the home as a whole: its time zone.',
    authScopes: { observe: true },
    resolve: (_root, _args, { schedules }) => ({ timeZone: schedules.timeZone() }),
  }),
}));

const scheduleIdArg = { description: 'The schedule.' };

builder.mutationFields((t) => ({
  setTimeZone: t.field({
    type: HomeSettingsRef,
    description: 'Sets the home’s time zone; every schedule’s next run follows it at once.',
    authScopes: { manage: true },
    args: { timeZone: t.arg.string({ required: true, description: 'An IANA name such as "Europe/Zurich".' }) },
    resolve: (_root, { timeZone }, { schedules }) => ({ timeZone: schedules.setTimeZone(timeZone) }),
  }),
  createSchedule: t.field({
    type: ScheduleRef,
    description: 'Creates a schedule. It runs from its next time on.',
    authScopes: { manage: true },
    args: { input: t.arg({ type: ScheduleInputRef, required: true, description: 'The schedule.' }) },
    resolve: (_root, { input }, { schedules }) => schedules.create(scheduleInputOf(input)),
  }),
  updateSchedule: t.field({
    type: ScheduleRef,
    description: 'Replaces a schedule’s name, timing and action; it runs from its next time on.',
    authScopes: { manage: true },
    args: {
      scheduleId: t.arg.id({ required: true, ...scheduleIdArg }),
      input: t.arg({ type: ScheduleInputRef, required: true, description: 'The whole schedule, as it should be.' }),
    },
    resolve: (_root, { scheduleId, input }, { schedules }) => schedules.update(scheduleId, scheduleInputOf(input)),
  }),
  setScheduleEnabled: t.field({
    type: ScheduleRef,
    description: 'Switches a schedule on or off. Switched on, it runs from its next time: what it missed while off is not caught up.',
    authScopes: { manage: true },
    args: {
      scheduleId: t.arg.id({ required: true, ...scheduleIdArg }),
      enabled: t.arg.boolean({ required: true, description: 'On or off.' }),
    },
    resolve: (_root, { scheduleId, enabled }, { schedules }) => schedules.setEnabled(scheduleId, enabled),
  }),
  deleteSchedule: t.id({
    description: 'Deletes a schedule and its runs. Answers its id.',
    authScopes: { manage: true },
    args: { scheduleId: t.arg.id({ required: true, ...scheduleIdArg }) },
    resolve: (_root, { scheduleId }, { schedules }) => schedules.delete(scheduleId).id,
  }),
  runScheduleNow: t.field({
    type: ScheduleRunRef,
    description: 'Runs a schedule’s action now (enabled or not) and answers the run; its times are unchanged.',
    authScopes: { manage: true },
    args: { scheduleId: t.arg.id({ required: true, ...scheduleIdArg }) },
    resolve: (_root, { scheduleId }, { schedules }) => schedules.runNow(scheduleId),
  }),
}));

builder.subscriptionFields((t) => ({
  schedules: t.field({
    type: [ScheduleRef],
    description: 'Every schedule at once, then the whole list again after every change and every run.',
    authScopes: { observe: true },
    subscribe: (_root, _args, { schedules, signal }) => schedules.updates(signal),
    resolve: (list) => list,
  }),
  scheduleRuns: t.field({
    type: ScheduleRunRef,
    description: 'Each schedule run as it is recorded.',
    authScopes: { observe: true },
    subscribe: (_root, _args, { schedules, signal }) => schedules.runEvents(signal),
    resolve: (run) => run,
  }),
}));
