import { WeatherState } from '@cloud-cloud/protocol/packet';
import type { WeatherDisplay } from '../display/display-state.js';
import { CONDITION_DISPLAYS, UNKNOWN_CONDITION_DISPLAY } from './condition-displays.js';

/** How long the sunrise and sunset animations run: before sunrise, and after sunset. */
export const RAMP_MS = 40 * 60_000;
const DAY_MS = 24 * 3600_000;

/** What the mapping needs from a weather report. */
export interface SkyObservation {
  conditionId: number;
  /** `clouds.all`, 0-100 %. */
  cloudiness: number | null;
  sunrise: Date | null;
  sunset: Date | null;
}

/**
 * What the lamp shows for `observation` at `at`. Pure: the same inputs always give the same
 * display, so the mapping can be previewed and tested at any moment of the day.
 */
export function weatherDisplayFor(observation: SkyObservation, at: Date): WeatherDisplay {
  return rampAt(observation, at) ?? steadyDisplay(observation);
}

function steadyDisplay({ conditionId, cloudiness }: SkyObservation): WeatherDisplay {
  const mapped = CONDITION_DISPLAYS.get(conditionId) ?? UNKNOWN_CONDITION_DISPLAY;
  if (mapped.state === WeatherState.CloudySky && cloudiness !== null) {
    // Integer arithmetic: ceil(cloudiness / 100 × 10) without floating-point surprises.
    return { state: WeatherState.CloudySky, intensity: Math.ceil((cloudiness * 10) / 100) };
  }
  return mapped;
}

/**
 * The sunrise ramp runs from 40 minutes before sunrise until sunrise, the sunset ramp from
 * sunset until 40 minutes after. A report's times are for its own day; the neighbouring days
 * are tried too, so the ramps keep coming while fetching fails for a while.
 */
function rampAt({ sunrise, sunset }: SkyObservation, at: Date): WeatherDisplay | null {
  const now = at.getTime();
  for (const shift of [0, DAY_MS, -DAY_MS]) {
    if (sunrise) {
      const start = sunrise.getTime() + shift - RAMP_MS;
      if (now >= start && now < start + RAMP_MS) return { state: WeatherState.Sunrise, intensity: rampIntensity(now - start) };
    }
    if (sunset) {
      const start = sunset.getTime() + shift;
      if (now >= start && now < start + RAMP_MS) return { state: WeatherState.Sunset, intensity: rampIntensity(now - start) };
    }
  }
  return null;
}

/** 0 to 10 over the ramp, rounded up to two decimals. */
export function rampIntensity(elapsedMs: number): number {
  return Math.ceil((elapsedMs * 1000) / RAMP_MS) / 100;
}
