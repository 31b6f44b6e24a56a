import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AS_ADMIN, graphql, graphqlData, subscribe, wsClient } from './support/graphql.js';
import { brokerAvailable, TestBroker } from './support/mosquitto.js';
import { openEventStream } from './support/sse.js';
import { startSystem, temporaryDataDir, type RunningSystem, type SystemStartOptions } from './support/system.js';

/*
 * The MQTT bridge's settings as an admin sees and changes them through the API: over HTTP,
 * graphql-ws and server-sent events, kept across restarts, each field checked, the password
 * never given back.
 */

const BRIDGE = `{ state message connectedSince lastErrorAt nextAttemptAt failedAttempts
  url username passwordConfigured topicPrefix discoveryPrefix discoveryEnabled }`;
const QUERY = `{ mqttBridge ${BRIDGE} }`;
const CONFIGURE = `mutation($settings: MqttSettingsInput!) { configureMqtt(settings: $settings) ${BRIDGE} }`;
const PASSWORD = 'broker-pass-7f3e9a';

let broker: TestBroker;
beforeAll(async () => {
  if (!brokerAvailable()) return;
  broker = await TestBroker.start({ username: 'home', password: PASSWORD });
});
afterAll(() => broker?.dispose());

const running: RunningSystem[] = [];
afterEach(async () => {
  for (const system of running.splice(0)) await system.stop();
});

/** A system whose every log line (at trace level) is kept, to look for the password in. */
async function start(options: SystemStartOptions = {}): Promise<{ system: RunningSystem; logs: string[] }> {
  const logs: string[] = [];
  const logger = pino({ level: 'trace' }, new Writable({ write: (chunk, _encoding, done) => (logs.push(String(chunk)), done()) }));
  const system = await startSystem({ logger, ...options });
  running.push(system);
  return { system, logs };
}

async function tokenWith(system: RunningSystem, scope: 'READ_ONLY' | 'ADAPTER'): Promise<Record<string, string>> {
  const { createApiToken } = await graphqlData(system.http, `mutation { createApiToken(name: "${scope}", scope: ${scope}) { token } }`);
  return { authorization: `Bearer ${createApiToken.token}` };
}

describe.runIf(brokerAvailable())('the MQTT bridge settings', () => {
  it('are off by default and say how to turn the bridge on', async () => {
    const { system } = await start();
    const { mqttBridge } = await graphqlData(system.http, QUERY);
    expect(mqttBridge).toEqual({
      state: 'OFF',
      message: expect.any(String),
      connectedSince: null,
      lastErrorAt: null,
      nextAttemptAt: null,
      failedAttempts: 0,
      url: null,
      username: null,
      passwordConfigured: false,
      topicPrefix: 'cloud-cloud',
      discoveryPrefix: 'homeassistant',
      discoveryEnabled: true,
    });
  });

  it('an admin configures the broker over HTTP; user:pass in the URL become the credentials; kept across a restart', async () => {
    const data = temporaryDataDir();
    try {
      const first = await start({ databaseFile: data.databaseFile });
      const url = broker.url.replace('mqtt://', `mqtt://home:${encodeURIComponent(PASSWORD)}@`);
      const { configureMqtt } = await graphqlData(first.system.http, CONFIGURE, {
        settings: { url, topicPrefix: 'house/lamps', discoveryPrefix: 'ha' },
      });
      expect(configureMqtt).toMatchObject({
        url: broker.url,
        username: 'home',
        passwordConfigured: true,
        topicPrefix: 'house/lamps',
        discoveryPrefix: 'ha',
        discoveryEnabled: true,
      });
      expect(configureMqtt.state).not.toBe('OFF');
      await first.system.stop({ keepData: true });
      running.splice(running.indexOf(first.system), 1);

      const second = await start({ databaseFile: data.databaseFile });
      expect((await graphqlData(second.system.http, QUERY)).mqttBridge).toMatchObject({
        url: broker.url,
        username: 'home',
        passwordConfigured: true,
        topicPrefix: 'house/lamps',
        discoveryPrefix: 'ha',
      });
    } finally {
      data.remove();
    }
  });

  it('over graphql-ws too: omitted fields stay, empty strings remove credentials, turn discovery and the bridge off', async () => {
    const { system } = await start({ mqtt: { url: broker.url, username: 'home', password: PASSWORD } });
    expect((await graphqlData(system.http, QUERY)).mqttBridge).toMatchObject({
      url: broker.url,
      username: 'home',
      passwordConfigured: true,
    });
    const client = wsClient(system.http);
    const configure = async (settings: Record<string, string>) =>
      (await subscribe(client, CONFIGURE, { settings }).next()).configureMqtt as Record<string, unknown>;

    expect(await configure({ discoveryPrefix: '' })).toMatchObject({
      url: broker.url,
      username: 'home',
      passwordConfigured: true,
      discoveryPrefix: '',
      discoveryEnabled: false,
    });
    expect(await configure({ username: '', password: '' })).toMatchObject({ username: null, passwordConfigured: false });
    expect(await configure({ url: '' })).toMatchObject({ state: 'OFF', url: null, discoveryPrefix: '' });
    await client.dispose();
  });

  it.each([
    ['settings.url', { url: 'ws://127.0.0.1:9001' }, /mqtt:\/\/ or mqtts:\/\//],
    ['settings.url', { url: 'mqtt://' }, /host|URL/],
    ['settings.url', { url: 'mqtt://broker.local/lamps' }, /only a scheme, host and port/],
    ['settings.url', { url: `mqtt://${'b'.repeat(600)}` }, /at most 500/],
    ['settings.topicPrefix', { topicPrefix: 'home/#' }, /\+, # or NUL/],
    ['settings.topicPrefix', { topicPrefix: 'home/+/lamps' }, /\+, # or NUL/],
    ['settings.topicPrefix', { topicPrefix: '$SYS/lamps' }, /\$/],
    ['settings.topicPrefix', { topicPrefix: 'home//lamps' }, /empty levels/],
    ['settings.topicPrefix', { topicPrefix: '/home' }, /start or end with \//],
    ['settings.topicPrefix', { topicPrefix: '' }, /must not be empty/],
    ['settings.topicPrefix', { topicPrefix: 'x'.repeat(101) }, /at most 100/],
    ['settings.discoveryPrefix', { discoveryPrefix: 'homeassistant/#' }, /\+, # or NUL/],
    ['settings.discoveryPrefix', { discoveryPrefix: 'cloud-cloud' }, /must differ/],
    ['settings.username', { username: 'u'.repeat(501) }, /at most 500/],
    ['settings.url', { url: 'mqtt://home:one@broker.local', password: 'two' }, /differs from settings.password/],
  ])('refuses a bad %s (%#), naming it, and changes nothing', async (argument, settings, reason) => {
    const { system } = await start();
    const before = await graphqlData(system.http, QUERY);
    const refused = await graphql(system.http, CONFIGURE, { settings });
    expect(refused.data ?? null).toBeNull();
    expect(refused.errors?.[0]).toMatchObject({
      message: expect.stringMatching(new RegExp(`^${argument.replace('.', '\\.')}: `)),
      extensions: { code: 'BAD_USER_INPUT', argument },
    });
    expect(refused.errors?.[0]?.message).toMatch(reason);
    expect(refused.errors?.[0]?.message).not.toContain('one@');
    expect(await graphqlData(system.http, QUERY)).toEqual(before);
  });

  it.each(['READ_ONLY', 'ADAPTER'] as const)('%s credentials see the status but not the user name, and cannot configure', async (scope) => {
    const { system } = await start({ mqtt: { url: broker.url, username: 'home', password: PASSWORD } });
    const reader = await tokenWith(system, scope);
    const seen = await graphql(system.http, QUERY, undefined, reader);
    expect(seen.errors).toBeUndefined();
    expect(seen.data?.mqttBridge).toMatchObject({ url: broker.url, username: null, passwordConfigured: true });

    const refused = await graphql(system.http, CONFIGURE, { settings: { url: '' } }, reader);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const client = wsClient(system.http, reader);
    const updates = subscribe(client, `subscription { mqttBridge ${BRIDGE} }`);
    expect((await updates.next()).mqttBridge).toMatchObject({ url: broker.url, username: null });
    expect(await subscribe(client, CONFIGURE, { settings: { url: '' } }).error).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }),
    ]);
    await client.dispose();
    expect((await graphqlData(system.http, QUERY)).mqttBridge.url).toBe(broker.url);
  });

  it('never gives the password back in an answer, an error or a log line', async () => {
    const { system, logs } = await start();
    const answers: unknown[] = [];
    const ask = async (query: string, variables?: Record<string, unknown>) => {
      const answer = await graphql(system.http, query, variables);
      answers.push(answer);
      return answer;
    };
    await ask(CONFIGURE, { settings: { url: broker.url, username: 'home', password: PASSWORD } });
    await ask(CONFIGURE, { settings: { url: `mqtt://home:${PASSWORD}@127.0.0.1:${broker.port}` } });
    await ask(CONFIGURE, { settings: { url: `mqtt://home:${PASSWORD}@127.0.0.1:${broker.port}/path` } });
    await ask(CONFIGURE, { settings: { url: `ftp://home:${PASSWORD}@127.0.0.1` } });
    await ask(CONFIGURE, { settings: { password: PASSWORD, topicPrefix: '#' } });
    await ask(QUERY);
    const stream = await openEventStream(system.http, `subscription { mqttBridge ${BRIDGE} }`, AS_ADMIN);
    answers.push((await stream.next())?.data);
    stream.close();
    expect(answers).toHaveLength(7);
    expect(JSON.stringify(answers)).not.toContain(PASSWORD);
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.join('')).not.toContain(PASSWORD);
  });

  it('follows over server-sent events: the state at once, then every change', async () => {
    const { system } = await start();
    const stream = await openEventStream(system.http, 'subscription { mqttBridge { state url topicPrefix } }', AS_ADMIN);
    expect(stream.status).toBe(200);
    expect((await stream.next())?.data?.data?.mqttBridge).toEqual({ state: 'OFF', url: null, topicPrefix: 'cloud-cloud' });
    await graphqlData(system.http, CONFIGURE, { settings: { url: broker.url, topicPrefix: 'house' } });
    // After the settings, the bridge may report more steps of its connection; the new URL shows in each.
    const changed = (await stream.next())?.data?.data?.mqttBridge;
    expect(changed).toMatchObject({ url: broker.url, topicPrefix: 'house' });
    expect(changed.state).not.toBe('OFF');
    stream.close();
  });
});
