import { z } from 'zod';

/** Where the weather is fetched for: one of OpenWeatherMap's three ways to name a place. */
export type WeatherPlace =
  { kind: 'city-id'; cityId: number } | { kind: 'city-name'; city: string } | { kind: 'coordinates'; lat: number; lon: number };

/** A current-weather reply, reduced to what cloud-cloud uses. Temperatures in °C. */
export interface WeatherReport {
  conditionId: number;
  condition: string;
  description: string;
  temperature: number;
  feelsLike: number | null;
  humidity: number | null;
  windSpeed: number | null;
  cloudiness: number;
  sunrise: Date;
  sunset: Date;
  observedAt: Date;
  fetchedAt: Date;
  placeName: string;
  country: string | null;
  cityId: number | null;
  lat: number;
  lon: number;
}

export type WeatherFetchFailure = 'unauthorized' | 'not-found' | 'rate-limited' | 'server-error' | 'timeout' | 'unreachable' | 'bad-reply';

export class WeatherFetchError extends Error {
  override name = 'WeatherFetchError';
  constructor(
    readonly failure: WeatherFetchFailure,
    message: string,
  ) {
    super(message);
  }
}

export const DEFAULT_OWM_URL = 'https://api.openweathermap.org';
const KELVIN = 273.15;

/** The reply as OpenWeatherMap documents it; fields we do not use are ignored. */
const CurrentWeatherReply = z.object({
  weather: z.array(z.object({ id: z.number().int(), main: z.string(), description: z.string() })).min(1),
  main: z.object({
    temp: z.number(),
    feels_like: z.number().optional(),
    humidity: z.number().optional(),
  }),
  wind: z.object({ speed: z.number() }).partial().optional(),
  clouds: z.object({ all: z.number().min(0).max(100) }),
  dt: z.number().int(),
  sys: z.object({ sunrise: z.number().int(), sunset: z.number().int(), country: z.string().optional() }),
  coord: z.object({ lat: z.number(), lon: z.number() }),
  id: z.number().int().optional(),
  name: z.string(),
});

const ErrorReply = z.object({ cod: z.union([z.number(), z.string()]).optional(), message: z.string().optional() });

export interface FetchOptions {
  baseUrl: string;
  apiKey: string;
  place: WeatherPlace;
  timeoutMs: number;
  now: () => Date;
}

/** Fetches current weather; every way it can fail becomes a WeatherFetchError with a message for people. */
export async function fetchCurrentWeather({ baseUrl, apiKey, place, timeoutMs, now }: FetchOptions): Promise<WeatherReport> {
  const url = new URL('/data/2.5/weather', baseUrl);
  switch (place.kind) {
    case 'city-id':
      url.searchParams.set('id', String(place.cityId));
      break;
    case 'city-name':
      url.searchParams.set('q', place.city);
      break;
    case 'coordinates':
      url.searchParams.set('lat', String(place.lat));
      url.searchParams.set('lon', String(place.lon));
      break;
  }
  url.searchParams.set('appid', apiKey);
  const where = url.host;

  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
  } catch (error) {
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
      throw new WeatherFetchError('timeout', `${where} did not answer within ${Math.round(timeoutMs / 1000)} s`);
    }
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new WeatherFetchError('unreachable', `cannot reach ${where}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
  }

  let body: unknown;
  let text = '';
  try {
    text = await response.text();
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!response.ok) throw httpFailure(response.status, body, where);
  if (body === undefined)
    throw new WeatherFetchError('bad-reply', `${where} answered with something that is not JSON: ${JSON.stringify(text.slice(0, 60))}`);
  const parsed = CurrentWeatherReply.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new WeatherFetchError(
      'bad-reply',
      `${where} answered JSON of an unexpected shape: ${issue.path.join('.') || 'reply'}: ${issue.message}`,
    );
  }
  const reply = parsed.data;
  const [weather] = reply.weather;
  return {
    conditionId: weather!.id,
    condition: weather!.main,
    description: weather!.description,
    temperature: round(reply.main.temp - KELVIN),
    feelsLike: reply.main.feels_like === undefined ? null : round(reply.main.feels_like - KELVIN),
    humidity: reply.main.humidity ?? null,
    windSpeed: reply.wind?.speed ?? null,
    cloudiness: reply.clouds.all,
    sunrise: new Date(reply.sys.sunrise * 1000),
    sunset: new Date(reply.sys.sunset * 1000),
    observedAt: new Date(reply.dt * 1000),
    fetchedAt: now(),
    placeName: reply.name,
    country: reply.sys.country ?? null,
    cityId: reply.id ?? null,
    lat: reply.coord.lat,
    lon: reply.coord.lon,
  };
}

function httpFailure(status: number, body: unknown, where: string): WeatherFetchError {
  const detail = ErrorReply.safeParse(body).data?.message;
  const said = detail ? `: ${detail}` : '';
  switch (status) {
    case 401:
      return new WeatherFetchError('unauthorized', `OpenWeatherMap refused the API key (401)${said}`);
    case 404:
      return new WeatherFetchError('not-found', `OpenWeatherMap does not know this place (404)${said}`);
    case 429:
      return new WeatherFetchError('rate-limited', `OpenWeatherMap is rate limiting this key (429)${said}`);
    default:
      return new WeatherFetchError('server-error', `${where} answered ${status}${said}`);
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
