import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlData } from './support/graphql.js';
import { BrokerPath, HomeAssistant, nodeIdOf, retainedOnBroker, startSystemWithBridge, topicsOf } from './support/home-assistant.js';
import type { TestLamp } from './support/lamp.js';
import { connectLamp, createRoom, lampWhen, setRoomColor } from './support/lamp-rooms.js';
import { brokerAvailable, TestBroker } from './support/mosquitto.js';
import { waitUntil, type RunningSystem } from './support/system.js';

/*
 * The bridge's availability and its way through broker trouble, against a real Mosquitto that
 * demands a password: Home Assistant sees it online, offline by its last will when its
 * connection dies, offline when it stops, and everything again after the broker restarts. This
 * installation uses prefixes of its own, so the node id is derived from the topic prefix.
 */

const USERNAME = 'cloud-cloud-bridge';
const PASSWORD = 'broker-secret-7Qx2';
const P = 'home.lan/cloud-cloud';
const D = 'hass';
const N = 'home_lan_cloud-cloud';
const T = topicsOf(P, D);
const MAC = '5C:CF:7F:BB:00:01';

let broker: TestBroker;
let path: BrokerPath;
let ha: HomeAssistant;
let running: RunningSystem | undefined;
let lamp: TestLamp;
let lampId: string;
const logged: { level: number; msg: string; [key: string]: unknown }[] = [];
const brokerLogin = { username: USERNAME, password: PASSWORD, topicPrefix: P, discoveryPrefix: D };

function bridge() {
  return running!.system.api.services.mqtt.snapshot().status;
}

describe.runIf(brokerAvailable())('the MQTT bridge when the broker or its connection goes away', () => {
  beforeAll(async () => {
    broker = await TestBroker.start({ username: USERNAME, password: PASSWORD });
    path = await BrokerPath.open(broker.port);
    ha = await HomeAssistant.connect(broker.url, brokerLogin);
    running = await startSystemWithBridge({
      mqtt: { url: path.url, username: USERNAME, password: PASSWORD, topicPrefix: P, discoveryPrefix: D },
      heartbeatTimeoutMs: 600_000,
      logger: pino({ level: 'debug' }, { write: (line: string) => void logged.push(JSON.parse(line)) }),
    });
    const connected = await connectLamp(running.device, { mac: MAC, version: '1.0.0' });
    lamp = connected.lamp;
    lampId = (await lampWhen(running.http, (l) => l.mac === MAC && l.online, 'the lamp')).id;
  });

  afterAll(async () => {
    await ha?.close();
    await running?.stop();
    // The system started again on the first one's data, which `stop` then leaves behind.
    if (running) rmSync(dirname(running.databaseFile), { recursive: true, force: true });
    await path?.close();
    await broker?.dispose();
  });

  it('comes online under its own prefixes, with unique ids from the node id of its topic prefix', async () => {
    expect(nodeIdOf(P)).toBe(N);
    expect(await ha.waitFor(T.status, 'online')).toBe('online');
    const config = await ha.waitForJson(T.room('home').config, () => true);
    expect(T.room('home').config).toBe(`hass/light/${N}/room_home/config`);
    expect(config).toMatchObject({
      unique_id: `${N}_room_home`,
      device: { identifiers: [`${N}_room_home`] },
      state_topic: `${P}/room/home/light`,
      command_topic: `${P}/room/home/light/set`,
      availability: [{ topic: `${P}/status` }],
    });
    await ha.waitForJson(T.lamp(lampId).resetConfig, (reset) => reset.unique_id === `${N}_lamp_${lampId}_reset`);
    expect(await ha.waitFor(T.lamp(lampId).availability, 'online')).toBe('online');
    expect(bridge()).toMatchObject({ state: 'CONNECTED', connectedSince: expect.any(Date), failedAttempts: 0 });
    expect((await retainedOnBroker(broker.url, brokerLogin)).get(T.status)).toBe('online');
  });

  it('is offline by its last will when its connection dies; lamps and API carry on; back, it publishes the current state', async () => {
    await ha.waitFor(T.status, 'online');
    path.refuse(true);
    path.cut();
    expect(await ha.waitFor(T.status, 'offline')).toBe('offline');
    await waitUntil(() => bridge().state === 'RECONNECTING' && bridge().failedAttempts >= 1, 10_000, 'the bridge to be reconnecting');
    expect(bridge()).toMatchObject({ nextAttemptAt: expect.any(Date), message: expect.any(String), connectedSince: null });

    // Meanwhile lamps and the API work as ever.
    expect(await setRoomColor(running!.http, 'home', '#123456')).toBe('[cc:2:18,52,86:0]');
    expect(await lamp.next()).toBe('[cc:2:18,52,86:0]');
    // A command left retained while the bridge is away would replay when it subscribes again.
    await ha.send(T.room('home').set, { mode: 'OFF' }, { retain: true });

    path.refuse(false);
    await ha.waitFor(T.status, 'online', 30_000);
    await ha.waitForJson(T.room('home').state, (state) => state.hex === '#123456' && state.mode === 'MANUAL');
    expect(bridge()).toMatchObject({ state: 'CONNECTED', connectedSince: expect.any(Date), nextAttemptAt: null });

    await waitUntil(
      () => logged.some((line) => line.level === 40 && JSON.stringify(line).includes(T.room('home').set)),
      10_000,
      'a warning about the retained command',
    );
    await ha.send(T.room('home').set, '', { retain: true });
    await ha.send(T.room('home').set, { mode: 'MANUAL', pulse: 1 });
    // Its very next packet: neither the retained OFF nor its removal did anything.
    expect(await lamp.next()).toBe('[cc:2:18,52,86:1]');
  });

  it('the broker stopped and restarted: lamps and API keep working; after the restart availability, configs and states are back', async () => {
    await ha.waitForJson(T.room('home').state, (state) => state.pulse === 1);
    await ha.sync();
    const configs = new Map(ha.configTopics().map((topic) => [topic, ha.payload(topic)]));
    expect(configs.size).toBeGreaterThanOrEqual(4);
    const connections = ha.connections;

    await broker.stop();
    await waitUntil(() => bridge().state === 'RECONNECTING', 10_000, 'the bridge to notice');
    expect(await setRoomColor(running!.http, 'home', '#654321')).toBe('[cc:2:101,67,33:1]');
    expect(await lamp.next()).toBe('[cc:2:101,67,33:1]');
    const attic = await createRoom(running!.http, 'Attic');
    expect((await graphqlData(running!.http, '{ rooms { id } }')).rooms).toHaveLength(2);

    await broker.start();
    await ha.waitUntil(() => ha.connections > connections, 'Home Assistant to reconnect', 30_000);
    expect(await ha.waitFor(T.status, 'online', 30_000)).toBe('online');
    for (const [topic, payload] of configs) expect(await ha.waitFor(topic, payload), topic).toBe(payload);
    await ha.waitForJson(T.room(attic.id).config, (config) => config.device.name === 'Attic');
    await ha.waitForJson(T.room('home').state, (state) => state.hex === '#654321');
    await ha.waitForJson(T.room('home').light, (light) => light.brightness === 101 && light.state === 'ON');
    expect(await ha.waitFor(T.lamp(lampId).availability, 'online')).toBe('online');
    await ha.waitForJson(T.lamp(lampId).state, (state) => state.online === true);
    expect(bridge().state).toBe('CONNECTED');
    const retained = await retainedOnBroker(broker.url, brokerLogin);
    for (const topic of configs.keys()) expect(retained.has(topic), topic).toBe(true);
  });

  it('configured without discovery, it keeps the plain topics, publishes no configs and removes none; with it again, they are back', async () => {
    await ha.waitFor(T.status, 'online');
    const configs = ha.configTopics();
    const mark = ha.mark();
    const snapshot = await running!.system.api.services.mqtt.configure({ discoveryPrefix: '' });
    expect(snapshot.settings.discoveryPrefix).toBe('');
    // `online` comes once everything else is published.
    await ha.waitForMessage(mark, T.status, (payload) => payload === 'online', 30_000);
    expect(ha.since(mark).filter((message) => message.topic.startsWith(`${D}/`))).toEqual([]);
    expect(ha.since(mark, T.room('home').state).length).toBeGreaterThan(0);
    expect(ha.since(mark, T.lamp(lampId).state).length).toBeGreaterThan(0);
    const retained = await retainedOnBroker(broker.url, brokerLogin);
    for (const topic of configs) expect(retained.has(topic), topic).toBe(true);
    // Nor does it answer a birth message then: the reset after it is the next thing it does.
    const afterBirth = ha.mark();
    await ha.birth();
    await ha.send(T.lamp(lampId).reset, 'PRESS');
    expect(await lamp.next()).toBe('[cc:r:?:?]');
    await ha.sync();
    expect(ha.since(afterBirth).filter((message) => message.topic.startsWith(`${D}/`) && message.topic !== T.birth)).toEqual([]);

    const again = ha.mark();
    await running!.system.api.services.mqtt.configure({ discoveryPrefix: D });
    await ha.waitForMessage(again, T.status, (payload) => payload === 'online', 30_000);
    for (const topic of configs) expect(ha.since(again, topic).length, topic).toBeGreaterThan(0);
  });

  it('never shows the broker password in logs or its status', () => {
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.filter((line) => JSON.stringify(line).includes(PASSWORD))).toEqual([]);
    expect(JSON.stringify(bridge())).not.toContain(PASSWORD);
  });

  it('says offline (retained) when the system stops; started again, ON brings back the mode each room had', async () => {
    await ha.waitFor(T.status, 'online');
    await ha.send(T.room('home').lightSet, { state: 'ON', effect: 'Weather' });
    expect(await lamp.next()).toMatch(/^\[cc:1:/);
    await ha.send(T.room('home').lightSet, { state: 'OFF' });
    expect(await lamp.next()).toBe('[cc:0:?:?]');

    const stopping = running!;
    running = undefined;
    await stopping.stop({ keepData: true });
    expect(await ha.waitFor(T.status, 'offline')).toBe('offline');
    expect((await retainedOnBroker(broker.url, brokerLogin)).get(T.status)).toBe('offline');

    running = await startSystemWithBridge({
      databaseFile: stopping.databaseFile,
      mqtt: { url: path.url, username: USERNAME, password: PASSWORD, topicPrefix: P, discoveryPrefix: D },
      heartbeatTimeoutMs: 600_000,
      logger: pino({ level: 'debug' }, { write: (line: string) => void logged.push(JSON.parse(line)) }),
    });
    expect(await ha.waitFor(T.status, 'online', 30_000)).toBe('online');
    lamp = (await connectLamp(running.device, { mac: MAC, version: '1.0.0' })).lamp;
    await ha.send(T.room('home').lightSet, { state: 'ON' });
    expect(await lamp.next()).toMatch(/^\[cc:1:/);
  });
});
