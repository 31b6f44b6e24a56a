import { randomUUID } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { connectAsync, type MqttClient } from 'mqtt';
import type { MqttSettings } from '@cloud-cloud/api/mqtt/mqtt-settings';
import { startSystem, type RunningSystem, type SystemStartOptions } from './system.js';

/** One message as the client received it, in order. */
export interface ReceivedMessage {
  /** Position in `HomeAssistant.log`; `mark()` taken before a step finds what came after it. */
  index: number;
  topic: string;
  payload: string;
  /** Set only on messages the broker replayed from its retained store (on subscribing). */
  retain: boolean;
}

export interface HomeAssistantOptions {
  topicPrefix?: string;
  discoveryPrefix?: string;
  username?: string;
  password?: string;
}

/** The node id the contract derives from a topic prefix: every character outside [A-Za-z0-9_-] becomes `_`. */
export function nodeIdOf(topicPrefix: string): string {
  return topicPrefix.replace(/[^A-Za-z0-9_-]/gu, '_');
}

/** The topics of one installation, as the README documents them. */
export function topicsOf(topicPrefix = 'cloud-cloud', discoveryPrefix = 'homeassistant') {
  const P = topicPrefix;
  const D = discoveryPrefix;
  const N = nodeIdOf(P);
  return {
    prefix: P,
    discoveryPrefix: D,
    nodeId: N,
    status: `${P}/status`,
    birth: `${D}/status`,
    room: (id: string) => ({
      state: `${P}/room/${id}/state`,
      set: `${P}/room/${id}/set`,
      light: `${P}/room/${id}/light`,
      lightSet: `${P}/room/${id}/light/set`,
      config: `${D}/light/${N}/room_${id}/config`,
    }),
    lamp: (id: string) => ({
      state: `${P}/lamp/${id}/state`,
      availability: `${P}/lamp/${id}/availability`,
      reset: `${P}/lamp/${id}/reset`,
      firmware: `${P}/lamp/${id}/firmware`,
      install: `${P}/lamp/${id}/firmware/install`,
      onlineConfig: `${D}/binary_sensor/${N}/lamp_${id}_online/config`,
      resetConfig: `${D}/button/${N}/lamp_${id}_reset/config`,
      firmwareConfig: `${D}/update/${N}/lamp_${id}_firmware/config`,
    }),
    scene: (id: string) => ({
      apply: `${P}/scene/${id}/apply`,
      config: `${D}/scene/${N}/scene_${id}/config`,
    }),
  };
}

export type Topics = ReturnType<typeof topicsOf>;

/**
 * An MQTT client that behaves as Home Assistant does towards cloud-cloud: it subscribes to the
 * discovery prefix and the topic prefix, keeps the newest payload of every topic (the retained
 * configs and states), sends commands and its birth message. Like Home Assistant it reconnects
 * when the broker comes back; each new connection starts from what the broker then retains.
 */
export class HomeAssistant {
  /** Every message received, in order. */
  readonly log: ReceivedMessage[] = [];
  /** The newest payload of every topic since the current connection began; an empty payload removes it. */
  readonly latest = new Map<string, string>();
  readonly topics: Topics;
  #waiters = new Set<() => void>();
  #connections = 0;
  readonly #syncTopic = `cloud-cloud-test-ha/${randomUUID()}`;

  private constructor(
    readonly client: MqttClient,
    readonly options: Required<Pick<HomeAssistantOptions, 'topicPrefix' | 'discoveryPrefix'>>,
  ) {
    this.topics = topicsOf(options.topicPrefix, options.discoveryPrefix);
    client.on('message', (topic, payload, packet) => {
      const text = payload.toString('utf8');
      this.log.push({ index: this.log.length, topic, payload: text, retain: packet.retain });
      if (text === '') this.latest.delete(topic);
      else this.latest.set(topic, text);
      this.#wake();
    });
    client.on('connect', () => {
      // A new connection gets every retained message again: what the broker holds now, not before.
      this.#connections += 1;
      if (this.#connections > 1) this.latest.clear();
      this.#wake();
    });
    client.on('close', () => this.#wake());
    client.on('error', () => undefined);
  }

  static async connect(url: string, options: HomeAssistantOptions = {}): Promise<HomeAssistant> {
    const client = await connectAsync(url, {
      clientId: `home-assistant-test-${randomUUID().slice(0, 8)}`,
      clean: true,
      reconnectPeriod: 100,
      connectTimeout: 5000,
      ...(options.username !== undefined ? { username: options.username } : {}),
      ...(options.password !== undefined ? { password: options.password } : {}),
    });
    const ha = new HomeAssistant(client, {
      topicPrefix: options.topicPrefix ?? 'cloud-cloud',
      discoveryPrefix: options.discoveryPrefix ?? 'homeassistant',
    });
    ha.#connections = 1;
    await client.subscribeAsync([`${ha.options.discoveryPrefix}/#`, `${ha.options.topicPrefix}/#`, ha.#syncTopic], { qos: 1 });
    await ha.sync();
    return ha;
  }

  get connected(): boolean {
    return this.client.connected;
  }

  /** How many connections this client has had (1 until the broker goes away and comes back). */
  get connections(): number {
    return this.#connections;
  }

  /** The position in `log` a later step's messages start from. */
  mark(): number {
    return this.log.length;
  }

  /** Messages received on `topic` (every topic when omitted) at or after `mark`. */
  since(mark: number, topic?: string): ReceivedMessage[] {
    return this.log.slice(mark).filter((message) => topic === undefined || message.topic === topic);
  }

  payload(topic: string): string | undefined {
    return this.latest.get(topic);
  }

  json(topic: string): any {
    const text = this.latest.get(topic);
    return text === undefined ? undefined : JSON.parse(text);
  }

  /** Discovery config topics that hold a config now. */
  configTopics(): string[] {
    const prefix = `${this.options.discoveryPrefix}/`;
    return [...this.latest.keys()].filter((topic) => topic.startsWith(prefix) && topic.endsWith('/config')).sort();
  }

  /**
   * Waits until the newest payload of `topic` matches (equals a string, or satisfies a
   * predicate; `undefined` waits until the topic holds nothing), and returns it.
   */
  async waitFor(
    topic: string,
    expected: string | undefined | ((payload: string) => boolean),
    timeoutMs = 10_000,
  ): Promise<string | undefined> {
    const matches =
      typeof expected === 'function'
        ? (payload: string | undefined) => payload !== undefined && expected(payload)
        : (payload: string | undefined) => payload === expected;
    await this.waitUntil(
      () => matches(this.latest.get(topic)),
      `${topic} to be ${typeof expected === 'function' ? 'a matching payload' : JSON.stringify(expected)}`,
      timeoutMs,
      () => `it is ${JSON.stringify(this.latest.get(topic))}`,
    );
    return this.latest.get(topic);
  }

  /** Waits until the newest payload of `topic` parses as JSON that satisfies `condition`, and returns it parsed. */
  async waitForJson(topic: string, condition: (value: any) => boolean, timeoutMs = 10_000): Promise<any> {
    const text = await this.waitFor(
      topic,
      (payload) => {
        try {
          return condition(JSON.parse(payload));
        } catch {
          return false;
        }
      },
      timeoutMs,
    );
    return JSON.parse(text!);
  }

  /** Waits until a message on `topic` arrives at or after `mark` satisfying `condition`. */
  async waitForMessage(
    mark: number,
    topic: string,
    condition: (payload: string) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<ReceivedMessage> {
    await this.waitUntil(
      () => this.since(mark, topic).some((message) => condition(message.payload)),
      `a message on ${topic}`,
      timeoutMs,
      () => `got ${JSON.stringify(this.since(mark, topic).map((m) => m.payload))}`,
    );
    return this.since(mark, topic).find((message) => condition(message.payload))!;
  }

  /** Waits (woken by every message and connection change) until `condition` holds. */
  async waitUntil(condition: () => boolean, what: string, timeoutMs = 10_000, detail: () => string = () => ''): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`Home Assistant timed out waiting for ${what}${detail() ? `; ${detail()}` : ''}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.#waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(remaining, 200));
        this.#waiters.add(wake);
      });
    }
  }

  /** Publishes as Home Assistant does: a command (objects as JSON), not retained unless asked. */
  async send(topic: string, payload: string | object, options: { retain?: boolean } = {}): Promise<void> {
    const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
    await this.client.publishAsync(topic, text, { qos: 1, retain: options.retain ?? false });
  }

  /** Home Assistant's birth message: `<discovery prefix>/status` `online`, as it sends it on start. */
  async birth(): Promise<void> {
    await this.send(this.topics.birth, 'online');
  }

  /**
   * Waits until the broker has handled everything sent before (its answer to a message on a topic
   * of our own comes after the retained messages of earlier subscriptions and after our earlier
   * publications reached every subscriber).
   */
  async sync(): Promise<void> {
    const mark = this.mark();
    const token = randomUUID();
    await this.send(this.#syncTopic, token);
    await this.waitForMessage(mark, this.#syncTopic, (payload) => payload === token);
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }

  #wake(): void {
    for (const wake of [...this.#waiters]) wake();
  }
}

/** The retained messages a new subscriber gets now: what the broker really keeps. */
export async function retainedOnBroker(url: string, options: HomeAssistantOptions = {}): Promise<Map<string, string>> {
  const fresh = await HomeAssistant.connect(url, options);
  const retained = new Map(fresh.log.filter((message) => message.retain && message.payload !== '').map((m) => [m.topic, m.payload]));
  await fresh.close();
  return retained;
}

/**
 * A TCP path from the system to the broker that a test can cut, as a dropped Wi-Fi or a pulled
 * cable would: the broker sees its client vanish without a goodbye (and publishes its last will).
 */
export class BrokerPath {
  #refusing = false;
  #port = 0;
  readonly #pairs = new Set<[Socket, Socket]>();
  readonly #server: Server;

  private constructor(brokerPort: number) {
    this.#server = createServer((inbound) => {
      if (this.#refusing) {
        inbound.destroy();
        return;
      }
      const outbound = connect(brokerPort, '127.0.0.1');
      const pair: [Socket, Socket] = [inbound, outbound];
      this.#pairs.add(pair);
      const end = () => {
        inbound.destroy();
        outbound.destroy();
        this.#pairs.delete(pair);
      };
      inbound.on('error', end).on('close', end);
      outbound.on('error', end).on('close', end);
      inbound.pipe(outbound);
      outbound.pipe(inbound);
    });
  }

  static async open(brokerPort: number): Promise<BrokerPath> {
    const path = new BrokerPath(brokerPort);
    path.#port = await new Promise<number>((resolve, reject) => {
      path.#server.once('error', reject);
      path.#server.listen(0, '127.0.0.1', () => {
        const address = path.#server.address();
        if (typeof address === 'object' && address) resolve(address.port);
        else reject(new Error('no port'));
      });
    });
    return path;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.#port}`;
  }

  /** Connections passing through now. */
  get connections(): number {
    return this.#pairs.size;
  }

  /** Drops every connection passing through now, without a word to either end. */
  cut(): void {
    for (const [inbound, outbound] of [...this.#pairs]) {
      inbound.resetAndDestroy();
      outbound.resetAndDestroy();
    }
    this.#pairs.clear();
  }

  /** While refusing, every new connection is closed as soon as it opens. */
  refuse(refusing: boolean): void {
    this.#refusing = refusing;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/**
 * The whole system with the bridge's settings as the environment gives them (CC_MQTT_URL, …).
 * `buildSystem` hands every option it does not use itself on to the API.
 */
export function startSystemWithBridge(options: SystemStartOptions & { mqtt: Partial<MqttSettings> }): Promise<RunningSystem> {
  return startSystem(options);
}
