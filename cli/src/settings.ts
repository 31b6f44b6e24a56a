import { MIN_ADMIN_PASSWORD_LENGTH } from '@cloud-cloud/contract/credentials';
import { z } from 'zod';

/** One environment variable: how it is documented, its default, and how it is read. */
export interface Setting<T> {
  env: string;
  description: string;
  /** The default as a person reads it in --help and the README. */
  defaultText: string;
  /** What a valid value looks like, for the one-line error. */
  expected: string;
  schema: z.ZodType<T, string | undefined>;
  /** A credential: its value never appears in an error or a log line. */
  secret: boolean;
}

export class SettingError extends Error {
  override name = 'SettingError';
}

const port = z
  .string()
  .regex(/^\d{1,5}$/)
  .transform(Number)
  .pipe(z.number().max(65535));
const seconds = z
  .string()
  .regex(/^\d+(\.\d+)?$/)
  .transform(Number)
  .pipe(z.number().positive().max(86_400));
const nonEmpty = z.string().trim().min(1);

export function setting<T>(
  env: string,
  description: string,
  defaultText: string,
  expected: string,
  schema: z.ZodType<T, string | undefined>,
  { secret = false }: { secret?: boolean } = {},
): Setting<T> {
  return { env, description, defaultText, expected, schema, secret };
}

export const HTTP_PORT = setting(
  'CC_HTTP_PORT',
  'HTTP port: GraphQL, GraphiQL, subscriptions and the web UI (0 picks a free port)',
  '4000',
  'a port number from 0 to 65535',
  port.default(4000),
);
export const DEVICE_PORT = setting(
  'CC_DEVICE_PORT',
  'Device port lamps connect to over WebSocket (0 picks a free port)',
  '8080',
  'a port number from 0 to 65535',
  port.default(8080),
);
export const HOST = setting(
  'CC_HOST',
  'Address both ports bind to',
  '0.0.0.0 (every IPv4 interface)',
  'an IP address or host name',
  nonEmpty.default('0.0.0.0'),
);
export const DEVICE_SECRET = setting(
  'CC_DEVICE_SECRET',
  'The shared secret lamps send first',
  'generated on first start and kept in the database',
  'a non-empty secret',
  nonEmpty.optional(),
  { secret: true },
);
export const DATA_DIR = setting(
  'CC_DATA_DIR',
  'Where the database (cloud-cloud.db) is kept',
  './data',
  'a directory path',
  nonEmpty.default('./data'),
);
export const API_URL = setting(
  'CC_API_URL',
  'The API a separately run adapter (npm run adapter) follows: its address, or its /adapter/graphql URL',
  'http://127.0.0.1:4000/adapter/graphql',
  'an http(s):// or ws(s):// URL',
  z
    .string()
    .url()
    .refine((url) => /^(https?|wss?):/.test(url))
    .default('http://127.0.0.1:4000/adapter/graphql'),
);
export const ADAPTER_TOKEN = setting(
  'CC_ADAPTER_TOKEN',
  'Token adapters present to the API (an ADAPTER-scope API token also works)',
  'a random one for the adapter inside `npm start`',
  'a non-empty token',
  nonEmpty.optional(),
  { secret: true },
);
export const ADMIN_PASSWORD = setting(
  'CC_ADMIN_PASSWORD',
  `Sets the admin password (at least ${MIN_ADMIN_PASSWORD_LENGTH} characters) instead of generating one`,
  'generated on first start and printed once',
  `a password of at least ${MIN_ADMIN_PASSWORD_LENGTH} characters`,
  z.string().min(MIN_ADMIN_PASSWORD_LENGTH).optional(),
  { secret: true },
);
export const API_TOKEN = setting(
  'CC_API_TOKEN',
  'An admin API token accepted as "Authorization: Bearer <token>", for automated set-ups',
  'none',
  'a token of at least 16 characters',
  z.string().trim().min(16).optional(),
  { secret: true },
);
export const TRUST_PROXY = setting(
  'CC_TRUST_PROXY',
  'Behind a reverse proxy: take client address and https from X-Forwarded-For/-Proto/-Host',
  'false',
  'true or false',
  z
    .enum(['true', 'false', '1', '0'])
    .transform((v) => v === 'true' || v === '1')
    .default(false),
);
export const HEARTBEAT_TIMEOUT = setting(
  'CC_HEARTBEAT_TIMEOUT',
  'Seconds without a ping or message before a lamp is dropped',
  '20',
  'a number of seconds above 0 and up to 86400',
  seconds.default(20),
);
/** `600`, `90s`, `10m` or `1h`, in milliseconds. */
const duration = z
  .string()
  .regex(/^\d+(\.\d+)?\s*[smh]?$/)
  .transform((text) => {
    const unit = text.trim().slice(-1);
    const factor = unit === 'm' ? 60_000 : unit === 'h' ? 3_600_000 : 1000;
    return Math.round(Number.parseFloat(text) * factor);
  })
  .pipe(z.number().min(10_000).max(86_400_000));

export const OWM_API_KEY = setting(
  'CC_OWM_API_KEY',
  'OpenWeatherMap API key; without one, weather mode shows clear sky',
  'none',
  'a non-empty key',
  nonEmpty.optional(),
  { secret: true },
);
export const OWM_CITY_ID = setting(
  'CC_OWM_CITY_ID',
  'Place for the weather, by OpenWeatherMap city id (e.g. 2657896 for Zurich)',
  'none',
  'a positive whole number',
  z
    .string()
    .regex(/^\d{1,10}$/)
    .transform(Number)
    .pipe(z.number().int().positive())
    .optional(),
);
export const OWM_CITY = setting(
  'CC_OWM_CITY',
  'Place for the weather, by name (e.g. "Zurich,CH")',
  'none',
  'a city name',
  nonEmpty.optional(),
);
const coordinate = (limit: number) =>
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/)
    .transform(Number)
    .pipe(z.number().min(-limit).max(limit))
    .optional();
export const OWM_LAT = setting(
  'CC_OWM_LAT',
  'Place for the weather, by latitude (with CC_OWM_LON)',
  'none',
  'a latitude from -90 to 90',
  coordinate(90),
);
export const OWM_LON = setting(
  'CC_OWM_LON',
  'Place for the weather, by longitude (with CC_OWM_LAT)',
  'none',
  'a longitude from -180 to 180',
  coordinate(180),
);
export const OWM_INTERVAL = setting(
  'CC_OWM_INTERVAL',
  'How often weather is fetched: seconds, or with a unit (90s, 10m, 1h)',
  '10m',
  'a duration from 10s to 24h, such as 600, 90s or 10m',
  duration.default(10 * 60_000),
);
export const OWM_URL = setting(
  'CC_OWM_URL',
  'OpenWeatherMap base URL, for a proxy or a local stand-in',
  'https://api.openweathermap.org',
  'an http(s):// URL',
  z
    .string()
    .url()
    .refine((url) => /^https?:/.test(url))
    .optional(),
);

/**
 * The weather settings from the environment. The place may be given one way only; settings
 * changed through the API later take precedence.
 */
export function readWeatherSettings(env: NodeJS.ProcessEnv) {
  const cityId = read(OWM_CITY_ID, env);
  const city = read(OWM_CITY, env);
  const lat = read(OWM_LAT, env);
  const lon = read(OWM_LON, env);
  const forms = [cityId !== undefined, city !== undefined, lat !== undefined || lon !== undefined].filter(Boolean).length;
  if (forms > 1) throw new SettingError('set only one of CC_OWM_CITY_ID, CC_OWM_CITY, or CC_OWM_LAT with CC_OWM_LON');
  if ((lat === undefined) !== (lon === undefined)) throw new SettingError('CC_OWM_LAT and CC_OWM_LON must be set together');
  const place =
    cityId !== undefined
      ? { kind: 'city-id' as const, cityId }
      : city !== undefined
        ? { kind: 'city-name' as const, city }
        : lat !== undefined && lon !== undefined
          ? { kind: 'coordinates' as const, lat, lon }
          : undefined;
  const apiKey = read(OWM_API_KEY, env);
  const baseUrl = read(OWM_URL, env);
  return {
    intervalMs: read(OWM_INTERVAL, env),
    ...(apiKey ? { apiKey } : {}),
    ...(place ? { place } : {}),
    ...(baseUrl ? { baseUrl } : {}),
  };
}

/** `4194304`, `4096K`, `4M` or `4MiB`, in bytes. */
const size = z
  .string()
  .regex(/^\d+\s*([KM]i?B?)?$/i)
  .transform((text) => {
    const unit = /([KM])/i.exec(text)?.[1]?.toUpperCase();
    return Number.parseInt(text, 10) * (unit === 'M' ? 1024 * 1024 : unit === 'K' ? 1024 : 1);
  })
  .pipe(
    z
      .number()
      .int()
      .min(64 * 1024)
      .max(64 * 1024 * 1024),
  );

export const FIRMWARE_MAX_SIZE = setting(
  'CC_FIRMWARE_MAX_SIZE',
  'Largest firmware image accepted: bytes, or with K or M (4M)',
  '4M',
  'a size from 64K to 64M, such as 4M',
  size.default(4 * 1024 * 1024),
);

export const WEATHER_SETTINGS = [OWM_API_KEY, OWM_CITY_ID, OWM_CITY, OWM_LAT, OWM_LON, OWM_INTERVAL, OWM_URL];

export const NODE_ENV = setting(
  'NODE_ENV',
  'development adds the cause of internal errors to API answers; otherwise they are masked',
  'unset (masked)',
  'any value; only "development" changes anything',
  z.string().optional(),
);

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const LOG_LEVEL = setting(
  'CC_LOG_LEVEL',
  `Log detail: ${LOG_LEVELS.join(', ')}`,
  'info',
  `one of ${LOG_LEVELS.join(', ')}`,
  z.enum(LOG_LEVELS).default('info'),
);

/** Reads one setting from `env`; throws a SettingError that names the variable. */
export function read<T>(spec: Setting<T>, env: NodeJS.ProcessEnv): T {
  const raw = env[spec.env];
  const value = raw === '' ? undefined : raw;
  const result = spec.schema.safeParse(value);
  if (!result.success) {
    // A rejected secret may still be a real one (a typo away from it): say what is wrong, never what it is.
    const got = spec.secret ? `got a value of ${raw?.length ?? 0} characters (not shown)` : `got ${JSON.stringify(raw)}`;
    throw new SettingError(`${spec.env} must be ${spec.expected}, ${got}`);
  }
  return result.data;
}

export function helpText(command: string, summary: string, specs: Setting<unknown>[]): string {
  const width = Math.max(...specs.map((s) => s.env.length));
  const lines = specs.map((s) => `  ${s.env.padEnd(width)}  ${s.description}\n  ${' '.repeat(width)}  default: ${s.defaultText}`);
  return `Usage: ${command} [--help]\n\n${summary}\n\nConfiguration (environment variables):\n${lines.join('\n')}\n`;
}
