import { formatHexColor, parseHexColor } from '@cloud-cloud/protocol/color';
import { PULSE_MAX, type Rgb } from '@cloud-cloud/protocol/packet';
import { DISPLAY_MODES, displayFrame, type DisplayMode, type DisplayState, type WeatherDisplay } from '../display/display-state.js';
import { MAX_TRANSITION_MS, type DisplayChange } from '../rooms/room-displays.js';
import { MessageRefused, objectPayload } from './message-refused.js';
import { rgbOf } from './room-light-messages.js';

/** `P/room/<id>/state`: a room's display state for any MQTT client. */
export interface RoomStateMessage {
  id: string;
  name: string;
  mode: DisplayMode;
  color: Rgb;
  hex: string;
  pulse: number;
  weather: WeatherDisplay;
  frame: string;
  transition: { kind: string; endsAt: string } | null;
  updatedAt: string;
}

export function roomStateMessage(room: { id: string; name: string }, display: DisplayState): RoomStateMessage {
  return {
    id: room.id,
    name: room.name,
    mode: display.mode,
    color: { r: display.color.r, g: display.color.g, b: display.color.b },
    hex: formatHexColor(display.color),
    pulse: display.pulse,
    weather: { state: display.weather.state, intensity: display.weather.intensity },
    frame: displayFrame(display),
    transition: display.transition && { kind: display.transition.kind, endsAt: display.transition.endsAt.toISOString() },
    updatedAt: display.updatedAt.toISOString(),
  };
}

/** A change asked for on `P/room/<id>/set`, checked as the GraphQL mutations check theirs. */
export interface RoomSet {
  change: DisplayChange;
  /** Absent: at once. */
  transitionMs?: number;
}

const ROOM_SET_FIELDS = new Set(['mode', 'color', 'pulse', 'transitionSeconds']);

/**
 * Reads `{mode?, color?, pulse?, transitionSeconds?}`: at least one of mode, color and pulse; a
 * colour or pulse without a mode switches to MANUAL, as `changeDisplay` does. Throws
 * MessageRefused saying what is wrong.
 */
export function parseRoomSet(payload: string): RoomSet {
  const input = objectPayload(payload);
  const unknown = Object.keys(input).filter((key) => !ROOM_SET_FIELDS.has(key));
  if (unknown.length > 0) throw new MessageRefused(`unknown field ${unknown.join(', ')}; give mode, color, pulse, transitionSeconds`);
  if (input.mode === undefined && input.color === undefined && input.pulse === undefined) {
    throw new MessageRefused('give at least one of mode, color and pulse');
  }
  const change: DisplayChange = {};
  if (input.color !== undefined || input.pulse !== undefined) change.mode = 'MANUAL';
  if (input.mode !== undefined) change.mode = modeOf(input.mode);
  if (input.color !== undefined) change.color = colorOf(input.color);
  if (input.pulse !== undefined) {
    if (typeof input.pulse !== 'number' || !Number.isInteger(input.pulse) || input.pulse < 0 || input.pulse > PULSE_MAX) {
      throw new MessageRefused(`pulse must be an integer from 0 to ${PULSE_MAX}, got ${JSON.stringify(input.pulse)}`);
    }
    change.pulse = input.pulse;
  }
  const set: RoomSet = { change };
  if (input.transitionSeconds !== undefined) set.transitionMs = transitionMsOf(input.transitionSeconds);
  return set;
}

/** Any payload applies the scene at once; `{"transitionSeconds": n}` fades to it. */
export function parseSceneApply(payload: string): { transitionMs?: number } {
  if (!payload.trimStart().startsWith('{')) return {};
  const input = objectPayload(payload);
  const unknown = Object.keys(input).filter((key) => key !== 'transitionSeconds');
  if (unknown.length > 0) throw new MessageRefused(`unknown field ${unknown.join(', ')}; a scene takes only transitionSeconds`);
  return input.transitionSeconds === undefined ? {} : { transitionMs: transitionMsOf(input.transitionSeconds) };
}

function modeOf(value: unknown): DisplayMode {
  const mode = typeof value === 'string' ? value.trim().toUpperCase() : '';
  if (!(DISPLAY_MODES as readonly string[]).includes(mode)) {
    throw new MessageRefused(`mode must be one of ${DISPLAY_MODES.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return mode as DisplayMode;
}

function colorOf(value: unknown): Rgb {
  if (typeof value === 'string') {
    const rgb = parseHexColor(value);
    if (!rgb) throw new MessageRefused(`color must be a colour like "#ff8800" or {"r","g","b"}, got ${JSON.stringify(value)}`);
    return rgb;
  }
  return rgbOf(value, 'color');
}

function transitionMsOf(value: unknown): number {
  const max = MAX_TRANSITION_MS / 1000;
  if (typeof value !== 'number' || !(value >= 0 && value <= max)) {
    throw new MessageRefused(`transitionSeconds must be from 0 to ${max}, got ${JSON.stringify(value)}`);
  }
  return Math.round(value * 1000);
}
