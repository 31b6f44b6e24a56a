import { describe, expect, it } from 'vitest';
import {
  DEVICE_PORT,
  HEARTBEAT_TIMEOUT,
  HTTP_PORT,
  OWM_INTERVAL,
  read,
  readWeatherSettings,
  SettingError,
  TRUST_PROXY,
} from '../src/settings.js';

describe('settings from the environment', () => {
  it('gives the documented defaults, as values of the right type', () => {
    expect(read(HTTP_PORT, {})).toBe(4000);
    expect(read(DEVICE_PORT, {})).toBe(8080);
    expect(read(HEARTBEAT_TIMEOUT, {})).toBe(20);
    expect(read(TRUST_PROXY, {})).toBe(false);
    expect(read(OWM_INTERVAL, {})).toBe(600_000);
    expect(readWeatherSettings({})).toEqual({ intervalMs: 600_000 });
  });

  it.each([
    ['600', 600_000],
    ['90s', 90_000],
    ['10m', 600_000],
    ['1.5h', 5_400_000],
  ])('reads CC_OWM_INTERVAL=%s as %i ms', (text, ms) => {
    expect(read(OWM_INTERVAL, { CC_OWM_INTERVAL: text })).toBe(ms);
  });

  it('reads a place given one way, and refuses two', () => {
    expect(readWeatherSettings({ CC_OWM_API_KEY: 'k', CC_OWM_CITY_ID: '2657896' })).toEqual({
      intervalMs: 600_000,
      apiKey: 'k',
      place: { kind: 'city-id', cityId: 2657896 },
    });
    expect(readWeatherSettings({ CC_OWM_LAT: '-33.9', CC_OWM_LON: '151.2' }).place).toEqual({
      kind: 'coordinates',
      lat: -33.9,
      lon: 151.2,
    });
    expect(() => readWeatherSettings({ CC_OWM_CITY: 'Bern', CC_OWM_CITY_ID: '1' })).toThrow(SettingError);
    expect(() => readWeatherSettings({ CC_OWM_LON: '8' })).toThrow(/together/);
    expect(() => readWeatherSettings({ CC_OWM_LAT: '95', CC_OWM_LON: '8' })).toThrow(/CC_OWM_LAT must be a latitude/);
  });
});
