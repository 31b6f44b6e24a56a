import { z } from 'zod';

/** Where the MQTT bridge connects and which topics it uses. */
export interface MqttSettings {
  /** `mqtt://host[:port]` or `mqtts://…`, without credentials; null keeps the bridge off. */
  url: string | null;
  username: string | null;
  password: string | null;
  /** Root of the plain topics: `<prefix>/room/<id>/state`, `<prefix>/status`, … */
  topicPrefix: string;
  /** Where Home Assistant looks for discovery configs; '' turns discovery off. */
  discoveryPrefix: string;
}

export const DEFAULT_MQTT_SETTINGS: MqttSettings = {
  url: null,
  username: null,
  password: null,
  topicPrefix: 'cloud-cloud',
  discoveryPrefix: 'homeassistant',
};

/** A setting that cannot be used, and why, in words fit for the one who set it. */
export class MqttSettingError extends Error {
  override name = 'MqttSettingError';
}

export interface BrokerAddress {
  url: string;
  username?: string;
  password?: string;
}

/**
 * Checks a broker URL and splits credentials given in it (`mqtt://user:pass@host`) out of it,
 * so the URL can be shown and logged without them.
 */
export function parseBrokerUrl(text: string): BrokerAddress {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new MqttSettingError('must be a URL such as mqtt://192.168.1.10:1883 or mqtts://broker.example.com');
  }
  if (url.protocol !== 'mqtt:' && url.protocol !== 'mqtts:') {
    throw new MqttSettingError(`must start with mqtt:// or mqtts://, got ${url.protocol}//`);
  }
  if (url.hostname === '') throw new MqttSettingError('names no host');
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '') {
    throw new MqttSettingError('must be only a scheme, host and port');
  }
  const address: BrokerAddress = { url: '' };
  if (url.username !== '') address.username = decodeURIComponent(url.username);
  if (url.password !== '') address.password = decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  address.url = `${url.protocol}//${url.host}`;
  return address;
}

/** The names a person gave the credentials by, e.g. the variables or the arguments. */
export interface CredentialNames {
  username: string;
  password: string;
}

/**
 * Checks that a broker URL holding a user name or password (`mqtt://user:pass@host`) agrees with
 * the one given beside it: said twice, they must be the same. The error says which one differs,
 * by the name it was given beside the URL.
 */
export function checkCredentialsAgree(
  address: BrokerAddress,
  beside: { username?: string | null; password?: string | null },
  names: CredentialNames,
): void {
  for (const key of ['username', 'password'] as const) {
    const inUrl = address[key];
    const given = beside[key];
    if (inUrl !== undefined && given != null && given !== inUrl) {
      throw new MqttSettingError(`holds a ${key === 'username' ? 'user name' : key} that differs from ${names[key]}: give it once`);
    }
  }
}

/**
 * Checks that the plain topics' prefix and the discovery prefix differ: one prefix for both would
 * make the bridge's own status topic look like Home Assistant's birth message. The error names
 * both, by the names they were given by.
 */
export function checkPrefixesDiffer(
  prefixes: { topicPrefix: string; discoveryPrefix: string },
  names: { topicPrefix: string; discoveryPrefix: string },
): void {
  if (prefixes.topicPrefix === prefixes.discoveryPrefix) {
    throw new MqttSettingError(`${names.topicPrefix} and ${names.discoveryPrefix} must differ`);
  }
}

/**
 * Checks a topic prefix: MQTT topic levels without wildcards, empty levels or an edge slash.
 * `allowEmpty` is for the discovery prefix, where '' means "no discovery".
 */
export function checkTopicPrefix(text: string, allowEmpty = false): string {
  const prefix = text.trim();
  if (prefix === '') {
    if (allowEmpty) return '';
    throw new MqttSettingError('must not be empty');
  }
  if (prefix.length > 100) throw new MqttSettingError('must be at most 100 characters');
  if (/[+#]/u.test(prefix) || prefix.includes('\0')) throw new MqttSettingError('must not contain +, # or NUL');
  if (prefix.startsWith('/') || prefix.endsWith('/') || prefix.includes('//')) {
    throw new MqttSettingError('must not start or end with / or have empty levels');
  }
  if (prefix.startsWith('$')) throw new MqttSettingError('must not start with $ (reserved for the broker)');
  return prefix;
}

/** What an admin changed through the API; kept in the database and laid over the environment's. */
export const StoredMqttSettings = z
  .object({
    url: z.string().min(1).nullable(),
    username: z.string().min(1).nullable(),
    password: z.string().min(1).nullable(),
    topicPrefix: z.string().min(1),
    discoveryPrefix: z.string(),
  })
  .partial();
export type StoredMqttSettings = z.infer<typeof StoredMqttSettings>;

export function effectiveMqttSettings(defaults: Partial<MqttSettings>, stored: StoredMqttSettings): MqttSettings {
  return { ...DEFAULT_MQTT_SETTINGS, ...defaults, ...stored };
}
