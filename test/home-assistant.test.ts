import pino from 'pino';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { esp32Image } from './support/firmware-images.js';
import { graphqlData, subscribe, wsClient, AS_ADMIN, type Subscription } from './support/graphql.js';
import { HomeAssistant, retainedOnBroker, startSystemWithBridge, topicsOf } from './support/home-assistant.js';
import type { TestLamp } from './support/lamp.js';
import { connectLamp, createRoom, hangUp, lampById, lampWhen, moveLamp, offline, setRoomColor } from './support/lamp-rooms.js';
import { brokerAvailable, TestBroker } from './support/mosquitto.js';
import { type RunningSystem } from './support/system.js';
import { esp32UpdateHeaders, md5, updateCheck } from './support/update-client.js';

/*
 * Home Assistant's side of the MQTT bridge, against a real Mosquitto and the whole system with
 * raw WebSocket lamps: every discovery payload as the README documents it, commands from Home
 * Assistant reaching lamps and GraphQL subscribers, and changes made elsewhere reaching MQTT.
 */

const T = topicsOf('cloud-cloud', 'homeassistant');
const N = 'cloud-cloud';
const EFFECTS = ['Steady', ...Array.from({ length: 9 }, (_, i) => `Pulse ${i + 1}`), 'Weather'];
const ORIGIN = { name: 'cloud-cloud', sw_version: expect.stringMatching(/\S/) };
const BRIDGE_AVAILABILITY = [{ topic: T.status }];
const LAMP_AVAILABILITY = (lampId: string) => [{ topic: T.status }, { topic: T.lamp(lampId).availability }];
const HUB = { identifiers: [`${N}_hub`], name: 'cloud-cloud', manufacturer: 'cloud-cloud', model: 'Home' };
const DISPLAY = 'roomId mode frame pulse color { r g b hex } weather { state intensity } transition { kind endsAt } updatedAt';
const MAC_A = '5C:CF:7F:AA:00:01';
const MAC_C = '5C:CF:7F:AA:00:03';

/** Passes when `actual` deep-equals `expected` (asymmetric matchers allowed), for waiting. */
function equals(actual: unknown, expected: unknown): boolean {
  try {
    expect(actual).toEqual(expected);
    return true;
  } catch {
    return false;
  }
}

function roomLightConfig(room: { id: string; name: string }) {
  return {
    schema: 'json',
    unique_id: `${N}_room_${room.id}`,
    name: null,
    device: { identifiers: [`${N}_room_${room.id}`], name: room.name, manufacturer: 'cloud-cloud', model: 'Room' },
    state_topic: T.room(room.id).light,
    command_topic: T.room(room.id).lightSet,
    supported_color_modes: ['rgb'],
    brightness: true,
    brightness_scale: 255,
    effect: true,
    effect_list: EFFECTS,
    origin: ORIGIN,
    availability: BRIDGE_AVAILABILITY,
  };
}

/** The device a lamp's entities share, from the lamp as GraphQL shows it. */
function lampDevice(lamp: any) {
  return {
    identifiers: [`${N}_lamp_${lamp.id}`],
    ...(lamp.mac ? { connections: [['mac', expect.stringMatching(new RegExp(`^${lamp.mac}$`, 'i'))]] } : {}),
    name: lamp.name,
    manufacturer: 'cloud-cloud',
    model: 'Cloud lamp',
    ...(lamp.firmwareVersion ? { sw_version: lamp.firmwareVersion } : {}),
    suggested_area: lamp.room.name,
    via_device: `${N}_room_${lamp.roomId}`,
  };
}

function lampOnlineConfig(lamp: any) {
  return {
    device_class: 'connectivity',
    state_topic: T.lamp(lamp.id).state,
    value_template: "{{ 'ON' if value_json.online else 'OFF' }}",
    entity_category: 'diagnostic',
    unique_id: `${N}_lamp_${lamp.id}_online`,
    name: 'Connection',
    device: lampDevice(lamp),
    origin: ORIGIN,
    availability: BRIDGE_AVAILABILITY,
  };
}

function lampResetConfig(lamp: any) {
  return {
    device_class: 'restart',
    command_topic: T.lamp(lamp.id).reset,
    payload_press: 'PRESS',
    unique_id: `${N}_lamp_${lamp.id}_reset`,
    name: 'Reset',
    entity_category: 'config',
    device: lampDevice(lamp),
    origin: ORIGIN,
    availability: LAMP_AVAILABILITY(lamp.id),
    availability_mode: 'all',
  };
}

function lampFirmwareConfig(lamp: any) {
  return {
    device_class: 'firmware',
    state_topic: T.lamp(lamp.id).firmware,
    command_topic: T.lamp(lamp.id).install,
    payload_install: 'install',
    unique_id: `${N}_lamp_${lamp.id}_firmware`,
    name: 'Firmware',
    device: lampDevice(lamp),
    origin: ORIGIN,
    availability: LAMP_AVAILABILITY(lamp.id),
    availability_mode: 'all',
  };
}

function sceneConfig(scene: { id: string; name: string }) {
  return {
    command_topic: T.scene(scene.id).apply,
    payload_on: 'ON',
    unique_id: `${N}_scene_${scene.id}`,
    name: scene.name,
    device: HUB,
    origin: ORIGIN,
    availability: BRIDGE_AVAILABILITY,
  };
}

/** `P/room/<id>/state` for a room and its display state as GraphQL shows it. */
function roomState(room: { id: string; name: string }, display: any) {
  return {
    id: room.id,
    name: room.name,
    mode: display.mode,
    color: { r: display.color.r, g: display.color.g, b: display.color.b },
    hex: display.color.hex,
    pulse: display.pulse,
    weather: { state: display.weather.state, intensity: display.weather.intensity },
    frame: display.frame,
    transition: display.transition ? { kind: display.transition.kind, endsAt: display.transition.endsAt } : null,
    updatedAt: display.updatedAt,
  };
}

/** `P/room/<id>/light`: the colour at full brightness, its brightness, the effect. */
function lightState(display: any) {
  const { r, g, b } = display.color;
  const brightness = Math.max(r, g, b);
  const scale = (channel: number) => Math.round((channel * 255) / brightness);
  return {
    state: display.mode === 'OFF' ? 'OFF' : 'ON',
    color_mode: 'rgb',
    color: brightness === 0 ? { r: 255, g: 255, b: 255 } : { r: scale(r), g: scale(g), b: scale(b) },
    brightness,
    effect:
      display.mode === 'OFF'
        ? expect.toBeOneOf(EFFECTS)
        : display.mode === 'WEATHER'
          ? 'Weather'
          : display.pulse === 0
            ? 'Steady'
            : `Pulse ${display.pulse}`,
  };
}

let broker: TestBroker;
let ha: HomeAssistant;
let running: RunningSystem;
let client: Client;
const logged: { level: number; msg: string; [key: string]: unknown }[] = [];
const warningsAbout = (topic: string) => logged.filter((line) => line.level === 40 && JSON.stringify(line).includes(topic));

let living: { id: string; name: string };
/** Lamp A: named by MAC and version, in the living room. */
let lampA: { lamp: TestLamp; id: string };
/** Lamp B: says nothing about itself, in the default room. */
let lampB: { lamp: TestLamp; id: string };
let livingUpdates: Subscription<any>;
let scene: { id: string; name: string };

async function display(roomId: string): Promise<any> {
  return (await graphqlData(running.http, `query($roomId: ID) { displayState(roomId: $roomId) { ${DISPLAY} } }`, { roomId })).displayState;
}

async function room(roomId: string): Promise<{ id: string; name: string }> {
  return (await graphqlData(running.http, 'query($roomId: ID!) { room(roomId: $roomId) { id name } }', { roomId })).room;
}

/** Waits until a topic holds JSON equal to `expected`, then asserts it (a failure shows the difference). */
async function expectOnMqtt(topic: string, expected: unknown): Promise<void> {
  await ha.waitUntil(() => equals(ha.json(topic), expected), `${topic} to match`).catch(() => undefined);
  expect(ha.json(topic), topic).toEqual(expected);
}

/** Waits until the room's state and light topics show what GraphQL shows. */
async function expectRoomOnMqtt(roomId: string): Promise<void> {
  const state = await display(roomId);
  const named = await room(roomId);
  await expectOnMqtt(T.room(roomId).state, roomState(named, state));
  await expectOnMqtt(T.room(roomId).light, lightState(state));
}

/** Sends a command and expects lamp A's very next packet, and the living room's next displayState, to be `frame`. */
async function expectLivingShows(send: () => Promise<void>, frame: string | RegExp): Promise<string> {
  await send();
  const packet = await lampA.lamp.next(5000);
  if (typeof frame === 'string') expect(packet).toBe(frame);
  else expect(packet).toMatch(frame);
  expect((await livingUpdates.next(5000)).displayState.frame).toBe(packet);
  return packet;
}

let markers = 0x10;
/**
 * Puts the living room in a colour no test uses (steady) and reads lamp A and the subscription up
 * to it, so that a test starts from a known state even when the one before failed halfway.
 */
async function resync(): Promise<void> {
  await graphqlData(running.http, 'mutation($roomId: ID) { setPulse(pulse: 0, roomId: $roomId) { frame } }', { roomId: living.id });
  const frame = await setRoomColor(running.http, living.id, `#0000${(markers++).toString(16)}`);
  await lampA.lamp.waitFor(frame, 5000);
  while ((await livingUpdates.next(5000)).displayState.frame !== frame);
}

async function uploadFirmware(file: Uint8Array): Promise<any> {
  const form = new FormData();
  form.set(
    'operations',
    JSON.stringify({ query: 'mutation($file: File!) { uploadFirmware(file: $file) { id version } }', variables: { file: null } }),
  );
  form.set('map', JSON.stringify({ 0: ['variables.file'] }));
  form.set('0', new Blob([new Uint8Array(file)]), 'firmware.bin');
  const response = await fetch(`http://127.0.0.1:${running.http}/graphql`, {
    method: 'POST',
    body: form,
    headers: { 'x-graphql-yoga-csrf': '1', ...AS_ADMIN },
  });
  const body = (await response.json()) as { data?: { uploadFirmware: any } };
  if (!body.data?.uploadFirmware) throw new Error(JSON.stringify(body));
  return body.data.uploadFirmware;
}

describe.runIf(brokerAvailable())('Home Assistant over MQTT', () => {
  beforeAll(async () => {
    broker = await TestBroker.start();
    ha = await HomeAssistant.connect(broker.url);
    // Commands left retained on the broker (a mistake Home Assistant users make) wait for the bridge.
    await ha.send(T.room('home').set, { mode: 'MANUAL', color: '#ff0000' }, { retain: true });
    await ha.send(T.room('home').lightSet, { state: 'ON', color: { r: 255, g: 0, b: 0 } }, { retain: true });
    running = await startSystemWithBridge({
      mqtt: { url: broker.url },
      heartbeatTimeoutMs: 600_000,
      logger: pino({ level: 'debug' }, { write: (line: string) => void logged.push(JSON.parse(line)) }),
    });
    await ha.waitFor(T.status, 'online');

    living = await createRoom(running.http, 'Living room');
    const a = await connectLamp(running.device, { mac: MAC_A, version: '1.0.0' });
    // From another address: a lamp without a MAC is known by its address.
    const b = await connectLamp(running.device, { version: '1.0.0', from: '127.0.0.2' });
    lampA = { lamp: a.lamp, id: (await lampWhen(running.http, (l) => l.mac === MAC_A && l.online, 'lamp A')).id };
    lampB = { lamp: b.lamp, id: (await lampWhen(running.http, (l) => l.mac === null && l.online, 'lamp B')).id };
    await setRoomColor(running.http, living.id, '#000001');
    await moveLamp(running.http, lampA.id, living.id);
    expect(await lampA.lamp.next()).toBe('[cc:2:0,0,1:0]');
    client = wsClient(running.http);
    livingUpdates = subscribe(client, `subscription($roomId: ID) { displayState(roomId: $roomId) { ${DISPLAY} } }`, { roomId: living.id });
    await livingUpdates.next();
    scene = (
      await graphqlData(running.http, 'mutation($roomIds: [ID!]) { saveScene(name: "Movie night", roomIds: $roomIds) { id name } }', {
        roomIds: [living.id],
      })
    ).saveScene;
  });

  afterAll(async () => {
    livingUpdates?.stop();
    await client?.dispose();
    await ha?.close();
    await running?.stop();
    await broker?.dispose();
  });

  describe('discovery', () => {
    it('announces each room as a JSON-schema RGB light with brightness and the effects', async () => {
      for (const r of [await room('home'), living]) {
        await ha.waitFor(T.room(r.id).config, (payload) => payload.length > 0);
        expect(ha.json(T.room(r.id).config), r.id).toEqual(roomLightConfig(r));
      }
    });

    it("announces each lamp's connection, reset button and (lamps with a MAC) firmware, on the lamp's device", async () => {
      const a = await lampById(running.http, lampA.id);
      const b = await lampById(running.http, lampB.id);
      expect(a).toMatchObject({ mac: MAC_A, firmwareVersion: '1.0.0', roomId: living.id });
      for (const lamp of [a, b]) {
        await ha.waitFor(T.lamp(lamp.id).onlineConfig, (payload) => payload.length > 0);
        await ha.waitFor(T.lamp(lamp.id).resetConfig, (payload) => payload.length > 0);
        expect(ha.json(T.lamp(lamp.id).onlineConfig)).toEqual(lampOnlineConfig(lamp));
        expect(ha.json(T.lamp(lamp.id).resetConfig)).toEqual(lampResetConfig(lamp));
      }
      await ha.waitFor(T.lamp(a.id).firmwareConfig, (payload) => payload.length > 0);
      expect(ha.json(T.lamp(a.id).firmwareConfig)).toEqual(lampFirmwareConfig(a));
      // Lamp B's device has no MAC to connect by, and no update entity: firmware is targeted by MAC.
      expect(ha.json(T.lamp(b.id).onlineConfig).device.connections).toBeUndefined();
      await ha.sync();
      expect(ha.payload(T.lamp(b.id).firmwareConfig)).toBeUndefined();
    });

    it('announces scenes on the hub device', async () => {
      await ha.waitFor(T.scene(scene.id).config, (payload) => payload.length > 0);
      expect(ha.json(T.scene(scene.id).config)).toEqual(sceneConfig(scene));
    });

    it('keeps every unique id unique and every config retained on the broker', async () => {
      const configs = ha.configTopics();
      const ids = configs.map((topic) => ha.json(topic).unique_id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.every((id) => typeof id === 'string' && id.startsWith(`${N}_`))).toBe(true);
      const retained = await retainedOnBroker(broker.url);
      for (const topic of configs) expect(retained.get(topic), topic).toBe(ha.payload(topic));
      expect(retained.get(T.status)).toBe('online');
    });

    it('publishes the plain states of rooms and lamps and per-lamp availability, retained', async () => {
      await expectRoomOnMqtt('home');
      await expectRoomOnMqtt(living.id);
      const a = await lampById(running.http, lampA.id);
      await expectOnMqtt(T.lamp(a.id).state, {
        id: a.id,
        name: a.name,
        roomId: living.id,
        online: true,
        lastSeenAt: expect.toBeOneOf([expect.any(String), null]),
        mac: a.mac,
        firmware: { installed: '1.0.0', latest: '1.0.0', inProgress: false },
      });
      expect(await ha.waitFor(T.lamp(a.id).availability, 'online')).toBe('online');
      expect(await ha.waitFor(T.lamp(lampB.id).availability, 'online')).toBe('online');
      const b = await lampById(running.http, lampB.id);
      await expectOnMqtt(T.lamp(b.id).state, {
        id: b.id,
        name: b.name,
        roomId: 'home',
        online: true,
        lastSeenAt: expect.toBeOneOf([expect.any(String), null]),
        mac: null,
        firmware: { installed: '1.0.0', latest: '1.0.0', inProgress: false },
      });
      await expectOnMqtt(T.lamp(a.id).firmware, {
        installed_version: '1.0.0',
        latest_version: '1.0.0',
        in_progress: false,
        title: 'cloud-cloud lamp firmware',
      });
      const retained = await retainedOnBroker(broker.url);
      for (const topic of [
        T.room(living.id).state,
        T.room(living.id).light,
        T.lamp(a.id).state,
        T.lamp(a.id).availability,
        T.lamp(a.id).firmware,
      ]) {
        expect(retained.has(topic), topic).toBe(true);
      }
    });
  });

  describe('commands from Home Assistant', () => {
    beforeEach(resync);

    it('ignores commands left retained on the broker, with a warning', async () => {
      await ha.waitUntil(
        () => warningsAbout(T.room('home').set).length > 0 && warningsAbout(T.room('home').lightSet).length > 0,
        'warnings about the retained commands',
      );
      expect(await display('home')).toMatchObject({ mode: 'OFF', color: { hex: '#ffffff' } });
      // Removing them reaches the bridge as an empty, and so refused, command: still nothing changes.
      await ha.send(T.room('home').set, '', { retain: true });
      await ha.send(T.room('home').lightSet, '', { retain: true });
      await ha.send(T.room('home').set, { mode: 'MANUAL', color: '#010203' });
      expect(await lampB.lamp.next()).toBe('[cc:2:1,2,3:0]');
      expect((await retainedOnBroker(broker.url)).has(T.room('home').set)).toBe(false);
    });

    it('a GraphQL change shows up in the MQTT room state and light', async () => {
      await expectLivingShows(async () => void (await setRoomColor(running.http, living.id, '#ff8000')), '[cc:2:255,128,0:0]');
      await expectRoomOnMqtt(living.id);
      expect(ha.json(T.room(living.id).light)).toEqual({
        state: 'ON',
        color_mode: 'rgb',
        color: { r: 255, g: 128, b: 0 },
        brightness: 255,
        effect: 'Steady',
      });
      expect(ha.json(T.room(living.id).state)).toMatchObject({
        mode: 'MANUAL',
        hex: '#ff8000',
        pulse: 0,
        frame: '[cc:2:255,128,0:0]',
        transition: null,
      });
    });

    it('switches a room off and on again (ON brings back the manual colour)', async () => {
      const set = T.room(living.id).lightSet;
      await expectLivingShows(async () => void (await setRoomColor(running.http, living.id, '#ff8000')), '[cc:2:255,128,0:0]');
      await expectLivingShows(() => ha.send(set, { state: 'OFF' }), '[cc:0:?:?]');
      await expectRoomOnMqtt(living.id);
      expect(ha.json(T.room(living.id).light).state).toBe('OFF');
      await expectLivingShows(() => ha.send(set, { state: 'ON' }), '[cc:2:255,128,0:0]');
      await expectRoomOnMqtt(living.id);
    });

    it('sets a colour with a brightness, then brightness alone, then colour alone', async () => {
      const set = T.room(living.id).lightSet;
      await expectLivingShows(() => ha.send(set, { state: 'ON', color: { r: 255, g: 51, b: 0 }, brightness: 100 }), '[cc:2:100,20,0:0]');
      await expectRoomOnMqtt(living.id);
      expect(ha.json(T.room(living.id).light)).toEqual({
        state: 'ON',
        color_mode: 'rgb',
        color: { r: 255, g: 51, b: 0 },
        brightness: 100,
        effect: 'Steady',
      });
      await expectLivingShows(() => ha.send(set, { state: 'ON', brightness: 200 }), '[cc:2:200,40,0:0]');
      await expectLivingShows(() => ha.send(set, { state: 'ON', color: { r: 0, g: 255, b: 0 } }), '[cc:2:0,200,0:0]');
      await expectRoomOnMqtt(living.id);
    });

    it('shows the weather and the pulse effects; ON after OFF brings back the weather', async () => {
      const set = T.room(living.id).lightSet;
      await expectLivingShows(() => ha.send(set, { state: 'ON', color: { r: 0, g: 255, b: 0 }, brightness: 200 }), '[cc:2:0,200,0:0]');
      const weather = await expectLivingShows(() => ha.send(set, { state: 'ON', effect: 'Weather' }), /^\[cc:1:[1-9]:\d+(\.\d+)?\]$/);
      await expectRoomOnMqtt(living.id);
      expect(ha.json(T.room(living.id).light)).toMatchObject({ state: 'ON', effect: 'Weather' });
      await expectLivingShows(() => ha.send(set, { state: 'OFF' }), '[cc:0:?:?]');
      await expectLivingShows(() => ha.send(set, { state: 'ON' }), weather);
      await expectLivingShows(() => ha.send(set, { state: 'ON', effect: 'Pulse 3' }), '[cc:2:0,200,0:3]');
      await expectRoomOnMqtt(living.id);
      expect(ha.json(T.room(living.id).light).effect).toBe('Pulse 3');
      await expectLivingShows(() => ha.send(set, { state: 'ON', effect: 'Steady' }), '[cc:2:0,200,0:0]');
      await expectLivingShows(() => ha.send(set, { state: 'OFF' }), '[cc:0:?:?]');
      await expectLivingShows(() => ha.send(set, { state: 'ON' }), '[cc:2:0,200,0:0]');
      await expectRoomOnMqtt(living.id);
    });

    it("fades with Home Assistant's transition", async () => {
      const mark = ha.mark();
      await ha.send(T.room(living.id).lightSet, { state: 'OFF', transition: 1 });
      const started = (await livingUpdates.next(5000)).displayState;
      expect(started.transition).toMatchObject({ endsAt: expect.any(String) });
      await ha.waitForMessage(mark, T.room(living.id).state, (payload) => JSON.parse(payload).transition !== null);
      expect(await lampA.lamp.waitFor('[cc:0:?:?]', 10_000)).toBe('[cc:0:?:?]');
      for (;;) if ((await livingUpdates.next(5000)).displayState.transition === null) break;
      await expectRoomOnMqtt(living.id);
    });

    it('refuses bad light commands: nothing changes, lamps get nothing, each is logged', async () => {
      const set = T.room(living.id).lightSet;
      const bad = [
        'not json',
        '',
        '["ON"]',
        '{"state":"BLINK"}',
        '{"state":"ON","brightness":256}',
        '{"state":"ON","brightness":-1}',
        '{"state":"ON","effect":"Disco"}',
        '{"state":"ON","color":{"r":-1,"g":0,"b":0}}',
        '{"state":"ON","color":{"r":1,"g":2}}',
        '{"state":"ON","brightness":1.5}',
      ];
      const before = warningsAbout(set).length;
      for (const payload of bad) await ha.send(set, payload);
      // The bridge takes messages in order: the good one's packet comes first only if the bad ones sent none.
      await expectLivingShows(() => ha.send(set, { state: 'ON', color: { r: 0, g: 0, b: 255 }, brightness: 255 }), '[cc:2:0,0,255:0]');
      expect(warningsAbout(set).length - before).toBeGreaterThanOrEqual(bad.length);
    });

    it('takes the plain set topic, validated like GraphQL: bad messages change nothing and are logged', async () => {
      const set = T.room(living.id).set;
      await expectLivingShows(() => ha.send(set, { mode: 'manual', color: '#102030', pulse: 2 }), '[cc:2:16,32,48:2]');
      await expectRoomOnMqtt(living.id);
      await expectLivingShows(() => ha.send(set, { color: { r: 1, g: 2, b: 3 } }), '[cc:2:1,2,3:2]');
      await expectLivingShows(() => ha.send(set, { mode: 'Weather' }), /^\[cc:1:/);
      await expectLivingShows(() => ha.send(set, { mode: 'OFF' }), '[cc:0:?:?]');
      const bad = [
        'not json',
        '',
        '[1,2]',
        '"MANUAL"',
        '{"mode":"DISCO"}',
        '{"color":"#12345"}',
        '{"color":"red"}',
        '{"color":{"r":256,"g":0,"b":0}}',
        '{"color":{"r":1.5,"g":0,"b":0}}',
        '{"color":{"r":1,"g":2}}',
        '{"pulse":10}',
        '{"pulse":-1}',
        '{"pulse":"3"}',
        '{"mode":"MANUAL","transitionSeconds":7201}',
        '{"mode":"MANUAL","transitionSeconds":-1}',
        '{"mode":"MANUAL","brightness":3}',
      ];
      const before = warningsAbout(set).length;
      for (const payload of bad) await ha.send(set, payload);
      await ha.send(T.room('no-such-room').set, { mode: 'MANUAL' });
      // No echo: the bridge does not take its own state topics for commands.
      await ha.send(T.room(living.id).state, { mode: 'MANUAL', color: { r: 9, g: 9, b: 9 }, pulse: 9 });
      await ha.send(T.room(living.id).light, { state: 'ON', color: { r: 9, g: 9, b: 9 }, brightness: 9 });
      await expectLivingShows(() => ha.send(set, { mode: 'MANUAL', pulse: 0 }), '[cc:2:1,2,3:0]');
      expect(warningsAbout(set).length - before).toBeGreaterThanOrEqual(bad.length);
      expect(warningsAbout(T.room('no-such-room').set).length).toBeGreaterThan(0);
      await expectRoomOnMqtt(living.id);

      // A fade over transitionSeconds: subscribers see where it goes, the lamp gets there.
      await ha.send(set, { mode: 'OFF', transitionSeconds: 1 });
      expect((await livingUpdates.next(5000)).displayState.transition).toMatchObject({ endsAt: expect.any(String) });
      expect(await lampA.lamp.waitFor('[cc:0:?:?]', 10_000)).toBe('[cc:0:?:?]');
      while ((await livingUpdates.next(5000)).displayState.transition !== null);
      await expectRoomOnMqtt(living.id);
    });

    it('applies a scene', async () => {
      await expectLivingShows(async () => void (await setRoomColor(running.http, living.id, '#ff00ff')), '[cc:2:255,0,255:0]');
      await graphqlData(
        running.http,
        'mutation($sceneId: ID!, $roomIds: [ID!]) { updateSceneFromRooms(sceneId: $sceneId, roomIds: $roomIds) { id } }',
        {
          sceneId: scene.id,
          roomIds: [living.id],
        },
      );
      await expectLivingShows(async () => void (await setRoomColor(running.http, living.id, '#00ffff')), '[cc:2:0,255,255:0]');
      await expectLivingShows(() => ha.send(T.scene(scene.id).apply, 'ON'), '[cc:2:255,0,255:0]');
      await expectRoomOnMqtt(living.id);
      // With a fade, and for a scene that is not there.
      await expectLivingShows(async () => void (await setRoomColor(running.http, living.id, '#00ffff')), '[cc:2:0,255,255:0]');
      await ha.send(T.scene('no-such-scene').apply, 'ON');
      await ha.send(T.scene(scene.id).apply, { transitionSeconds: 1 });
      expect((await livingUpdates.next(5000)).displayState.transition).toMatchObject({ endsAt: expect.any(String) });
      expect(await lampA.lamp.waitFor('[cc:2:255,0,255:0]', 10_000)).toBe('[cc:2:255,0,255:0]');
      while ((await livingUpdates.next(5000)).displayState.transition !== null);
      expect(warningsAbout(T.scene('no-such-scene').apply).length).toBeGreaterThan(0);
    });

    it('resets one lamp with its button, and only that lamp', async () => {
      await ha.send(T.lamp(lampA.id).reset, 'PRESS');
      expect(await lampA.lamp.next()).toBe('[cc:r:?:?]');
      await setRoomColor(running.http, 'home', '#040506');
      expect(await lampB.lamp.next()).toBe('[cc:2:4,5,6:0]');
    });

    it('installs the assigned firmware from the update entity; the lamp fetches it and comes back running it', async () => {
      const bytes = esp32Image({ version: '2.0.0', seed: 'home-assistant' });
      const image = await uploadFirmware(bytes);
      await graphqlData(running.http, 'mutation($id: ID!, $macs: [String!]) { assignFirmware(firmwareId: $id, macs: $macs) { mac } }', {
        id: image.id,
        macs: [MAC_A],
      });
      const firmware = T.lamp(lampA.id).firmware;
      await expectOnMqtt(firmware, {
        installed_version: '1.0.0',
        latest_version: '2.0.0',
        in_progress: false,
        title: 'cloud-cloud lamp firmware',
      });

      // Only the payload `install` installs; anything else is refused (the reset after it comes first).
      await ha.send(T.lamp(lampA.id).install, 'yes please');
      await ha.send(T.lamp(lampA.id).reset, 'PRESS');
      expect(await lampA.lamp.next()).toBe('[cc:r:?:?]');
      expect(warningsAbout(T.lamp(lampA.id).install).length).toBeGreaterThan(0);

      await ha.send(T.lamp(lampA.id).install, 'install');
      expect(await lampA.lamp.next()).toBe('[cc:u:?:?]');
      const fetched = await updateCheck(running.http, '/ota', esp32UpdateHeaders({ mac: MAC_A, version: '1.0.0' }));
      expect(fetched.status).toBe(200);
      expect(fetched.body.equals(bytes)).toBe(true);
      await ha.waitForJson(firmware, (state) => state.in_progress === true);

      // It flashes, reboots and comes back running 2.0.0.
      await hangUp(lampA.lamp);
      await ha.waitFor(T.lamp(lampA.id).availability, 'offline');
      const rebooted = await connectLamp(running.device, { mac: MAC_A, version: '2.0.0' });
      lampA = { lamp: rebooted.lamp, id: lampA.id };
      expect(
        (await updateCheck(running.http, '/ota', esp32UpdateHeaders({ mac: MAC_A, version: '2.0.0', sketchMd5: md5(bytes) }))).status,
      ).toBe(304);
      await expectOnMqtt(firmware, {
        installed_version: '2.0.0',
        latest_version: '2.0.0',
        in_progress: false,
        title: 'cloud-cloud lamp firmware',
      });
      await ha.waitFor(T.lamp(lampA.id).availability, 'online');
      expect(ha.json(T.lamp(lampA.id).state)).toMatchObject({
        online: true,
        firmware: { installed: '2.0.0', latest: '2.0.0', inProgress: false },
      });
    });
  });

  describe('changes elsewhere', () => {
    it('a lamp going offline and coming back reaches its availability and connection sensor', async () => {
      await hangUp(lampB.lamp);
      await offline(running.http, lampB.id);
      await ha.waitFor(T.lamp(lampB.id).availability, 'offline');
      await ha.waitForJson(T.lamp(lampB.id).state, (state) => state.online === false);
      // Known by its address, it is the same lamp again.
      lampB = { lamp: (await connectLamp(running.device, { version: '1.0.0', from: '127.0.0.2' })).lamp, id: lampB.id };
      await lampWhen(running.http, (lamp) => lamp.id === lampB.id && lamp.online, 'lamp B back');
      await ha.waitFor(T.lamp(lampB.id).availability, 'online');
      await ha.waitForJson(T.lamp(lampB.id).state, (state) => state.online === true);
      await hangUp(lampB.lamp);
      await ha.waitFor(T.lamp(lampB.id).availability, 'offline');
    });

    it('renaming republishes configs; deleting a room, forgetting a lamp and deleting a scene empty theirs', async () => {
      const spare = await createRoom(running.http, 'Spare');
      await ha.waitFor(T.room(spare.id).config, (payload) => payload.length > 0);
      const c = await connectLamp(running.device, { mac: MAC_C, version: '1.0.0' });
      const lampC = await lampWhen(running.http, (l) => l.mac === MAC_C && l.online, 'lamp C');
      await moveLamp(running.http, lampC.id, spare.id);
      const evening = (
        await graphqlData(running.http, 'mutation($roomIds: [ID!]) { saveScene(name: "Evening", roomIds: $roomIds) { id name } }', {
          roomIds: [spare.id],
        })
      ).saveScene;
      await ha.waitForJson(T.lamp(lampC.id).resetConfig, (config) => config.device.via_device === `${N}_room_${spare.id}`);
      await ha.waitFor(T.scene(evening.id).config, (payload) => payload.length > 0);

      await graphqlData(running.http, 'mutation($roomId: ID!) { renameRoom(roomId: $roomId, name: "Guest room") { id } }', {
        roomId: spare.id,
      });
      await expectOnMqtt(T.room(spare.id).config, roomLightConfig({ id: spare.id, name: 'Guest room' }));
      await ha.waitForJson(T.room(spare.id).state, (state) => state.name === 'Guest room');
      await graphqlData(running.http, 'mutation($lampId: ID!) { renameLamp(lampId: $lampId, name: "Desk lamp") { id } }', {
        lampId: lampC.id,
      });
      const renamed = await lampById(running.http, lampC.id);
      const lampConfigs: [string, unknown][] = [
        [T.lamp(lampC.id).onlineConfig, lampOnlineConfig(renamed)],
        [T.lamp(lampC.id).resetConfig, lampResetConfig(renamed)],
        [T.lamp(lampC.id).firmwareConfig, lampFirmwareConfig(renamed)],
      ];
      for (const [topic, expected] of lampConfigs) {
        await ha.waitUntil(() => equals(ha.json(topic), expected), `${topic} renamed`).catch(() => undefined);
        expect(ha.json(topic), topic).toEqual(expected);
      }
      await graphqlData(running.http, 'mutation($sceneId: ID!) { renameScene(sceneId: $sceneId, name: "Late evening") { id } }', {
        sceneId: evening.id,
      });
      await ha.waitForJson(T.scene(evening.id).config, (config) => equals(config, sceneConfig({ id: evening.id, name: 'Late evening' })));

      const roomTopics = [T.room(spare.id).config, T.room(spare.id).state, T.room(spare.id).light];
      await graphqlData(running.http, 'mutation($roomId: ID!) { deleteRoom(roomId: $roomId) { roomId } }', { roomId: spare.id });
      for (const topic of roomTopics) await ha.waitFor(topic, undefined);
      // Its lamp moved to the default room: its device now hangs there.
      await ha.waitForJson(
        T.lamp(lampC.id).resetConfig,
        (config) => config.device.via_device === `${N}_room_home` && config.device.suggested_area === 'Home',
      );

      await hangUp(c.lamp);
      await offline(running.http, lampC.id);
      const lampTopics = Object.values(T.lamp(lampC.id)).filter((topic) => !topic.endsWith('/reset') && !topic.endsWith('/install'));
      await graphqlData(running.http, 'mutation($lampId: ID!) { forgetLamp(lampId: $lampId) { id } }', { lampId: lampC.id });
      for (const topic of lampTopics) await ha.waitFor(topic, undefined);

      await graphqlData(running.http, 'mutation($sceneId: ID!) { deleteScene(sceneId: $sceneId) { id } }', { sceneId: evening.id });
      await ha.waitFor(T.scene(evening.id).config, undefined);

      const retained = await retainedOnBroker(broker.url);
      for (const topic of [...roomTopics, ...lampTopics, T.scene(evening.id).config]) expect(retained.has(topic), topic).toBe(false);
      expect(retained.has(T.room(living.id).config)).toBe(true);
    });

    it("sends every config and state again when Home Assistant's birth message comes", async () => {
      await ha.sync();
      const configs = ha.configTopics();
      const states = [
        T.room('home').state,
        T.room(living.id).state,
        T.room(living.id).light,
        T.lamp(lampA.id).state,
        T.lamp(lampA.id).firmware,
      ];
      expect(configs.length).toBeGreaterThanOrEqual(7);
      // Home Assistant lost one (someone cleared it on the broker).
      await ha.send(T.room(living.id).config, '', { retain: true });
      await ha.waitFor(T.room(living.id).config, undefined);
      const mark = ha.mark();
      await ha.birth();
      await ha.waitUntil(
        () => [...configs, ...states].every((topic) => ha.since(mark, topic).some((message) => message.payload !== '')),
        'every config and state again',
        10_000,
        () => `missing ${JSON.stringify([...configs, ...states].filter((topic) => !ha.since(mark, topic).length))}`,
      );
      expect(ha.json(T.room(living.id).config)).toEqual(roomLightConfig(living));
      expect((await retainedOnBroker(broker.url)).has(T.room(living.id).config)).toBe(true);
    });
  });
});
