import type { MqttBridgeSnapshot } from '../mqtt/mqtt-bridge.js';
import {
  checkCredentialsAgree,
  checkPrefixesDiffer,
  checkTopicPrefix,
  MqttSettingError,
  parseBrokerUrl,
  type MqttSettings,
  type StoredMqttSettings,
} from '../mqtt/mqtt-settings.js';
import { builder } from './builder.js';
import { invalidArgument } from './errors.js';

const MAX_PREFIX = 100;
const MAX_URL = 500;
const MAX_CREDENTIAL = 500;

const MqttBridgeStateEnum = builder.enumType('MqttBridgeState', {
  description: 'How the bridge to the MQTT broker is doing.',
  values: {
    OFF: { description: 'No broker is configured: nothing is published.' },
    CONNECTING: { description: 'Connecting to the broker for the first time with these settings.' },
    CONNECTED: { description: 'Connected: Home Assistant and other MQTT clients see the home.' },
    RECONNECTING: { description: 'The connection failed or broke; the next attempt is at nextAttemptAt.' },
  } as const,
});

const MqttBridgeRef = builder.objectRef<MqttBridgeSnapshot>('MqttBridge').implement({
  description: 'The bridge to an MQTT broker (Home Assistant discovery and plain topics): its settings and how it is doing.',
  fields: (t) => ({
    state: t.field({ type: MqttBridgeStateEnum, description: 'How the connection is doing.', resolve: (b) => b.status.state }),
    message: t.string({
      nullable: true,
      description: 'Why the bridge is off, or the last connection error, in words (never with credentials).',
      resolve: (b) => b.status.message,
    }),
    connectedSince: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'Since when the bridge is connected; null while it is not.',
      resolve: (b) => b.status.connectedSince,
    }),
    lastErrorAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the last connection error happened.',
      resolve: (b) => b.status.lastErrorAt,
    }),
    nextAttemptAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the next connection attempt is due, while reconnecting.',
      resolve: (b) => b.status.nextAttemptAt,
    }),
    failedAttempts: t.int({ description: 'Connection attempts failed in a row.', resolve: (b) => b.status.failedAttempts }),
    url: t.string({
      nullable: true,
      description: 'The broker, e.g. mqtt://192.168.1.10:1883, without credentials; null while the bridge is off.',
      resolve: (b) => b.settings.url,
    }),
    username: t.string({
      nullable: true,
      description: 'The user name the bridge logs in to the broker with; shown to admins only (null for others).',
      resolve: (b, _args, { access }) => (access.manage ? b.settings.username : null),
    }),
    passwordConfigured: t.boolean({
      description: 'Whether a broker password is set (the password itself is never shown).',
      resolve: (b) => b.settings.password !== null,
    }),
    topicPrefix: t.string({
      description: 'Root of the plain topics, e.g. "cloud-cloud" for cloud-cloud/room/<id>/state.',
      resolve: (b) => b.settings.topicPrefix,
    }),
    discoveryPrefix: t.string({
      description: 'Where Home Assistant looks for discovery configs, e.g. "homeassistant"; empty when discovery is off.',
      resolve: (b) => b.settings.discoveryPrefix,
    }),
    discoveryEnabled: t.boolean({
      description: 'Whether Home Assistant discovery configs are published.',
      resolve: (b) => b.settings.discoveryPrefix !== '',
    }),
  }),
});

const MqttSettingsInput = builder.inputType('MqttSettingsInput', {
  description: 'Changes to the MQTT bridge; omitted fields stay as they are.',
  fields: (t) => ({
    url: t.string({
      required: false,
      description:
        'The broker: mqtt://host[:port] or mqtts://host[:port]; user:password@ in it are taken as username and password. An empty string turns the bridge off.',
    }),
    username: t.string({ required: false, description: 'User name for the broker; an empty string removes it.' }),
    password: t.string({ required: false, description: 'Password for the broker (never shown again); an empty string removes it.' }),
    topicPrefix: t.string({
      required: false,
      description: `Root of the plain topics: MQTT topic levels without wildcards, at most ${MAX_PREFIX} characters.`,
    }),
    discoveryPrefix: t.string({
      required: false,
      description: "Home Assistant's discovery prefix (its default is homeassistant); an empty string turns discovery off.",
    }),
  }),
});

builder.queryField('mqttBridge', (t) =>
  t.field({
    type: MqttBridgeRef,
    description: 'The MQTT bridge (Home Assistant and other MQTT clients): its settings and how its connection is doing.',
    authScopes: { observe: true },
    resolve: (_root, _args, { mqtt }) => mqtt.snapshot(),
  }),
);

builder.mutationField('configureMqtt', (t) =>
  t.field({
    type: MqttBridgeRef,
    description: 'Changes the MQTT bridge; kept across restarts. The bridge reconnects with the new settings at once.',
    authScopes: { manage: true },
    args: { settings: t.arg({ type: MqttSettingsInput, required: true, description: 'The changes.' }) },
    resolve: (_root, { settings }, { mqtt }) => mqtt.configure(mqttSettingsChange(settings, mqtt.snapshot().settings, 'settings')),
  }),
);

builder.subscriptionField('mqttBridge', (t) =>
  t.field({
    type: MqttBridgeRef,
    description: "The MQTT bridge at once, then on every change of its connection's state or its settings.",
    authScopes: { observe: true },
    subscribe: (_root, _args, { mqtt, signal }) => mqtt.updates(signal),
    resolve: (b) => b,
  }),
);

interface SettingsArgument {
  url?: string | null;
  username?: string | null;
  password?: string | null;
  topicPrefix?: string | null;
  discoveryPrefix?: string | null;
}

/**
 * The settings input as a change to the stored settings, checked field by field (`settings.url`, …).
 * No message repeats what was entered for the URL or the credentials: they may hold a password.
 */
function mqttSettingsChange(input: SettingsArgument, current: MqttSettings, argument: string): StoredMqttSettings {
  const field = (name: string) => `${argument}.${name}`;
  const checked = <T>(name: string, check: () => T): T => {
    try {
      return check();
    } catch (error) {
      if (error instanceof MqttSettingError) throw invalidArgument(field(name), error.message);
      throw error;
    }
  };
  const change: StoredMqttSettings = {};
  if (input.username != null) change.username = credential(input.username, field('username'));
  if (input.password != null) change.password = credential(input.password, field('password'));
  if (input.url != null) {
    if (input.url.trim() === '') {
      change.url = null;
    } else {
      if (input.url.length > MAX_URL) throw invalidArgument(field('url'), `must be at most ${MAX_URL} characters`);
      const address = checked('url', () => parseBrokerUrl(input.url!));
      checked('url', () => checkCredentialsAgree(address, change, { username: field('username'), password: field('password') }));
      change.url = address.url;
      for (const key of ['username', 'password'] as const) {
        const given = address[key];
        if (given !== undefined) change[key] = credential(given, field('url'));
      }
    }
  }
  if (input.topicPrefix != null) change.topicPrefix = checked('topicPrefix', () => checkTopicPrefix(input.topicPrefix!));
  if (input.discoveryPrefix != null) {
    change.discoveryPrefix = checked('discoveryPrefix', () => checkTopicPrefix(input.discoveryPrefix!, true));
  }
  const prefixes = {
    topicPrefix: change.topicPrefix ?? current.topicPrefix,
    discoveryPrefix: change.discoveryPrefix ?? current.discoveryPrefix,
  };
  checked(change.topicPrefix !== undefined ? 'topicPrefix' : 'discoveryPrefix', () =>
    checkPrefixesDiffer(prefixes, { topicPrefix: 'the topic prefix', discoveryPrefix: 'the discovery prefix' }),
  );
  return change;
}

/** A user name or password: '' removes it; kept exactly as given otherwise. */
function credential(value: string, argument: string): string | null {
  if (value === '') return null;
  if (value.length > MAX_CREDENTIAL) throw invalidArgument(argument, `must be at most ${MAX_CREDENTIAL} characters`);
  return value;
}
