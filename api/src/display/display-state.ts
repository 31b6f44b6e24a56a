import { formatDisplayPacket, WeatherState, type Display, type Rgb } from '@cloud-cloud/protocol/packet';

export type DisplayMode = 'OFF' | 'WEATHER' | 'MANUAL';
export const DISPLAY_MODES = ['OFF', 'WEATHER', 'MANUAL'] as const satisfies readonly DisplayMode[];

export interface WeatherDisplay {
  state: WeatherState;
  intensity: number;
}

/**
 * What the lamps of one room show. Colour and pulse are kept while the mode is OFF or WEATHER,
 * so switching back to MANUAL restores them; the weather is the same in every room.
 */
export interface DisplayState {
  roomId: string;
  mode: DisplayMode;
  color: Rgb;
  pulse: number;
  weather: WeatherDisplay;
  updatedAt: Date;
  /** Increases with every change of this room's state; lets subscribers drop anything they have already seen. */
  revision: number;
  /** Set while a fade, wake-up light or sleep timer is taking the room somewhere; mode, colour and pulse are what it shows now. */
  transition: DisplayTransition | null;
}

/** Where a room's display is going: the mode, colour and pulse it will show. */
export interface DisplayTarget {
  mode: DisplayMode;
  color: Rgb;
  pulse: number;
}

export type TransitionKind = 'FADE' | 'WAKE_UP' | 'SLEEP';
export const TRANSITION_KINDS = ['FADE', 'WAKE_UP', 'SLEEP'] as const satisfies readonly TransitionKind[];

/** A room on its way to `target`, which it shows from `endsAt`. */
export interface DisplayTransition {
  kind: TransitionKind;
  target: DisplayTarget;
  startedAt: Date;
  endsAt: Date;
}

/** Before any weather report: clear sky at full intensity, as the original server did. */
export const DEFAULT_WEATHER: WeatherDisplay = { state: WeatherState.ClearSky, intensity: 9 };

export function initialDisplayState(roomId: string, weather: WeatherDisplay, now: Date): DisplayState {
  return {
    roomId,
    mode: 'OFF',
    color: { r: 255, g: 255, b: 255 },
    pulse: 0,
    weather,
    updatedAt: now,
    revision: 0,
    transition: null,
  };
}

export function toDisplay(state: DisplayTarget & { weather: WeatherDisplay }): Display {
  switch (state.mode) {
    case 'OFF':
      return { mode: 'off' };
    case 'WEATHER':
      return { mode: 'weather', state: state.weather.state, intensity: state.weather.intensity };
    case 'MANUAL':
      return { mode: 'manual', color: state.color, pulse: state.pulse };
  }
}

/** The exact packet lamps receive for this state. */
export function displayFrame(state: DisplayTarget & { weather: WeatherDisplay }): string {
  return formatDisplayPacket(toDisplay(state));
}

export function sameDisplay(a: DisplayState, b: DisplayState): boolean {
  return (
    a.mode === b.mode &&
    a.pulse === b.pulse &&
    a.color.r === b.color.r &&
    a.color.g === b.color.g &&
    a.color.b === b.color.b &&
    a.weather.state === b.weather.state &&
    a.weather.intensity === b.weather.intensity
  );
}

export function sameTransition(a: DisplayTransition | null, b: DisplayTransition | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.kind === b.kind &&
    a.startedAt.getTime() === b.startedAt.getTime() &&
    a.endsAt.getTime() === b.endsAt.getTime() &&
    a.target.mode === b.target.mode &&
    a.target.pulse === b.target.pulse &&
    a.target.color.r === b.target.color.r &&
    a.target.color.g === b.target.color.g &&
    a.target.color.b === b.target.color.b
  );
}
