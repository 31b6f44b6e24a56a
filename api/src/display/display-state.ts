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
  };
}

export function toDisplay(state: DisplayState): Display {
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
export function displayFrame(state: DisplayState): string {
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
