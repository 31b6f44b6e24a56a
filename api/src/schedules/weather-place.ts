import type { WeatherSnapshot } from '../weather/weather-service.js';
import type { Place } from './schedule-timing.js';

/**
 * The place the weather settings name, as coordinates: given as such, or (for a city) those of
 * the last weather report for it. Null when neither is known yet.
 */
export function weatherPlace(weather: Pick<WeatherSnapshot, 'settings' | 'report'>): Place | null {
  const place = weather.settings.place;
  if (place?.kind === 'coordinates') return { latitude: place.lat, longitude: place.lon };
  if (place && weather.report) return { latitude: weather.report.lat, longitude: weather.report.lon };
  return null;
}
