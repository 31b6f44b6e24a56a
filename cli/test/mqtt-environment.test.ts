import { describe, expect, it } from 'vitest';
import { readMqttSettings } from '../src/mqtt-environment.js';
import { SettingError } from '../src/settings.js';

describe('MQTT settings from the environment', () => {
  it('leaves everything to the defaults when nothing is set: the bridge is off', () => {
    expect(readMqttSettings({})).toEqual({});
  });

  it('reads the broker, its credentials and both prefixes', () => {
    expect(
      readMqttSettings({
        CC_MQTT_URL: 'mqtts://broker.example.com:8883',
        CC_MQTT_USERNAME: 'home',
        CC_MQTT_PASSWORD: 's3cret pass',
        CC_MQTT_TOPIC_PREFIX: 'house/lamps',
        CC_HA_DISCOVERY_PREFIX: 'ha',
      }),
    ).toEqual({
      url: 'mqtts://broker.example.com:8883',
      username: 'home',
      password: 's3cret pass',
      topicPrefix: 'house/lamps',
      discoveryPrefix: 'ha',
    });
  });

  it('takes user:password from the URL and keeps the URL without them', () => {
    expect(readMqttSettings({ CC_MQTT_URL: 'mqtt://home:p%40ss@192.168.1.10:1883' })).toEqual({
      url: 'mqtt://192.168.1.10:1883',
      username: 'home',
      password: 'p@ss',
    });
    // The same credentials twice are fine; two different ones are a mistake worth stopping for.
    expect(readMqttSettings({ CC_MQTT_URL: 'mqtt://home@broker', CC_MQTT_USERNAME: 'home' }).username).toBe('home');
    expect(() => readMqttSettings({ CC_MQTT_URL: 'mqtt://home:one@broker', CC_MQTT_PASSWORD: 'two' })).toThrow(
      'CC_MQTT_URL holds a password that differs from CC_MQTT_PASSWORD: give it once',
    );
  });

  it('turns discovery off when CC_HA_DISCOVERY_PREFIX is set but empty, and only then', () => {
    expect(readMqttSettings({ CC_HA_DISCOVERY_PREFIX: '' })).toEqual({ discoveryPrefix: '' });
    expect(readMqttSettings({ CC_HA_DISCOVERY_PREFIX: '  ' })).toEqual({ discoveryPrefix: '' });
    expect(readMqttSettings({ CC_MQTT_URL: '' })).toEqual({});
  });

  it.each([
    [{ CC_MQTT_URL: 'ws://broker:9001' }, 'CC_MQTT_URL must start with mqtt:// or mqtts://, got ws://'],
    [{ CC_MQTT_URL: 'broker.local' }, 'CC_MQTT_URL must be a URL such as mqtt://192.168.1.10:1883 or mqtts://broker.example.com'],
    [{ CC_MQTT_URL: 'mqtt://broker/topic' }, 'CC_MQTT_URL must be only a scheme, host and port'],
    [{ CC_MQTT_USERNAME: '   ' }, 'CC_MQTT_USERNAME must be a non-empty user name, got "   "'],
    [{ CC_MQTT_TOPIC_PREFIX: 'home/#' }, 'CC_MQTT_TOPIC_PREFIX must not contain +, # or NUL'],
    [{ CC_MQTT_TOPIC_PREFIX: 'home//lamps' }, 'CC_MQTT_TOPIC_PREFIX must not start or end with / or have empty levels'],
    [{ CC_MQTT_TOPIC_PREFIX: '$SYS' }, 'CC_MQTT_TOPIC_PREFIX must not start with $ (reserved for the broker)'],
    [{ CC_MQTT_TOPIC_PREFIX: 'x'.repeat(101) }, 'CC_MQTT_TOPIC_PREFIX must be at most 100 characters'],
    [{ CC_HA_DISCOVERY_PREFIX: 'ha/+' }, 'CC_HA_DISCOVERY_PREFIX must not contain +, # or NUL'],
    [{ CC_HA_DISCOVERY_PREFIX: 'cloud-cloud' }, 'CC_MQTT_TOPIC_PREFIX and CC_HA_DISCOVERY_PREFIX must differ'],
  ])('refuses %o naming the variable', (env, message) => {
    expect(() => readMqttSettings(env)).toThrow(new SettingError(message));
  });

  it('never repeats a URL that holds a password', () => {
    expect(() => readMqttSettings({ CC_MQTT_URL: 'mqtt://home:hunter2@broker/lamps' })).toThrow(
      /^CC_MQTT_URL must be only a scheme, host and port$/,
    );
  });
});
