import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { PubSub } from '../events/pubsub.js';
import type { FirmwareEvents } from '../firmware/firmware-updates.js';
import type { LampEvents } from '../lamps/lamp-connections.js';
import type { DisplayEvents } from '../rooms/room-displays.js';
import type { SceneEvents } from '../scenes/scenes.js';
import type { StateStore } from '../store/state-store.js';
import { BrokerConnection, DEFAULT_RETRY_TIMING, type BrokerRetryTiming } from './broker-connection.js';
import { BRIDGE_ORIGIN } from './bridge-origin.js';
import { HomePublisher } from './home-publisher.js';
import { MqttCommands, type CommandDomain } from './mqtt-commands.js';
import { effectiveMqttSettings, MqttSettingError, parseBrokerUrl, StoredMqttSettings, type MqttSettings } from './mqtt-settings.js';
import { mqttTopics } from './mqtt-topics.js';
import { PublishedEntities } from './published-entities.js';
import { RoomOnModes } from './room-on-modes.js';
import { followHome, followRooms } from './domain-following.js';

/** How the bridge to the MQTT broker is doing. */
export type MqttBridgeState = 'OFF' | 'CONNECTING' | 'CONNECTED' | 'RECONNECTING';

export interface MqttBridgeStatus {
  state: MqttBridgeState;
  /** Why the bridge is off or the last connection error, in words (never with credentials). */
  message: string | null;
  /** Since when the bridge is connected; null while it is not. */
  connectedSince: Date | null;
  /** When the last connection error happened. */
  lastErrorAt: Date | null;
  /** When the next connection attempt is due, while reconnecting. */
  nextAttemptAt: Date | null;
  /** Connection attempts failed in a row. */
  failedAttempts: number;
}

/** Everything the API tells about the bridge at one moment. */
export interface MqttBridgeSnapshot {
  settings: MqttSettings;
  status: MqttBridgeStatus;
}

export type MqttBridgeEvents = { mqttBridge: MqttBridgeSnapshot };

/** What the bridge follows to keep the broker up to date. */
export type BridgeFollowedEvents = DisplayEvents & LampEvents & FirmwareEvents & SceneEvents;

export interface MqttBridgeOptions {
  store: StateStore;
  /** From the environment; anything changed through the API is laid over them. */
  defaults: Partial<MqttSettings>;
  pubsub: PubSub<MqttBridgeEvents & BridgeFollowedEvents>;
  clock: Clock;
  logger: Logger;
  /** The rooms, lamps, scenes, commands and firmware the bridge shows and acts on. */
  domain: CommandDomain;
  /** Reconnection timing; shorter in tests. */
  timing?: Partial<BrokerRetryTiming>;
}

const OFF_MESSAGE = 'no MQTT broker is configured: set CC_MQTT_URL or use the configureMqtt mutation';

/**
 * The bridge between the home and an MQTT broker: Home Assistant discovery and the plain topics.
 * Off until a broker URL is set. The broker misbehaving never affects the lamps or the API.
 */
export class MqttBridge {
  #settings: MqttSettings;
  #status: MqttBridgeStatus;
  #started = false;
  #turn: Promise<unknown> = Promise.resolve();
  #connection: BrokerConnection | null = null;
  #publisher: HomePublisher | null = null;
  #following: AbortController | null = null;
  /** Ends following what only a connection needs (lamps, update checks, scenes). */
  #followingHome: AbortController | null = null;
  readonly #onModes: RoomOnModes;
  readonly #published: PublishedEntities;
  readonly #timing: BrokerRetryTiming;

  constructor(private readonly options: MqttBridgeOptions) {
    this.#settings = effectiveMqttSettings(options.defaults, this.#loadStoredSettings());
    this.#status = offStatus(this.#settings);
    this.#onModes = new RoomOnModes(options.store, options.logger);
    this.#published = new PublishedEntities(options.store, options.logger);
    this.#timing = { ...DEFAULT_RETRY_TIMING, ...options.timing };
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#following = new AbortController();
    followRooms({
      domain: this.options.domain,
      pubsub: this.options.pubsub,
      logger: this.options.logger,
      onModes: this.#onModes,
      publisher: () => this.#publisher,
      signal: this.#following.signal,
    });
    this.#connect();
  }

  async stop(): Promise<void> {
    await this.#inTurn(async () => {
      if (!this.#started) return;
      this.#started = false;
      this.#following?.abort();
      this.#following = null;
      await this.#disconnect();
      this.#setStatus({ ...offStatus(this.#settings), state: 'OFF', message: 'the bridge is stopped' });
    });
  }

  snapshot(): MqttBridgeSnapshot {
    return { settings: this.#settings, status: this.#status };
  }

  /** Applies and stores an admin's change (already checked), then reconnects with it. */
  async configure(change: StoredMqttSettings): Promise<MqttBridgeSnapshot> {
    return this.#inTurn(async () => {
      const stored = { ...this.#loadStoredSettings(), ...change };
      this.options.store.writeSetting('mqtt_settings', JSON.stringify(stored));
      this.#settings = effectiveMqttSettings(this.options.defaults, stored);
      if (this.#started) {
        await this.#disconnect();
        this.#connect();
      } else {
        this.#setStatus(offStatus(this.#settings));
      }
      return this.snapshot();
    });
  }

  /** The snapshot at once, then on every status or settings change. */
  async *updates(signal?: AbortSignal): AsyncGenerator<MqttBridgeSnapshot> {
    const events = this.options.pubsub.latest('mqttBridge', signal);
    yield this.snapshot();
    for await (const snapshot of events) yield snapshot;
  }

  #connect(): void {
    const settings = this.#settings;
    if (settings.url === null) {
      this.#setStatus(offStatus(settings));
      return;
    }
    let address;
    try {
      address = parseBrokerUrl(settings.url);
    } catch (error) {
      if (!(error instanceof MqttSettingError)) throw error;
      this.#setStatus({ ...offStatus(settings), state: 'OFF', message: `the broker URL ${error.message}` });
      return;
    }
    const { logger } = this.options;
    const topics = mqttTopics(settings.topicPrefix, settings.discoveryPrefix);
    const publisher = new HomePublisher(this.options.domain, topics, BRIDGE_ORIGIN, this.#published, logger);
    const onHomeAssistantOnline = () => {
      logger.info('Home Assistant announced itself: sending every config and state again');
      publisher.publishAll(this.#connection?.session ?? null);
    };
    const commands = new MqttCommands(this.options.domain, topics, this.#onModes, publisher, logger, onHomeAssistantOnline);
    this.#publisher = publisher;
    this.#followingHome = new AbortController();
    followHome({
      domain: this.options.domain,
      pubsub: this.options.pubsub,
      logger,
      publisher,
      signal: this.#followingHome.signal,
    });
    this.#connection = new BrokerConnection({
      url: address.url,
      username: settings.username ?? address.username ?? null,
      password: settings.password ?? address.password ?? null,
      clientId: this.#clientId(),
      will: { topic: topics.status, payload: 'offline' },
      subscriptions: [...topics.commandFilters, ...(publisher.followsHomeAssistant ? [topics.homeAssistantStatus] : [])],
      timing: this.#timing,
      clock: this.options.clock,
      logger,
      onStatus: (status) => {
        if (status.state !== 'CONNECTED') publisher.publishAll(null);
        this.#setStatus(status);
      },
      onConnected: (session) => publisher.publishAll(session),
      onMessage: (topic, payload, retained) => commands.handle(topic, payload, retained),
    });
    this.#connection.start();
  }

  async #disconnect(): Promise<void> {
    const connection = this.#connection;
    const publisher = this.#publisher;
    this.#connection = null;
    this.#publisher = null;
    this.#followingHome?.abort();
    this.#followingHome = null;
    publisher?.publishAll(null);
    if (connection && publisher) await connection.stop({ topic: publisher.statusTopic, payload: 'offline' });
  }

  /** Changes and stops one after the other: two at once would each leave a connection behind. */
  #inTurn<T>(change: () => Promise<T>): Promise<T> {
    const done = this.#turn.then(change);
    this.#turn = done.then(
      () => undefined,
      () => undefined,
    );
    return done;
  }

  #setStatus(status: MqttBridgeStatus): void {
    this.#status = status;
    this.options.pubsub.publish('mqttBridge', this.snapshot());
  }

  /** Stable per installation, so the broker (and its logs) know this home as one client. */
  #clientId(): string {
    const stored = this.options.store.readSetting('mqtt_client_id');
    if (stored) return stored;
    const clientId = `cloud-cloud-${randomBytes(6).toString('hex')}`;
    this.options.store.writeSetting('mqtt_client_id', clientId);
    return clientId;
  }

  #loadStoredSettings(): StoredMqttSettings {
    const text = this.options.store.readSetting('mqtt_settings');
    if (text === undefined) return {};
    const parsed = StoredMqttSettings.safeParse(parseJson(text));
    if (parsed.success) return parsed.data;
    this.options.logger.warn("stored MQTT settings are unreadable; using the environment's");
    return {};
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function offStatus(settings: MqttSettings): MqttBridgeStatus {
  return {
    state: settings.url === null ? 'OFF' : 'CONNECTING',
    message: settings.url === null ? OFF_MESSAGE : null,
    connectedSince: null,
    lastErrorAt: null,
    nextAttemptAt: null,
    failedAttempts: 0,
  };
}
