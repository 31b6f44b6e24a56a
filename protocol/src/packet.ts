/**
 * Packets the server sends to lamps: `[cc:<mode>:<param1>:<param2>]`.
 *
 * Pure functions only. The adapter is a transport around this module and the API uses it
 * to show `DisplayState.frame`, so both always agree on the exact bytes a lamp receives.
 */

import type { Rgb } from './color.js';

export type { Rgb } from './color.js';

/** Weather states understood by lamp firmware (param1 of mode 1). */
export const WeatherState = {
  Sunrise: 1,
  Sunset: 2,
  ClearSky: 3,
  CloudySky: 4,
  Rain: 5,
  Storm: 6,
  Snow: 7,
  Mist: 8,
  Wind: 9,
} as const;
export type WeatherState = (typeof WeatherState)[keyof typeof WeatherState];

/** What a lamp is asked to show. Everything a display packet can express. */
export type Display =
  { mode: 'off' } | { mode: 'weather'; state: WeatherState; intensity: number } | { mode: 'manual'; color: Rgb; pulse: number };

/** One-shot commands; never part of the display state. */
export type Command = 'reset' | 'update' | 'debug-on' | 'debug-off';

export const COLOR_CHANNEL_MAX = 255;
export const PULSE_MAX = 9;
export const WEATHER_STATE_MIN = 1;
export const WEATHER_STATE_MAX = 9;
/** Sunrise and sunset ramps run up to 10; steady weather uses 0-9. */
export const INTENSITY_MAX = 10;

export class PacketError extends Error {
  override name = 'PacketError';
}

const UNUSED = '?';

/** Formats the display packet for `display`; throws PacketError for values a lamp cannot take. */
export function formatDisplayPacket(display: Display): string {
  switch (display.mode) {
    case 'off':
      return packet('0', UNUSED, UNUSED);
    case 'weather':
      assertInteger('weather state', display.state, WEATHER_STATE_MIN, WEATHER_STATE_MAX);
      return packet('1', String(display.state), formatIntensity(display.intensity));
    case 'manual': {
      const { r, g, b } = display.color;
      assertInteger('r', r, 0, COLOR_CHANNEL_MAX);
      assertInteger('g', g, 0, COLOR_CHANNEL_MAX);
      assertInteger('b', b, 0, COLOR_CHANNEL_MAX);
      assertInteger('pulse', display.pulse, 0, PULSE_MAX);
      return packet('2', `${r},${g},${b}`, String(display.pulse));
    }
  }
}

const COMMAND_PACKETS: Record<Command, string> = {
  reset: packet('r', UNUSED, UNUSED),
  update: packet('u', UNUSED, UNUSED),
  'debug-on': packet('d', '1', UNUSED),
  'debug-off': packet('d', '0', UNUSED),
};

export function formatCommandPacket(command: Command): string {
  return COMMAND_PACKETS[command];
}

/**
 * Intensity as firmware expects it: whole numbers plain (`9`), ramp values with at most two
 * decimals and no trailing zeros (`4.57`, `2.5`).
 */
export function formatIntensity(intensity: number): string {
  if (!Number.isFinite(intensity) || intensity < 0 || intensity > INTENSITY_MAX) {
    throw new PacketError(`intensity must be a number from 0 to ${INTENSITY_MAX}, got ${intensity}`);
  }
  return String(Math.round(intensity * 100) / 100);
}

export type ServerPacket = { kind: 'display'; display: Display } | { kind: 'command'; command: Command };

const PACKET_PATTERN = /^\[cc:([^:\]]+):([^:\]]+):([^:\]]+)\]$/;
const INTEGER = /^\d{1,3}$/;
const INTENSITY = /^\d{1,2}(\.\d{1,2})?$/;

/**
 * Parses a packet as a lamp would. The server never needs this; simulated lamps, tests and
 * benchmarks do, and it pins the format from the other side.
 */
export function parseServerPacket(text: string): ServerPacket {
  const match = PACKET_PATTERN.exec(text);
  if (!match) throw new PacketError(`not a [cc:…] packet: ${JSON.stringify(text)}`);
  const [, mode, param1, param2] = match as unknown as [string, string, string, string];
  switch (mode) {
    case '0':
      expectUnused(text, param1, param2);
      return { kind: 'display', display: { mode: 'off' } };
    case '1': {
      const state = parseInteger('weather state', param1, WEATHER_STATE_MIN, WEATHER_STATE_MAX);
      if (!INTENSITY.test(param2)) throw new PacketError(`bad intensity in ${text}`);
      const intensity = Number(param2);
      if (intensity > INTENSITY_MAX) throw new PacketError(`intensity above ${INTENSITY_MAX} in ${text}`);
      return { kind: 'display', display: { mode: 'weather', state: state as WeatherState, intensity } };
    }
    case '2': {
      const channels = param1.split(',');
      if (channels.length !== 3) throw new PacketError(`colour needs r,g,b in ${text}`);
      const [r, g, b] = channels.map((c, i) => parseInteger('rgb'[i]!, c, 0, COLOR_CHANNEL_MAX)) as [number, number, number];
      const pulse = parseInteger('pulse', param2, 0, PULSE_MAX);
      return { kind: 'display', display: { mode: 'manual', color: { r, g, b }, pulse } };
    }
    case 'r':
      expectUnused(text, param1, param2);
      return { kind: 'command', command: 'reset' };
    case 'u':
      expectUnused(text, param1, param2);
      return { kind: 'command', command: 'update' };
    case 'd':
      if (param2 !== UNUSED || (param1 !== '0' && param1 !== '1')) throw new PacketError(`bad debug packet ${text}`);
      return { kind: 'command', command: param1 === '1' ? 'debug-on' : 'debug-off' };
    default:
      throw new PacketError(`unknown mode ${JSON.stringify(mode)} in ${text}`);
  }
}

function packet(mode: string, param1: string, param2: string): string {
  return `[cc:${mode}:${param1}:${param2}]`;
}

function assertInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new PacketError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
}

function parseInteger(name: string, text: string, min: number, max: number): number {
  if (!INTEGER.test(text)) throw new PacketError(`${name} is not a whole number: ${JSON.stringify(text)}`);
  const value = Number(text);
  assertInteger(name, value, min, max);
  return value;
}

function expectUnused(text: string, ...params: string[]): void {
  if (params.some((p) => p !== UNUSED)) throw new PacketError(`unused parameters must be ? in ${text}`);
}
