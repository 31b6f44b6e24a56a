import { Writable } from 'node:stream';
import { connectAsync, type MqttClient } from 'mqtt';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MqttBridgeSnapshot, MqttBridgeStatus } from '@cloud-cloud/api/mqtt/mqtt-bridge';
import { inProcessApi, type InProcessApi } from './support/in-process.js';
import { brokerAvailable, TestBroker } from './support/mosquitto.js';
import { waitUntil } from './support/system.js';

const USERNAME = 'bridge-user';
const PASSWORD = 'pw-Zq7-never-shown';
const WRONG_PASSWORD = 'pw-Xk4-wrong-never-shown';
const TIMING = { firstRetryMs: 40, maxRetryMs: 320, connectTimeoutMs: 3000 };

/** Every log line as written, whole: a secret may hide in any field, not only the message. */
class RawLog {
  readonly lines: string[] = [];
  readonly logger = pino(
    { level: 'trace' },
    new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        this.lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    }),
  );
}

/** Follows the bridge's snapshots; `next` waits for the first one (seen before or after) that matches. */
class StatusWatch {
  readonly seen: MqttBridgeStatus[] = [];
  readonly #abort = new AbortController();
  #wake: (() => void) | null = null;

  constructor(updates: (signal: AbortSignal) => AsyncGenerator<MqttBridgeSnapshot>) {
    void (async () => {
      for await (const snapshot of updates(this.#abort.signal)) {
        this.seen.push(snapshot.status);
        this.#wake?.();
      }
    })();
  }

  async next(matches: (status: MqttBridgeStatus) => boolean, from = 0): Promise<{ status: MqttBridgeStatus; index: number }> {
    for (;;) {
      const index = this.seen.findIndex((status, i) => i >= from && matches(status));
      if (index !== -1) return { status: this.seen[index]!, index };
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  stop(): void {
    this.#abort.abort();
  }
}

/** A client reading what the bridge left retained. */
async function retained(url: string, topic: string): Promise<string> {
  const client: MqttClient = await connectAsync(url, { username: USERNAME, password: PASSWORD, reconnectPeriod: 0 });
  try {
    const message = new Promise<string>((resolve) => client.on('message', (_topic, payload) => resolve(payload.toString())));
    await client.subscribeAsync(topic);
    return await message;
  } finally {
    await client.endAsync();
  }
}

describe.skipIf(!brokerAvailable())('MQTT bridge connection', () => {
  let broker: TestBroker;
  let system: InProcessApi | undefined;
  let watch: StatusWatch | undefined;

  beforeAll(async () => {
    broker = await TestBroker.start({ username: USERNAME, password: PASSWORD });
  });
  afterAll(async () => {
    await broker.dispose();
  });
  afterEach(async () => {
    watch?.stop();
    await system?.close();
    system = undefined;
    await broker.start();
  });

  function start(log: RawLog, mqtt: Record<string, string>): { bridge: InProcessApi['api']['services']['mqtt']; watch: StatusWatch } {
    system = inProcessApi({ logger: log.logger, mqtt, mqttTiming: TIMING });
    const bridge = system.api.services.mqtt;
    watch = new StatusWatch((signal) => bridge.updates(signal));
    bridge.start();
    return { bridge, watch };
  }

  it('connects, reports RECONNECTING with a doubling delay while the broker is gone, and republishes once it is back', async () => {
    const log = new RawLog();
    const { watch } = start(log, { url: broker.url, username: USERNAME, password: PASSWORD });

    const connected = await watch.next((s) => s.state === 'CONNECTED');
    expect(connected.status).toMatchObject({ message: null, failedAttempts: 0, nextAttemptAt: null });
    expect(connected.status.connectedSince).toBeInstanceOf(Date);
    expect(await retained(broker.url, 'cloud-cloud/status')).toBe('online');

    await broker.stop();
    // Lost, then four failed attempts: 40 ms after the loss and the first failure, then doubling up to the most.
    const lost = await watch.next((s) => s.state === 'RECONNECTING', connected.index);
    expect(lost.status.message).toMatch(/^lost the connection to mqtt:\/\/127\.0\.0\.1:\d+: /);
    const delays = [delayOf(lost.status)];
    let from = lost.index;
    for (let failed = 1; failed <= 5; failed++) {
      const attempt = await watch.next((s) => s.failedAttempts === failed && s.nextAttemptAt !== null, from);
      expect(attempt.status.state).toBe('RECONNECTING');
      expect(attempt.status.message).toMatch(/^could not connect to mqtt:\/\/127\.0\.0\.1:\d+: /);
      delays.push(delayOf(attempt.status));
      from = attempt.index;
    }
    expect(delays).toEqual([40, 40, 80, 160, 320, 320]);

    // The API is not held up by the broker being gone.
    const changed = await system!.graphql('mutation { setColor(color: { hex: "#336699" }) { mode } }');
    expect(changed.data).toEqual({ setColor: { mode: 'MANUAL' } });

    // The restarted broker keeps nothing: whatever is retained there now, the bridge sent again.
    await broker.start();
    const back = await watch.next((s) => s.state === 'CONNECTED', from);
    expect(back.status).toMatchObject({ failedAttempts: 0, message: null });
    expect(await retained(broker.url, 'cloud-cloud/status')).toBe('online');
    expect(JSON.parse(await retained(broker.url, 'cloud-cloud/room/home/state'))).toMatchObject({ mode: 'MANUAL', hex: '#336699' });
    expect(JSON.parse(await retained(broker.url, 'homeassistant/light/cloud-cloud/room_home/config'))).toMatchObject({
      unique_id: 'cloud-cloud_room_home',
    });
    expect(log.lines.some((line) => line.includes(PASSWORD))).toBe(false);
  });

  it('never shows the password, given apart or inside the URL, in status messages or log lines', async () => {
    const log = new RawLog();
    const port = broker.port;
    const { bridge, watch } = start(log, { url: broker.url, username: USERNAME, password: WRONG_PASSWORD });
    const refused = await watch.next((s) => s.failedAttempts >= 2);
    expect(refused.status.message).toMatch(
      /^could not connect to mqtt:\/\/127\.0\.0\.1:\d+: .*(not authori[sz]ed|bad user name or password)/i,
    );

    await bridge.configure({ url: `mqtt://${USERNAME}:${WRONG_PASSWORD}@127.0.0.1:${port}`, username: null, password: null });
    const again = await watch.next((s) => s.failedAttempts >= 2, watch.seen.length);
    expect(again.status.message).toContain(`mqtt://127.0.0.1:${port}:`);

    await bridge.configure({ url: `mqtt://${USERNAME}:${PASSWORD}@127.0.0.1:${port}` });
    await watch.next((s) => s.state === 'CONNECTED', watch.seen.length);
    await bridge.stop();
    expect(await retained(broker.url, 'cloud-cloud/status')).toBe('offline');

    const messages = watch.seen.map((status) => status.message ?? '');
    for (const secret of [PASSWORD, WRONG_PASSWORD]) {
      expect(messages.filter((message) => message.includes(secret))).toEqual([]);
      expect(log.lines.filter((line) => line.includes(secret))).toEqual([]);
    }
    expect(log.lines.some((line) => line.includes('could not connect to mqtt://127.0.0.1'))).toBe(true);
  });

  it('is OFF without a URL, and a configured URL connects it', async () => {
    const log = new RawLog();
    const { bridge, watch } = start(log, {});
    const off = await watch.next(() => true);
    expect(off.status).toMatchObject({ state: 'OFF', failedAttempts: 0 });
    expect(off.status.message).toMatch(/no MQTT broker is configured/);

    await bridge.configure({ url: broker.url, username: USERNAME, password: PASSWORD });
    await watch.next((s) => s.state === 'CONNECTED');
    await bridge.configure({ url: null });
    const offAgain = await watch.next((s) => s.state === 'OFF', watch.seen.length - 1);
    expect(offAgain.status.message).toMatch(/no MQTT broker is configured/);
    expect(await retained(broker.url, 'cloud-cloud/status')).toBe('offline');
  });
});

describe.skipIf(!brokerAvailable())('MQTT bridge clearing what is gone', () => {
  it('clears a room deleted while the bridge was stopped once it is back, after a restart', async () => {
    const broker = await TestBroker.start();
    const first = inProcessApi({ mqtt: { url: broker.url }, mqttTiming: TIMING });
    const watcher: MqttClient = await connectAsync(broker.url, { reconnectPeriod: 0 });
    let second: InProcessApi | undefined;
    try {
      const room = first.api.services.rooms.create('Attic');
      const configTopic = `homeassistant/light/cloud-cloud/room_${room.id}/config`;
      const stateTopic = `cloud-cloud/room/${room.id}/state`;
      const seen: { topic: string; payload: string }[] = [];
      watcher.on('message', (topic, payload) => seen.push({ topic, payload: payload.toString() }));
      await watcher.subscribeAsync([configTopic, stateTopic]);
      const arrived = (topic: string, empty: boolean) => seen.some((m) => m.topic === topic && (m.payload === '') === empty);

      first.api.services.mqtt.start();
      await waitUntil(() => arrived(configTopic, false) && arrived(stateTopic, false), 5000, 'the room on the broker');
      await first.api.services.mqtt.stop();
      first.api.services.rooms.delete(room.id);

      // The same database in a new process: the bridge knows the room was on the broker.
      second = inProcessApi({ database: first.database, mqtt: { url: broker.url }, mqttTiming: TIMING });
      second.api.services.mqtt.start();
      await waitUntil(() => arrived(configTopic, true) && arrived(stateTopic, true), 5000, 'the room cleared');
    } finally {
      await watcher.endAsync();
      await second?.close();
      await first.close();
      await broker.dispose();
    }
  });
});

function delayOf(status: MqttBridgeStatus): number {
  return status.nextAttemptAt!.getTime() - status.lastErrorAt!.getTime();
}
