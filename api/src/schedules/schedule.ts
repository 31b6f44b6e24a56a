import type { Command, Rgb } from '@cloud-cloud/protocol/packet';
import { z } from 'zod';
import type { DisplayMode } from '../display/display-state.js';
import { WEEKDAYS, type ScheduleWhen } from './schedule-timing.js';

/** What a schedule does when it runs. Durations as people give them: seconds and minutes. */
export type ScheduleAction =
  | { kind: 'applyScene'; sceneId: string; transitionSeconds: number }
  | { kind: 'setRooms'; roomIds: string[]; mode: DisplayMode | null; color: Rgb | null; pulse: number | null; transitionSeconds: number }
  | { kind: 'turnOff'; roomIds: string[]; transitionSeconds: number }
  /** The schedule's time is the alarm: the light starts `durationMinutes` earlier. */
  | { kind: 'wakeUp'; roomId: string; durationMinutes: number; offAfterMinutes: number | null }
  | { kind: 'sleepTimer'; roomId: string; durationMinutes: number }
  | { kind: 'sendCommand'; command: Command; roomId: string | null; lampIds: string[] | null };

export interface Schedule {
  id: string;
  /** Null: the schedule goes by its description. */
  name: string | null;
  enabled: boolean;
  when: ScheduleWhen;
  what: ScheduleAction;
  createdAt: Date;
  updatedAt: Date;
  /** Occurrences up to this instant have been run, skipped or replaced by a later one. */
  handledUntil: Date;
}

/** What a person gives to create or change a schedule. */
export interface ScheduleInput {
  name: string | null;
  enabled: boolean;
  when: ScheduleWhen;
  what: ScheduleAction;
}

export type RunOutcome = 'SUCCEEDED' | 'FAILED' | 'SKIPPED';

export interface ScheduleRun {
  id: string;
  scheduleId: string;
  /** The occurrence this run is for (for a wake-up, when its light starts). */
  scheduledFor: Date;
  ranAt: Date;
  outcome: RunOutcome;
  message: string;
  /** Run after a restart, for an occurrence missed while the server was down. */
  catchUp: boolean;
}

export const MINUTE_MS = 60_000;
export const MAX_TRANSITION_SECONDS = 7200;
export const WAKE_UP_MINUTES = { min: 5, max: 120, default: 30 } as const;
export const SLEEP_MINUTES = { min: 1, max: 120 } as const;
export const SCHEDULE_NAME_MAX = 60;
export const MAX_SCHEDULES = 500;

/** How long before its time a schedule's action starts: a wake-up light reaches full light at the alarm. */
export function leadMs(what: ScheduleAction): number {
  return what.kind === 'wakeUp' ? what.durationMinutes * MINUTE_MS : 0;
}

/** The rooms whose display an action sets (a command sets none; a scene's are asked of the scenes). */
export function roomsSetBy(what: ScheduleAction, sceneRooms: (sceneId: string) => string[]): string[] {
  switch (what.kind) {
    case 'applyScene':
      return sceneRooms(what.sceneId);
    case 'setRooms':
    case 'turnOff':
      return what.roomIds;
    case 'wakeUp':
    case 'sleepTimer':
      return [what.roomId];
    case 'sendCommand':
      return [];
  }
}

const weekdays = z.array(z.enum(WEEKDAYS));
/** Stored timings and actions are read back through these: a bad row is reported, never trusted. */
export const StoredWhen: z.ZodType<ScheduleWhen> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('timeOfDay'), time: z.string(), weekdays, from: z.string().nullable(), until: z.string().nullable() }),
  z.object({
    kind: z.literal('sun'),
    event: z.enum(['SUNRISE', 'SUNSET']),
    offsetMinutes: z.number().int(),
    latitude: z.number().nullable(),
    longitude: z.number().nullable(),
    weekdays,
  }),
  z.object({ kind: z.literal('cron'), expression: z.string() }),
]);

const rgb = z.object({ r: z.number().int(), g: z.number().int(), b: z.number().int() });
export const StoredAction: z.ZodType<ScheduleAction> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('applyScene'), sceneId: z.string(), transitionSeconds: z.number() }),
  z.object({
    kind: z.literal('setRooms'),
    roomIds: z.array(z.string()),
    mode: z.enum(['OFF', 'WEATHER', 'MANUAL']).nullable(),
    color: rgb.nullable(),
    pulse: z.number().int().nullable(),
    transitionSeconds: z.number(),
  }),
  z.object({ kind: z.literal('turnOff'), roomIds: z.array(z.string()), transitionSeconds: z.number() }),
  z.object({
    kind: z.literal('wakeUp'),
    roomId: z.string(),
    durationMinutes: z.number().int(),
    offAfterMinutes: z.number().int().nullable(),
  }),
  z.object({ kind: z.literal('sleepTimer'), roomId: z.string(), durationMinutes: z.number().int() }),
  z.object({
    kind: z.literal('sendCommand'),
    command: z.enum(['reset', 'update', 'debug-on', 'debug-off']),
    roomId: z.string().nullable(),
    lampIds: z.array(z.string()).nullable(),
  }),
]);
