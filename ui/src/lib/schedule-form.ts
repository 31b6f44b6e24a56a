import type { ScheduleInfo, ScheduleInputValue } from './operations';

/** The days of the week in the order the page shows them, with their chip labels. */
export const DAYS = [
  ['MONDAY', 'Mo'],
  ['TUESDAY', 'Tu'],
  ['WEDNESDAY', 'We'],
  ['THURSDAY', 'Th'],
  ['FRIDAY', 'Fr'],
  ['SATURDAY', 'Sa'],
  ['SUNDAY', 'Su'],
] as const;
export type Day = (typeof DAYS)[number][0];
export const WEEKDAYS: Day[] = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'];
export const EVERY_DAY: Day[] = DAYS.map(([day]) => day);

export type WhenKind = 'timeOfDay' | 'sunrise' | 'sunset' | 'cron';
export type ActionKind = 'wakeUp' | 'turnOff' | 'setRooms' | 'sleepTimer' | 'applyScene';

/** What the schedule form edits: every field of every kind, so switching kinds keeps what was typed. */
export interface ScheduleDraft {
  name: string;
  enabled: boolean;
  whenKind: WhenKind;
  time: string;
  days: Day[];
  from: string;
  until: string;
  offsetMinutes: number;
  cron: string;
  actionKind: ActionKind;
  roomIds: string[];
  sceneId: string;
  color: string;
  transitionSeconds: number;
  durationMinutes: number;
  offAfterMinutes: number | null;
}

export function newDraft(roomId: string): ScheduleDraft {
  return {
    name: '',
    enabled: true,
    whenKind: 'timeOfDay',
    time: '06:30',
    days: [...WEEKDAYS],
    from: '',
    until: '',
    offsetMinutes: 0,
    cron: '0 7 * * *',
    actionKind: 'wakeUp',
    roomIds: [roomId],
    sceneId: '',
    color: '#ffb060',
    transitionSeconds: 0,
    durationMinutes: 30,
    offAfterMinutes: null,
  };
}

/** A stored schedule as a draft to edit; null for kinds this form does not edit (scenes, commands). */
export function draftOf(schedule: ScheduleInfo, fallbackRoomId: string): ScheduleDraft | null {
  const draft = newDraft(fallbackRoomId);
  draft.name = schedule.name === schedule.description ? '' : schedule.name;
  draft.enabled = schedule.enabled;
  const { timeOfDay, sun, cron } = schedule.when;
  if (timeOfDay)
    Object.assign(draft, {
      whenKind: 'timeOfDay',
      time: timeOfDay.time,
      days: timeOfDay.weekdays,
      from: timeOfDay.from ?? '',
      until: timeOfDay.until ?? '',
    });
  else if (sun)
    Object.assign(draft, {
      whenKind: sun.event === 'SUNRISE' ? 'sunrise' : 'sunset',
      offsetMinutes: sun.offsetMinutes,
      days: sun.weekdays,
    });
  else if (cron) Object.assign(draft, { whenKind: 'cron', cron: cron.expression });
  const { wakeUp, turnOff, setRooms, sleepTimer, applyScene } = schedule.what;
  if (wakeUp)
    Object.assign(draft, {
      actionKind: 'wakeUp',
      roomIds: [wakeUp.roomId],
      durationMinutes: wakeUp.durationMinutes,
      offAfterMinutes: wakeUp.offAfterMinutes,
    });
  else if (sleepTimer)
    Object.assign(draft, { actionKind: 'sleepTimer', roomIds: [sleepTimer.roomId], durationMinutes: sleepTimer.durationMinutes });
  else if (turnOff) Object.assign(draft, { actionKind: 'turnOff', roomIds: turnOff.roomIds, transitionSeconds: turnOff.transitionSeconds });
  else if (setRooms) {
    Object.assign(draft, { actionKind: 'setRooms', roomIds: setRooms.roomIds, transitionSeconds: setRooms.transitionSeconds });
    if (setRooms.color) draft.color = setRooms.color.hex;
  } else if (applyScene) {
    Object.assign(draft, { actionKind: 'applyScene', sceneId: applyScene.sceneId, transitionSeconds: applyScene.transitionSeconds });
  } else return null;
  return draft;
}

/** The draft as the API takes it. */
export function inputOf(draft: ScheduleDraft): ScheduleInputValue {
  const weekdays = EVERY_DAY.filter((day) => draft.days.includes(day));
  const when =
    draft.whenKind === 'timeOfDay'
      ? { timeOfDay: { time: draft.time, weekdays, from: draft.from || null, until: draft.until || null } }
      : draft.whenKind === 'cron'
        ? { cron: { expression: draft.cron } }
        : {
            sun: {
              event: draft.whenKind === 'sunrise' ? ('SUNRISE' as const) : ('SUNSET' as const),
              offsetMinutes: draft.offsetMinutes,
              weekdays,
            },
          };
  const roomId = draft.roomIds[0] ?? '';
  const what =
    draft.actionKind === 'wakeUp'
      ? { wakeUp: { roomId, durationMinutes: draft.durationMinutes, offAfterMinutes: draft.offAfterMinutes } }
      : draft.actionKind === 'sleepTimer'
        ? { sleepTimer: { roomId, durationMinutes: draft.durationMinutes } }
        : draft.actionKind === 'applyScene'
          ? { applyScene: { sceneId: draft.sceneId, transitionSeconds: draft.transitionSeconds } }
          : draft.actionKind === 'turnOff'
            ? { turnOff: { roomIds: draft.roomIds, transitionSeconds: draft.transitionSeconds } }
            : { setRooms: { roomIds: draft.roomIds, color: { hex: draft.color }, transitionSeconds: draft.transitionSeconds } };
  return { name: draft.name.trim() || null, enabled: draft.enabled, when, what };
}

/** "Next: Mon 1 Dec, 06:00" in the phone's locale, in the home's time zone (the phone's until it is known). */
export function nextRunText(iso: string | null | undefined, timeZone: string | null = null): string {
  if (!iso) return 'No next run';
  const options: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' };
  return `Next: ${new Date(iso).toLocaleString([], timeZone ? { ...options, timeZone } : options)}`;
}
