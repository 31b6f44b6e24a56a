import { Cron } from 'croner';
import { getTimes } from 'suncalc';
import { InvalidInput } from '../invalid-input.js';

export const WEEKDAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export type SunEvent = 'SUNRISE' | 'SUNSET';

/** A place on earth, for sun events. */
export interface Place {
  latitude: number;
  longitude: number;
}

/** When a schedule runs, in the home's time zone. */
export type ScheduleWhen =
  /** `time` is "HH:MM"; `from`/`until` are "YYYY-MM-DD", both days included. */
  | { kind: 'timeOfDay'; time: string; weekdays: Weekday[]; from: string | null; until: string | null }
  /** `latitude`/`longitude` null: the weather settings' place. */
  | { kind: 'sun'; event: SunEvent; offsetMinutes: number; latitude: number | null; longitude: number | null; weekdays: Weekday[] }
  | { kind: 'cron'; expression: string };

/** What a time needs beyond the schedule itself: the home's zone and, for sun events, a place. */
export interface TimingContext {
  timeZone: string;
  /** The place sun events are computed for when the schedule names none; null when none is known. */
  place: () => Place | null;
}

const DAY_MS = 86_400_000;
/** Far enough ahead for any rule that can match (a date range, a yearly cron) to be found. */
const SEARCH_DAYS = 800;

/**
 * The first instant strictly after `after` at which the schedule is due, or null when it never
 * is again (a date range that has ended, a sun event that never happens there). Croner does the
 * calendar work: a wall time that does not exist on the spring-forward day runs at the first
 * valid time after it, and one that happens twice runs once (its first time).
 */
export function nextOccurrence(when: ScheduleWhen, after: Date, context: TimingContext): Date | null {
  switch (when.kind) {
    case 'timeOfDay':
      return timeOfDayCron(when, context.timeZone).nextRun(after);
    case 'cron':
      return cronOf(when.expression, context.timeZone).nextRun(after);
    case 'sun':
      return nextSunEvent(when, after, context);
  }
}

/** The latest instant in (from, to] at which the schedule was due, or null. */
export function lastOccurrenceBetween(when: ScheduleWhen, from: Date, to: Date, context: TimingContext): Date | null {
  // Walk forward (where croner settles DST repeats) from shortly before the latest candidate.
  let cursor = from;
  if (when.kind === 'sun') {
    cursor = new Date(Math.max(from.getTime(), to.getTime() - 8 * DAY_MS));
  } else {
    const cron = when.kind === 'cron' ? cronOf(when.expression, context.timeZone) : timeOfDayCron(when, context.timeZone);
    // Croner's previous runs are strictly before the instant given; `to` itself belongs in the
    // span (a timer fires on the very millisecond of a run), so ask from just after it.
    const candidate = cron.previousRuns(1, new Date(to.getTime() + 1))[0];
    if (!candidate || candidate <= from) return null;
    cursor = new Date(Math.max(from.getTime(), candidate.getTime() - 3 * 3_600_000));
  }
  let last: Date | null = null;
  for (let i = 0; i < 20_000; i++) {
    const next = nextOccurrence(when, cursor, context);
    if (!next || next > to) return last;
    last = next;
    cursor = next;
  }
  return last;
}

/** The place a sun schedule uses: its own, else the context's; throws when there is none. */
export function placeOf(when: Extract<ScheduleWhen, { kind: 'sun' }>, context: TimingContext): Place {
  if (when.latitude !== null && when.longitude !== null) return { latitude: when.latitude, longitude: when.longitude };
  const place = context.place();
  if (!place) {
    throw new InvalidInput(
      'when.sun',
      'no place for sunrise and sunset: give latitude and longitude, or set the weather place to coordinates (a city name is known once a weather report has been fetched)',
    );
  }
  return place;
}

/** Checks a schedule's timing fully (parses cron, checks the place), throwing InvalidInput naming the field. */
export function checkWhen(when: ScheduleWhen, context: TimingContext): void {
  switch (when.kind) {
    case 'timeOfDay':
      parseTime(when.time);
      checkWeekdays(when.weekdays, 'when.timeOfDay.weekdays');
      if (when.from !== null) checkDate(when.from, 'when.timeOfDay.from');
      if (when.until !== null) checkDate(when.until, 'when.timeOfDay.until');
      if (when.from !== null && when.until !== null && when.from > when.until) {
        throw new InvalidInput('when.timeOfDay.until', `must not be before from (${when.from}), got ${when.until}`);
      }
      return;
    case 'cron':
      cronOf(when.expression, context.timeZone);
      return;
    case 'sun':
      if (!Number.isInteger(when.offsetMinutes) || Math.abs(when.offsetMinutes) > 720) {
        throw new InvalidInput('when.sun.offsetMinutes', `must be an integer from -720 to 720, got ${when.offsetMinutes}`, '-720-720');
      }
      if ((when.latitude === null) !== (when.longitude === null)) {
        throw new InvalidInput('when.sun.latitude', 'give latitude and longitude together, or neither for the weather place');
      }
      if (when.latitude !== null && !(Math.abs(when.latitude) <= 90)) {
        throw new InvalidInput('when.sun.latitude', `must be from -90 to 90, got ${when.latitude}`, '-90-90');
      }
      if (when.longitude !== null && !(Math.abs(when.longitude) <= 180)) {
        throw new InvalidInput('when.sun.longitude', `must be from -180 to 180, got ${when.longitude}`, '-180-180');
      }
      checkWeekdays(when.weekdays, 'when.sun.weekdays');
      placeOf(when, context);
      return;
  }
}

/** Whether `timeZone` is an IANA zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone }).format(0);
    return timeZone.length > 0;
  } catch {
    return false;
  }
}

/** The calendar date ("YYYY-MM-DD") and weekday of an instant in a zone. */
export function localDay(at: Date, timeZone: string): { date: string; weekday: Weekday } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'long' })
    .formatToParts(at)
    .reduce<Record<string, string>>((all, part) => ({ ...all, [part.type]: part.value }), {});
  return { date: `${parts.year}-${parts.month}-${parts.day}`, weekday: parts.weekday!.toUpperCase() as Weekday };
}

export function parseTime(time: string, argument = 'when.timeOfDay.time'): { hour: number; minute: number } {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!match) throw new InvalidInput(argument, `must be a time "HH:MM" from 00:00 to 23:59, got "${time}"`);
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

function checkDate(date: string, argument: string): void {
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(date) && new Date(`${date}T00:00:00Z`).toISOString().startsWith(date);
  if (!valid) throw new InvalidInput(argument, `must be a date "YYYY-MM-DD", got "${date}"`);
}

function checkWeekdays(weekdays: readonly Weekday[], argument: string): void {
  if (weekdays.length === 0) throw new InvalidInput(argument, 'must name at least one weekday');
}

/** Croner numbers days from Sunday (0). */
function cronWeekday(day: Weekday): number {
  return (WEEKDAYS.indexOf(day) + 1) % 7;
}

function timeOfDayCron(when: Extract<ScheduleWhen, { kind: 'timeOfDay' }>, timeZone: string): Cron {
  const { hour, minute } = parseTime(when.time);
  const days = [...new Set(when.weekdays.map(cronWeekday))].sort().join(',');
  return new Cron(`${minute} ${hour} * * ${days}`, {
    timezone: timeZone,
    paused: true,
    ...(when.from !== null ? { startAt: `${when.from}T00:00:00` } : {}),
    ...(when.until !== null ? { stopAt: `${when.until}T23:59:59` } : {}),
  });
}

function cronOf(expression: string, timeZone: string): Cron {
  try {
    return new Cron(expression, { timezone: timeZone, paused: true });
  } catch (error) {
    throw new InvalidInput('when.cron.expression', `is not a cron expression: ${(error as Error).message}`);
  }
}

function nextSunEvent(when: Extract<ScheduleWhen, { kind: 'sun' }>, after: Date, context: TimingContext): Date | null {
  const place = placeOf(when, context);
  const offsetMs = when.offsetMinutes * 60_000;
  // Start a day early: an offset can move an event onto the day before its own.
  const first = localDay(new Date(after.getTime() - DAY_MS - Math.abs(offsetMs)), context.timeZone).date;
  const [year, month, day] = first.split('-').map(Number) as [number, number, number];
  for (let i = 0; i < SEARCH_DAYS; i++) {
    const date = new Date(Date.UTC(year, month - 1, day + i));
    const weekday = WEEKDAYS[(date.getUTCDay() + 6) % 7]!;
    if (!when.weekdays.includes(weekday)) continue;
    // suncalc picks the solar day nearest the instant given: that date's local solar noon.
    const solarNoon = new Date(date.getTime() + DAY_MS / 2 - (place.longitude / 360) * DAY_MS);
    const times = getTimes(solarNoon, place.latitude, place.longitude);
    const event = when.event === 'SUNRISE' ? times.sunrise : times.sunset;
    if (!event) continue;
    const at = new Date(event.getTime() + offsetMs);
    if (at > after) return at;
  }
  return null;
}
