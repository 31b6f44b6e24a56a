import { describe, expect, it } from 'vitest';
import { RAMP_MS, weatherDisplayFor, type SkyObservation } from '../src/weather/weather-mapping.js';

const SUNRISE = new Date('2026-11-21T06:34:00Z');
const SUNSET = new Date('2026-11-21T15:43:00Z');
const NOON = new Date('2026-11-21T11:00:00Z');
const MINUTE = 60_000;

function sky(conditionId: number, cloudiness: number | null = null): SkyObservation {
  return { conditionId, cloudiness, sunrise: SUNRISE, sunset: SUNSET };
}

describe('condition table', () => {
  it.each([
    [200, 6, 1],
    [202, 6, 5],
    [221, 6, 9],
    [232, 6, 5],
    [300, 5, 1],
    [311, 5, 0],
    [321, 5, 2],
    [500, 5, 3],
    [501, 5, 5],
    [504, 5, 9],
    [511, 7, 5],
    [531, 5, 7],
    [600, 7, 4],
    [611, 7, 2],
    [622, 7, 6],
    [701, 8, 2],
    [721, 8, 6],
    [762, 8, 8],
    [771, 9, 6],
    [781, 9, 9],
    [800, 3, 9],
    [801, 3, 7],
    [900, 9, 9],
    [903, 3, 5],
    [906, 6, 7],
    [951, 3, 8],
    [952, 9, 1],
    [962, 9, 9],
  ])('maps %i to state %i, intensity %i', (id, state, intensity) => {
    expect(weatherDisplayFor(sky(id), NOON)).toEqual({ state, intensity });
  });

  it('shows clear sky at 9 for an id it does not know', () => {
    expect(weatherDisplayFor(sky(999), NOON)).toEqual({ state: 3, intensity: 9 });
    expect(weatherDisplayFor(sky(0), NOON)).toEqual({ state: 3, intensity: 9 });
  });
});

describe('cloudy skies', () => {
  it.each([
    [802, 0, 0],
    [802, 1, 1],
    [803, 29, 3],
    [803, 30, 3],
    [804, 90, 9],
    [804, 91, 10],
    [804, 100, 10],
  ])('condition %i with %i %% clouds has intensity %i', (id, clouds, intensity) => {
    expect(weatherDisplayFor(sky(id, clouds), NOON)).toEqual({ state: 4, intensity });
  });

  it('does not apply cloudiness to other states', () => {
    expect(weatherDisplayFor(sky(501, 100), NOON)).toEqual({ state: 5, intensity: 5 });
  });
});

describe('sunrise and sunset ramps', () => {
  const at = (base: Date, offsetMs: number) => new Date(base.getTime() + offsetMs);

  it('runs the sunrise ramp over the 40 minutes before sunrise', () => {
    const rain = sky(501);
    expect(weatherDisplayFor(rain, at(SUNRISE, -RAMP_MS - 1))).toEqual({ state: 5, intensity: 5 });
    expect(weatherDisplayFor(rain, at(SUNRISE, -RAMP_MS))).toEqual({ state: 1, intensity: 0 });
    expect(weatherDisplayFor(rain, at(SUNRISE, -RAMP_MS + 1000))).toEqual({ state: 1, intensity: 0.01 });
    expect(weatherDisplayFor(rain, at(SUNRISE, -20 * MINUTE))).toEqual({ state: 1, intensity: 5 });
    expect(weatherDisplayFor(rain, at(SUNRISE, -13 * MINUTE))).toEqual({ state: 1, intensity: 6.75 });
    expect(weatherDisplayFor(rain, at(SUNRISE, -1000))).toEqual({ state: 1, intensity: 10 });
    expect(weatherDisplayFor(rain, SUNRISE)).toEqual({ state: 5, intensity: 5 });
  });

  it('runs the sunset ramp over the 40 minutes after sunset', () => {
    const clear = sky(800);
    expect(weatherDisplayFor(clear, at(SUNSET, -1))).toEqual({ state: 3, intensity: 9 });
    expect(weatherDisplayFor(clear, SUNSET)).toEqual({ state: 2, intensity: 0 });
    expect(weatherDisplayFor(clear, at(SUNSET, 20 * MINUTE))).toEqual({ state: 2, intensity: 5 });
    expect(weatherDisplayFor(clear, at(SUNSET, 7 * MINUTE + 300))).toEqual({ state: 2, intensity: 1.76 });
    expect(weatherDisplayFor(clear, at(SUNSET, RAMP_MS - 1))).toEqual({ state: 2, intensity: 10 });
    expect(weatherDisplayFor(clear, at(SUNSET, RAMP_MS))).toEqual({ state: 3, intensity: 9 });
  });

  it('keeps ramping on the next day from a report of the day before', () => {
    const nextSunrise = at(SUNRISE, 24 * 3600_000 - 20 * MINUTE);
    expect(weatherDisplayFor(sky(800), nextSunrise)).toEqual({ state: 1, intensity: 5 });
  });

  it('has no ramps without sun times', () => {
    expect(weatherDisplayFor({ conditionId: 800, cloudiness: null, sunrise: null, sunset: null }, SUNSET)).toEqual({
      state: 3,
      intensity: 9,
    });
  });
});
