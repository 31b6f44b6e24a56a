import { PULSE_MAX } from '@cloud-cloud/protocol/packet';
import { InvalidInput } from '../invalid-input.js';
import {
  MAX_TRANSITION_SECONDS,
  SCHEDULE_NAME_MAX,
  SLEEP_MINUTES,
  WAKE_UP_MINUTES,
  type ScheduleAction,
  type ScheduleInput,
} from './schedule.js';
import type { ScheduleActions } from './schedule-actions.js';
import { checkWhen, type TimingContext } from './schedule-timing.js';
import type { ScheduleNames } from './schedule-words.js';

/** The longest "off after" a wake-up light may stay on for: a day. */
export const MAX_OFF_AFTER_MINUTES = 1440;

/**
 * Checks a schedule as a whole before it is stored: its timing can be computed, the rooms and
 * scene it names exist, and this server can run its action. Throws InvalidInput naming the field.
 */
export function checkScheduleInput(
  input: ScheduleInput,
  context: TimingContext,
  names: ScheduleNames,
  actions: ScheduleActions,
): ScheduleInput {
  const name = input.name?.trim() ?? null;
  if (name !== null && (name.length === 0 || name.length > SCHEDULE_NAME_MAX)) {
    throw new InvalidInput('name', `must be 1 to ${SCHEDULE_NAME_MAX} characters, or omitted`);
  }
  checkWhen(input.when, context);
  checkAction(input.what, names, actions);
  return { ...input, name };
}

function checkAction(what: ScheduleAction, names: ScheduleNames, actions: ScheduleActions): void {
  const field = `what.${what.kind}`;
  if (!actions.supports(what.kind)) throw new InvalidInput(field, `this server cannot run ${what.kind} actions`);
  const room = (roomId: string, argument: string) => {
    if (names.room(roomId) === undefined) throw new InvalidInput(argument, `no room with id ${roomId}`);
  };
  const rooms = (roomIds: readonly string[]) => {
    if (roomIds.length === 0) throw new InvalidInput(`${field}.roomIds`, 'must name at least one room');
    for (const roomId of roomIds) room(roomId, `${field}.roomIds`);
  };
  const transition = (seconds: number) => inRange(seconds, 0, MAX_TRANSITION_SECONDS, `${field}.transitionSeconds`, false);
  switch (what.kind) {
    case 'applyScene':
      if (names.scene(what.sceneId) === undefined) throw new InvalidInput(`${field}.sceneId`, `no scene with id ${what.sceneId}`);
      transition(what.transitionSeconds);
      return;
    case 'setRooms':
      rooms(what.roomIds);
      if (what.mode === null && what.color === null && what.pulse === null) {
        throw new InvalidInput(field, 'give at least one of mode, color and pulse');
      }
      if (what.pulse !== null) inRange(what.pulse, 0, PULSE_MAX, `${field}.pulse`);
      transition(what.transitionSeconds);
      return;
    case 'turnOff':
      rooms(what.roomIds);
      transition(what.transitionSeconds);
      return;
    case 'wakeUp':
      room(what.roomId, `${field}.roomId`);
      inRange(what.durationMinutes, WAKE_UP_MINUTES.min, WAKE_UP_MINUTES.max, `${field}.durationMinutes`);
      if (what.offAfterMinutes !== null) inRange(what.offAfterMinutes, 1, MAX_OFF_AFTER_MINUTES, `${field}.offAfterMinutes`);
      return;
    case 'sleepTimer':
      room(what.roomId, `${field}.roomId`);
      inRange(what.durationMinutes, SLEEP_MINUTES.min, SLEEP_MINUTES.max, `${field}.durationMinutes`);
      return;
    case 'sendCommand':
      if (what.roomId !== null && what.lampIds !== null) throw new InvalidInput(`${field}.lampIds`, 'give roomId or lampIds, not both');
      if (what.roomId !== null) room(what.roomId, `${field}.roomId`);
      if (what.lampIds !== null && what.lampIds.length === 0) {
        throw new InvalidInput(`${field}.lampIds`, 'must name at least one lamp, or be omitted');
      }
      return;
  }
}

function inRange(value: number, min: number, max: number, argument: string, integer = true): void {
  if ((integer && !Number.isInteger(value)) || !(value >= min && value <= max)) {
    throw new InvalidInput(argument, `must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got ${value}`, `${min}-${max}`);
  }
}
