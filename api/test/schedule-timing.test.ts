import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../src/invalid-input.js';
import {
  checkWhen,
  lastOccurrenceBetween,
  localDay,
  nextOccurrence,
  WEEKDAYS,
  type Place,
  type ScheduleWhen,
  type Weekday,
} from '../src/schedules/schedule-timing.js';

const WORKDAYS: Weekday[] = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'];
const EVERY_DAY: Weekday[] = [...WEEKDAYS];

function context(timeZone: string, place: Place | null = null) {
  return { timeZone, place: () => place };
}

function at(when: ScheduleWhen, after: string, timeZone: string, place: Place | null = null): string | undefined {
  return nextOccurrence(when, new Date(after), context(timeZone, place))?.toISOString();
}

function daily(time: string, weekdays = EVERY_DAY, from: string | null = null, until: string | null = null): ScheduleWhen {
  return { kind: 'timeOfDay', time, weekdays, from, until };
}

/** The next `count` occurrences, each searched from the one before. */
function series(when: ScheduleWhen, after: string, timeZone: string, count: number): string[] {
  const found: string[] = [];
  let cursor = new Date(after);
  for (let i = 0; i < count; i++) {
    const next = nextOccurrence(when, cursor, context(timeZone));
    if (!next) break;
    found.push(next.toISOString());
    cursor = next;
  }
  return found;
}

describe('time of day on weekdays', () => {
  it('skips the weekend (2026-12-04 is a Friday)', () => {
    const when = daily('06:30', WORKDAYS);
    expect(series(when, '2026-12-04T04:00:00Z', 'Europe/Zurich', 3)).toEqual([
      '2026-12-04T05:30:00.000Z',
      '2026-12-07T05:30:00.000Z',
      '2026-12-08T05:30:00.000Z',
    ]);
  });

  it('runs only on the weekdays chosen, in the home zone', () => {
    const when = daily('23:15', ['SATURDAY']);
    // Saturday 23:15 in New York is Sunday 04:15 UTC.
    expect(at(when, '2026-12-03T00:00:00Z', 'America/New_York')).toBe('2026-12-06T04:15:00.000Z');
    expect(localDay(new Date('2026-12-06T04:15:00Z'), 'America/New_York')).toEqual({ date: '2026-12-05', weekday: 'SATURDAY' });
  });

  it('is strictly after the instant given', () => {
    expect(at(daily('06:30'), '2026-12-04T05:30:00Z', 'Europe/Zurich')).toBe('2026-12-05T05:30:00.000Z');
  });

  it('keeps to a date range, both days included', () => {
    const when = daily('07:00', EVERY_DAY, '2026-12-24', '2026-12-26');
    expect(series(when, '2026-12-01T00:00:00Z', 'Europe/Zurich', 5)).toEqual([
      '2026-12-24T06:00:00.000Z',
      '2026-12-25T06:00:00.000Z',
      '2026-12-26T06:00:00.000Z',
    ]);
    expect(at(when, '2026-12-26T06:00:00Z', 'Europe/Zurich')).toBeUndefined();
  });

  it('combines a date range with weekdays (2026-12-24 is a Thursday)', () => {
    const when = daily('07:00', ['SATURDAY', 'SUNDAY'], '2026-12-24', '2027-01-03');
    expect(series(when, '2026-12-01T00:00:00Z', 'Europe/Zurich', 9).map((iso) => iso.slice(0, 10))).toEqual([
      '2026-12-26',
      '2026-12-27',
      '2027-01-02',
      '2027-01-03',
    ]);
  });

  it('refuses a bad time, an empty weekday list and a reversed range, naming the field', () => {
    const check = (when: ScheduleWhen) => () => checkWhen(when, context('Europe/Zurich'));
    expect(check(daily('24:00'))).toThrow(expect.objectContaining({ argument: 'when.timeOfDay.time' }) as InvalidInput);
    expect(check(daily('6:30'))).toThrow(InvalidInput);
    expect(check(daily('06:30', []))).toThrow(expect.objectContaining({ argument: 'when.timeOfDay.weekdays' }) as InvalidInput);
    expect(check(daily('06:30', EVERY_DAY, '2026-12-05', '2026-12-01'))).toThrow(
      expect.objectContaining({ argument: 'when.timeOfDay.until' }) as InvalidInput,
    );
    expect(check(daily('06:30', EVERY_DAY, '2026-02-30', null))).toThrow(
      expect.objectContaining({ argument: 'when.timeOfDay.from' }) as InvalidInput,
    );
    expect(check({ kind: 'cron', expression: '61 * * * *' })).toThrow(
      expect.objectContaining({ argument: 'when.cron.expression' }) as InvalidInput,
    );
  });
});

describe('daylight saving time', () => {
  it('runs a time missing on the spring-forward day at the first valid time after it (Europe/Zurich)', () => {
    // 2026-03-29: clocks go from 02:00 to 03:00 CET→CEST; 02:30 does not exist.
    expect(series(daily('02:30'), '2026-03-28T12:00:00Z', 'Europe/Zurich', 2)).toEqual([
      '2026-03-29T01:00:00.000Z', // 03:00 CEST
      '2026-03-30T00:30:00.000Z', // 02:30 CEST
    ]);
  });

  it('runs a time missing on the spring-forward day at the first valid time after it (America/New_York)', () => {
    // 2026-03-08: 02:00 EST becomes 03:00 EDT.
    expect(series(daily('02:15'), '2026-03-07T12:00:00Z', 'America/New_York', 2)).toEqual([
      '2026-03-08T07:00:00.000Z', // 03:00 EDT
      '2026-03-09T06:15:00.000Z', // 02:15 EDT
    ]);
  });

  it('runs a time that happens twice once (Europe/Zurich)', () => {
    // 2026-10-25: 03:00 CEST becomes 02:00 CET; 02:30 happens at 00:30Z and again at 01:30Z.
    expect(series(daily('02:30'), '2026-10-24T12:00:00Z', 'Europe/Zurich', 2)).toEqual([
      '2026-10-25T00:30:00.000Z',
      '2026-10-26T01:30:00.000Z',
    ]);
    // Searching from between the two does not find the second.
    expect(at(daily('02:30'), '2026-10-25T00:45:00Z', 'Europe/Zurich')).toBe('2026-10-26T01:30:00.000Z');
  });

  it('runs a time that happens twice once (America/New_York), for a cron expression too', () => {
    // 2026-11-01: 02:00 EDT becomes 01:00 EST; 01:30 happens at 05:30Z and 06:30Z.
    expect(series(daily('01:30'), '2026-10-31T12:00:00Z', 'America/New_York', 2)).toEqual([
      '2026-11-01T05:30:00.000Z',
      '2026-11-02T06:30:00.000Z',
    ]);
    expect(series({ kind: 'cron', expression: '30 1 * * *' }, '2026-10-31T12:00:00Z', 'America/New_York', 2)).toEqual([
      '2026-11-01T05:30:00.000Z',
      '2026-11-02T06:30:00.000Z',
    ]);
  });
});

describe('sunrise and sunset', () => {
  const newYork: Place = { latitude: 40.7128, longitude: -74.006 };
  const zurich: Place = { latitude: 47.3769, longitude: 8.5417 };
  const sun = (event: 'SUNRISE' | 'SUNSET', offsetMinutes = 0, weekdays = EVERY_DAY): Extract<ScheduleWhen, { kind: 'sun' }> => ({
    kind: 'sun',
    event,
    offsetMinutes,
    latitude: null,
    longitude: null,
    weekdays,
  });
  const minutesFrom = (iso: string | undefined, published: string) =>
    Math.abs(new Date(iso!).getTime() - new Date(published).getTime()) / 60_000;

  it('matches published times within a minute (New York, 2024-12-21: 07:16 and 16:32 EST)', () => {
    expect(minutesFrom(at(sun('SUNRISE'), '2024-12-21T05:00:00Z', 'America/New_York', newYork), '2024-12-21T12:16:30Z')).toBeLessThan(1);
    expect(minutesFrom(at(sun('SUNSET'), '2024-12-21T05:00:00Z', 'America/New_York', newYork), '2024-12-21T21:32:30Z')).toBeLessThan(1);
  });

  it('matches published times within a minute (Zurich, 2024-06-21: 05:29 and 21:26 CEST)', () => {
    expect(minutesFrom(at(sun('SUNRISE'), '2024-06-20T22:00:00Z', 'Europe/Zurich', zurich), '2024-06-21T03:29:30Z')).toBeLessThan(1);
    expect(minutesFrom(at(sun('SUNSET'), '2024-06-20T22:00:00Z', 'Europe/Zurich', zurich), '2024-06-21T19:26:30Z')).toBeLessThan(1);
  });

  it('applies the offset and the weekdays, and prefers the schedule’s own place', () => {
    // 2024-12-21 is a Saturday: a Monday-only "30 min before sunset" is 2024-12-23.
    const before = at(sun('SUNSET', -30, ['MONDAY']), '2024-12-21T05:00:00Z', 'America/New_York', zurich);
    const own: ScheduleWhen = { ...sun('SUNSET', -30, ['MONDAY']), latitude: newYork.latitude, longitude: newYork.longitude };
    const sunset = at(own, '2024-12-21T05:00:00Z', 'America/New_York', zurich);
    expect(sunset!.slice(0, 10)).toBe('2024-12-23');
    expect(minutesFrom(sunset, '2024-12-23T21:03:30Z')).toBeLessThan(1.5);
    expect(before).not.toBe(sunset);
  });

  it('refuses a sun schedule with no place known', () => {
    expect(() => checkWhen(sun('SUNRISE'), context('Europe/Zurich'))).toThrow(
      expect.objectContaining({ argument: 'when.sun' }) as InvalidInput,
    );
  });

  it('skips days the sun does not rise (Tromsø in December)', () => {
    const next = at(sun('SUNRISE'), '2026-12-01T00:00:00Z', 'Europe/Oslo', { latitude: 69.6492, longitude: 18.9553 });
    expect(next! > '2027-01-10').toBe(true);
  });
});

describe('missed runs', () => {
  it('finds the latest occurrence in a span', () => {
    const last = lastOccurrenceBetween(
      daily('23:00'),
      new Date('2026-12-01T12:00:00Z'),
      new Date('2026-12-04T08:00:00Z'),
      context('Europe/Zurich'),
    );
    expect(last?.toISOString()).toBe('2026-12-03T22:00:00.000Z');
    expect(
      lastOccurrenceBetween(daily('23:00'), new Date('2026-12-04T08:00:00Z'), new Date('2026-12-04T09:00:00Z'), context('UTC')),
    ).toBeNull();
  });

  it('counts a run due on the span’s last millisecond, as when a timer fires right on time', () => {
    const due = new Date('2026-12-04T08:00:00.000Z');
    for (const when of [daily('08:00'), { kind: 'cron', expression: '0 0 8 4 12 *' } as const]) {
      expect(lastOccurrenceBetween(when, new Date('2026-12-04T07:00:00Z'), due, context('UTC'))?.toISOString()).toBe(due.toISOString());
      expect(lastOccurrenceBetween(when, due, due, context('UTC'))).toBeNull();
    }
  });
});

describe('missed runs over a long outage', () => {
  it('finds the latest of a per-minute cron and of a weekly rule without walking every occurrence', () => {
    const from = new Date('2026-01-01T00:00:00Z');
    const to = new Date('2026-12-04T08:00:30Z');
    expect(lastOccurrenceBetween({ kind: 'cron', expression: '* * * * *' }, from, to, context('UTC'))?.toISOString()).toBe(
      '2026-12-04T08:00:00.000Z',
    );
    // 2026-12-04 is a Friday; the last Monday 06:30 in Zurich before it is 2026-11-30.
    expect(lastOccurrenceBetween(daily('06:30', ['MONDAY']), from, to, context('Europe/Zurich'))?.toISOString()).toBe(
      '2026-11-30T05:30:00.000Z',
    );
  });
});
