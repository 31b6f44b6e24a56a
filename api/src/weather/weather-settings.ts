import { z } from 'zod';
import { DEFAULT_OWM_URL, type WeatherPlace } from './openweathermap.js';

/** Where and how often weather is fetched. */
export interface WeatherSettings {
  apiKey: string | null;
  place: WeatherPlace | null;
  intervalMs: number;
  baseUrl: string;
}

export const DEFAULT_WEATHER_SETTINGS: WeatherSettings = {
  apiKey: null,
  place: null,
  intervalMs: 10 * 60_000,
  baseUrl: DEFAULT_OWM_URL,
};

export const MIN_INTERVAL_MS = 10_000;

const PlaceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('city-id'), cityId: z.number().int().positive() }),
  z.object({ kind: z.literal('city-name'), city: z.string().min(1) }),
  z.object({ kind: z.literal('coordinates'), lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) }),
]);

/** What an admin changed through the API; kept in the database and laid over the defaults. */
export const StoredWeatherSettings = z
  .object({
    apiKey: z.string().min(1).nullable(),
    place: PlaceSchema.nullable(),
    intervalMs: z.number().int().min(MIN_INTERVAL_MS),
    baseUrl: z.string().url(),
  })
  .partial();
export type StoredWeatherSettings = z.infer<typeof StoredWeatherSettings>;

export function effectiveSettings(defaults: Partial<WeatherSettings>, stored: StoredWeatherSettings): WeatherSettings {
  const settings = { ...DEFAULT_WEATHER_SETTINGS, ...defaults, ...stored };
  // A bad interval would turn the schedule into a request storm; never let one through.
  if (!Number.isSafeInteger(settings.intervalMs) || settings.intervalMs < MIN_INTERVAL_MS) {
    throw new RangeError(`the weather interval must be at least ${MIN_INTERVAL_MS} ms, got ${String(settings.intervalMs)}`);
  }
  return settings;
}

export function isConfigured(settings: WeatherSettings): settings is WeatherSettings & { apiKey: string; place: WeatherPlace } {
  return settings.apiKey !== null && settings.place !== null;
}
