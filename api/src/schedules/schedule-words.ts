import { formatHexColor } from '@cloud-cloud/protocol/color';
import type { ScheduleAction } from './schedule.js';
import { WEEKDAYS, type ScheduleWhen, type Weekday } from './schedule-timing.js';

/** Names of what a schedule refers to, as they are now. */
export interface ScheduleNames {
  room(roomId: string): string | undefined;
  scene(sceneId: string): string | undefined;
}

/** A schedule in words: "Weekdays at 06:30 · Bedroom · wake-up light, 30 min". */
export function describeSchedule(when: ScheduleWhen, what: ScheduleAction, names: ScheduleNames): string {
  return [describeWhen(when), ...describeWhat(what, names)].join(' · ');
}

export function describeWhen(when: ScheduleWhen): string {
  switch (when.kind) {
    case 'timeOfDay': {
      const range = [when.from ? `from ${when.from}` : '', when.until ? `until ${when.until}` : ''].filter(Boolean).join(' ');
      return `${describeDays(when.weekdays)} at ${when.time}${range ? ` ${range}` : ''}`;
    }
    case 'sun': {
      const event = when.event === 'SUNRISE' ? 'sunrise' : 'sunset';
      const offset = when.offsetMinutes === 0 ? '' : ` ${when.offsetMinutes > 0 ? '+' : '−'} ${Math.abs(when.offsetMinutes)} min`;
      const place = when.latitude !== null ? ` (${when.latitude}, ${when.longitude})` : '';
      return `${describeDays(when.weekdays)} at ${event}${offset}${place}`;
    }
    case 'cron':
      return `Cron ${when.expression}`;
  }
}

export function describeDays(weekdays: readonly Weekday[]): string {
  const chosen = WEEKDAYS.filter((day) => weekdays.includes(day));
  const key = chosen.join(',');
  if (chosen.length === 7) return 'Every day';
  if (key === 'MONDAY,TUESDAY,WEDNESDAY,THURSDAY,FRIDAY') return 'Weekdays';
  if (key === 'SATURDAY,SUNDAY') return 'Weekends';
  return chosen.map((day) => day.charAt(0) + day.slice(1, 3).toLowerCase()).join(', ');
}

function describeWhat(what: ScheduleAction, names: ScheduleNames): string[] {
  const room = (roomId: string) => names.room(roomId) ?? 'a deleted room';
  const rooms = (roomIds: readonly string[]) => roomIds.map(room).join(', ');
  const fade = (seconds: number) => (seconds > 0 ? `, fade ${duration(seconds)}` : '');
  switch (what.kind) {
    case 'applyScene':
      return [`scene ${names.scene(what.sceneId) ?? '(deleted)'}${fade(what.transitionSeconds)}`];
    case 'setRooms': {
      const parts = [
        what.mode !== null ? what.mode.toLowerCase() : '',
        what.color !== null ? formatHexColor(what.color) : '',
        what.pulse !== null ? `pulse ${what.pulse}` : '',
      ].filter(Boolean);
      return [rooms(what.roomIds), `set ${parts.join(' ')}${fade(what.transitionSeconds)}`];
    }
    case 'turnOff':
      return [rooms(what.roomIds), `off${fade(what.transitionSeconds)}`];
    case 'wakeUp': {
      const off = what.offAfterMinutes !== null ? `, off after ${what.offAfterMinutes} min` : '';
      return [room(what.roomId), `wake-up light, ${what.durationMinutes} min${off}`];
    }
    case 'sleepTimer':
      return [room(what.roomId), `sleep timer, ${what.durationMinutes} min`];
    case 'sendCommand': {
      const target = what.roomId !== null ? room(what.roomId) : what.lampIds !== null ? `${what.lampIds.length} lamp(s)` : 'every lamp';
      return [target, `command ${what.command}`];
    }
  }
}

function duration(seconds: number): string {
  return seconds >= 60 && seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}
