import { COLOR_CHANNEL_MAX, PULSE_MAX, type Rgb } from '@cloud-cloud/protocol/packet';
import type { DisplayMode, DisplayState } from '../display/display-state.js';
import type { DisplayChange } from '../rooms/room-displays.js';
import { MAX_TRANSITION_MS } from '../rooms/room-displays.js';
import { MessageRefused, objectPayload } from './message-refused.js';

/** The effects a room light offers Home Assistant: the pulse speeds and the weather display. */
export const LIGHT_EFFECTS = ['Steady', ...Array.from({ length: PULSE_MAX }, (_, i) => `Pulse ${i + 1}`), 'Weather'];

/** A room as Home Assistant's JSON-schema light sees it. */
export interface LightState {
  state: 'ON' | 'OFF';
  color_mode: 'rgb';
  color: Rgb;
  brightness: number;
  effect: string;
}

/** The mode a room light switched ON with nothing else returns to. */
export type OnMode = Exclude<DisplayMode, 'OFF'>;

export function lightState(display: DisplayState): LightState {
  return {
    state: display.mode === 'OFF' ? 'OFF' : 'ON',
    color_mode: 'rgb',
    color: atFullBrightness(display.color),
    brightness: brightnessOf(display.color),
    effect: display.mode === 'WEATHER' ? 'Weather' : effectOfPulse(display.pulse),
  };
}

/** A room colour's brightness: its brightest channel. */
export function brightnessOf(color: Rgb): number {
  return Math.max(color.r, color.g, color.b);
}

/** The colour scaled so its brightest channel is 255; black has no hue, so it is white. */
export function atFullBrightness(color: Rgb): Rgb {
  return atBrightness(color, COLOR_CHANNEL_MAX);
}

/** The colour scaled so its brightest channel is `brightness` (black counts as white). */
export function atBrightness(color: Rgb, brightness: number): Rgb {
  const max = brightnessOf(color);
  if (max === 0) return { r: brightness, g: brightness, b: brightness };
  const scale = (channel: number) => Math.min(COLOR_CHANNEL_MAX, Math.round((channel * brightness) / max));
  return { r: scale(color.r), g: scale(color.g), b: scale(color.b) };
}

function effectOfPulse(pulse: number): string {
  return pulse === 0 ? 'Steady' : `Pulse ${pulse}`;
}

/** A command Home Assistant sent to a room light, checked. */
export interface LightCommand {
  state?: 'ON' | 'OFF';
  color?: Rgb;
  brightness?: number;
  effect?: string;
  /** Seconds, at most two hours (longer asks are shortened to that). */
  transition?: number;
}

const LIGHT_COMMAND_FIELDS = new Set(['state', 'color', 'brightness', 'effect', 'transition']);

/** Reads a JSON-schema light command; throws MessageRefused saying what is wrong. */
export function parseLightCommand(payload: string): LightCommand {
  const input = objectPayload(payload);
  const unknown = Object.keys(input).filter((key) => !LIGHT_COMMAND_FIELDS.has(key));
  if (unknown.length > 0)
    throw new MessageRefused(`unknown field ${unknown.join(', ')}; a light takes state, color, brightness, effect, transition`);
  const command: LightCommand = {};
  if (input.state !== undefined) {
    if (input.state !== 'ON' && input.state !== 'OFF')
      throw new MessageRefused(`state must be "ON" or "OFF", got ${JSON.stringify(input.state)}`);
    command.state = input.state;
  }
  if (input.color !== undefined) command.color = rgbOf(input.color, 'color');
  if (input.brightness !== undefined) command.brightness = channel(input.brightness, 'brightness');
  if (input.effect !== undefined) {
    if (typeof input.effect !== 'string' || !LIGHT_EFFECTS.includes(input.effect)) {
      throw new MessageRefused(`effect must be one of ${LIGHT_EFFECTS.join(', ')}, got ${JSON.stringify(input.effect)}`);
    }
    command.effect = input.effect;
  }
  if (input.transition !== undefined) {
    if (typeof input.transition !== 'number' || !(input.transition >= 0)) {
      throw new MessageRefused(`transition must be a number of seconds from 0, got ${JSON.stringify(input.transition)}`);
    }
    command.transition = Math.min(input.transition, MAX_TRANSITION_MS / 1000);
  }
  if (Object.keys(command).length === 0) throw new MessageRefused('give at least one of state, color, brightness, effect');
  return command;
}

/** `{r, g, b}`, each an integer 0-255. */
export function rgbOf(value: unknown, field: string): Rgb {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MessageRefused(`${field} must be an object {"r","g","b"}, got ${JSON.stringify(value)}`);
  }
  const record = value as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => key !== 'r' && key !== 'g' && key !== 'b');
  if (unknown.length > 0) throw new MessageRefused(`${field} has unknown field ${unknown.join(', ')}; give r, g and b`);
  return { r: channel(record.r, `${field}.r`), g: channel(record.g, `${field}.g`), b: channel(record.b, `${field}.b`) };
}

function channel(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > COLOR_CHANNEL_MAX) {
    throw new MessageRefused(`${field} must be an integer from 0 to ${COLOR_CHANNEL_MAX}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** What a light command changes in a room: one display change, shown over `transitionMs`. */
export interface LightChange {
  change: DisplayChange;
  transitionMs: number;
}

/**
 * The room change a light command means. OFF switches the room off; ON alone brings back the
 * mode it had before (`onMode`); a colour or brightness shows that colour at that brightness;
 * an effect picks the pulse or the weather display. Null when the command changes nothing.
 */
export function lightChange(command: LightCommand, current: DisplayState, onMode: OnMode): LightChange | null {
  const transitionMs = Math.round((command.transition ?? 0) * 1000);
  if (command.state === 'OFF') return { change: { mode: 'OFF' }, transitionMs };
  const change: DisplayChange = {};
  if (command.color !== undefined || command.brightness !== undefined) {
    const roomBrightness = brightnessOf(current.color);
    const brightness = command.brightness ?? (roomBrightness === 0 ? COLOR_CHANNEL_MAX : roomBrightness);
    change.mode = 'MANUAL';
    change.color = atBrightness(command.color ?? current.color, brightness);
  }
  if (command.effect === 'Weather') {
    change.mode = 'WEATHER';
  } else if (command.effect !== undefined) {
    change.mode = 'MANUAL';
    change.pulse = command.effect === 'Steady' ? 0 : Number(command.effect.slice('Pulse '.length));
  }
  if (change.mode === undefined && command.state === 'ON' && current.mode === 'OFF') change.mode = onMode;
  if (Object.keys(change).length === 0) return null;
  return { change, transitionMs };
}
