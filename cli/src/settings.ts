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
}

export class SettingError extends Error {
  override name = 'SettingError';
}

const port = z.string().regex(/^\d{1,5}$/).transform(Number).pipe(z.number().max(65535));
const seconds = z.string().regex(/^\d+(\.\d+)?$/).transform(Number).pipe(z.number().positive().max(86_400));
const nonEmpty = z.string().trim().min(1);

function setting<T>(
  env: string,
  description: string,
  defaultText: string,
  expected: string,
  schema: z.ZodType<T, string | undefined>,
): Setting<T> {
  return { env, description, defaultText, expected, schema };
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
  'GraphQL endpoint a separately run adapter follows',
  'http://127.0.0.1:4000/graphql',
  'an http(s):// or ws(s):// URL',
  z
    .string()
    .url()
    .refine((url) => /^(https?|wss?):/.test(url))
    .default('http://127.0.0.1:4000/graphql'),
);
export const ADAPTER_TOKEN = setting(
  'CC_ADAPTER_TOKEN',
  'Token adapters present to the API (an ADAPTER-scope API token also works)',
  'a random one for the adapter inside `npm start`',
  'a non-empty token',
  nonEmpty.optional(),
);
export const ADMIN_PASSWORD = setting(
  'CC_ADMIN_PASSWORD',
  'Sets the admin password (at least 8 characters) instead of generating one',
  'generated on first start and printed once',
  'a password of at least 8 characters',
  z.string().min(8).optional(),
);
export const API_TOKEN = setting(
  'CC_API_TOKEN',
  'An admin API token accepted as "Authorization: Bearer <token>", for automated set-ups',
  'none',
  'a token of at least 16 characters',
  z.string().trim().min(16).optional(),
);
export const TRUST_PROXY = setting(
  'CC_TRUST_PROXY',
  'Behind a reverse proxy: take client address and https from X-Forwarded-For/-Proto/-Host',
  'false',
  'true or false',
  z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1').default(false),
);
export const HEARTBEAT_TIMEOUT = setting(
  'CC_HEARTBEAT_TIMEOUT',
  'Seconds without a ping or message before a lamp is dropped',
  '20',
  'a number of seconds above 0 and up to 86400',
  seconds.default(20),
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
    throw new SettingError(`${spec.env} must be ${spec.expected}, got ${JSON.stringify(raw)}`);
  }
  return result.data;
}

export function helpText(command: string, summary: string, specs: Setting<unknown>[]): string {
  const width = Math.max(...specs.map((s) => s.env.length));
  const lines = specs.map((s) => `  ${s.env.padEnd(width)}  ${s.description}\n  ${' '.repeat(width)}  default: ${s.defaultText}`);
  return `Usage: ${command} [--help]\n\n${summary}\n\nConfiguration (environment variables):\n${lines.join('\n')}\n`;
}
