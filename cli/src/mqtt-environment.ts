import {
  checkCredentialsAgree,
  checkPrefixesDiffer,
  checkTopicPrefix,
  DEFAULT_MQTT_SETTINGS,
  MqttSettingError,
  parseBrokerUrl,
  type MqttSettings,
} from '@cloud-cloud/api/mqtt/mqtt-settings';
import { z } from 'zod';
import { read, setting, SettingError, type Setting } from './settings.js';

/*
 * The MQTT bridge's environment variables. The URL and the prefixes are checked with the same
 * rules as the configureMqtt mutation; no error repeats the URL, which may hold a password.
 */

const anyText = z.string().optional();

export const MQTT_URL = setting(
  'CC_MQTT_URL',
  'MQTT broker for Home Assistant and other MQTT clients (mqtt://host:1883 or mqtts://…); the bridge is off without one',
  'none (off)',
  'an mqtt:// or mqtts:// URL',
  anyText,
);
export const MQTT_USERNAME = setting(
  'CC_MQTT_USERNAME',
  'User name for the MQTT broker (or give user:password@ in CC_MQTT_URL)',
  'none',
  'a non-empty user name',
  z.string().trim().min(1).optional(),
);
export const MQTT_PASSWORD = setting('CC_MQTT_PASSWORD', 'Password for the MQTT broker', 'none', 'a password', anyText, {
  secret: true,
});
export const MQTT_TOPIC_PREFIX = setting(
  'CC_MQTT_TOPIC_PREFIX',
  'Root of the plain MQTT topics: <prefix>/room/<id>/state, <prefix>/status, …',
  DEFAULT_MQTT_SETTINGS.topicPrefix,
  'MQTT topic levels without wildcards',
  anyText,
);
export const HA_DISCOVERY_PREFIX = setting(
  'CC_HA_DISCOVERY_PREFIX',
  "Home Assistant's MQTT discovery prefix; set but empty turns discovery off (the plain topics stay)",
  DEFAULT_MQTT_SETTINGS.discoveryPrefix,
  'MQTT topic levels without wildcards, or empty',
  anyText,
);

export const MQTT_SETTINGS: Setting<unknown>[] = [MQTT_URL, MQTT_USERNAME, MQTT_PASSWORD, MQTT_TOPIC_PREFIX, HA_DISCOVERY_PREFIX];

/** The MQTT settings from the environment; settings changed through the API later take precedence. */
export function readMqttSettings(env: NodeJS.ProcessEnv): Partial<MqttSettings> {
  const settings: Partial<MqttSettings> = {};
  const username = read(MQTT_USERNAME, env);
  const password = read(MQTT_PASSWORD, env);
  if (username !== undefined) settings.username = username;
  if (password !== undefined) settings.password = password;

  const url = read(MQTT_URL, env);
  if (url !== undefined && url.trim() !== '') {
    const address = checked(MQTT_URL, () => parseBrokerUrl(url));
    checked(MQTT_URL, () =>
      checkCredentialsAgree(address, { username, password }, { username: MQTT_USERNAME.env, password: MQTT_PASSWORD.env }),
    );
    settings.url = address.url;
    if (address.username !== undefined) settings.username = address.username;
    if (address.password !== undefined) settings.password = address.password;
  }

  const topicPrefix = read(MQTT_TOPIC_PREFIX, env);
  if (topicPrefix !== undefined) settings.topicPrefix = checked(MQTT_TOPIC_PREFIX, () => checkTopicPrefix(topicPrefix));
  // `read` takes an empty value as unset; here set-but-empty has a meaning of its own.
  const discoveryPrefix = env[HA_DISCOVERY_PREFIX.env];
  if (discoveryPrefix !== undefined) {
    settings.discoveryPrefix = checked(HA_DISCOVERY_PREFIX, () => checkTopicPrefix(discoveryPrefix, true));
  }
  const prefixes = {
    topicPrefix: settings.topicPrefix ?? DEFAULT_MQTT_SETTINGS.topicPrefix,
    discoveryPrefix: settings.discoveryPrefix ?? DEFAULT_MQTT_SETTINGS.discoveryPrefix,
  };
  checked(undefined, () => checkPrefixesDiffer(prefixes, { topicPrefix: MQTT_TOPIC_PREFIX.env, discoveryPrefix: HA_DISCOVERY_PREFIX.env }));
  return settings;
}

/**
 * Runs one check, giving its reason with the variable's name (never its value); without `spec`
 * the reason names its variables itself.
 */
function checked<T>(spec: Setting<unknown> | undefined, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof MqttSettingError) throw new SettingError(spec ? `${spec.env} ${error.message}` : error.message);
    throw error;
  }
}
