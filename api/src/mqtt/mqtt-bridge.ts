import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { PubSub } from '../events/pubsub.js';
import type { StateStore } from '../store/state-store.js';
import { effectiveMqttSettings, StoredMqttSettings, type MqttSettings } from './mqtt-settings.js';

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

export interface MqttBridgeOptions {
  store: StateStore;
  /** From the environment; anything changed through the API is laid over them. */
  defaults: Partial<MqttSettings>;
  pubsub: PubSub<MqttBridgeEvents>;
  clock: Clock;
  logger: Logger;
}

const OFF_MESSAGE = 'no MQTT broker is configured: set CC_MQTT_URL or use the configureMqtt mutation';

/**
 * The bridge between the home and an MQTT broker: Home Assistant discovery and the plain topics.
 * Off until a broker URL is set.
 */
export class MqttBridge {
  #settings: MqttSettings;
  #status: MqttBridgeStatus;

  constructor(private readonly options: MqttBridgeOptions) {
    this.#settings = effectiveMqttSettings(options.defaults, this.#loadStoredSettings());
    this.#status = offStatus(this.#settings);
  }

  start(): void {}

  async stop(): Promise<void> {}

  snapshot(): MqttBridgeSnapshot {
    return { settings: this.#settings, status: this.#status };
  }

  /** Applies and stores an admin's change (already checked), then reconnects with it. */
  // eslint-disable-next-line @typescript-eslint/require-await -- placeholder until the connection exists
  async configure(change: StoredMqttSettings): Promise<MqttBridgeSnapshot> {
    const stored = { ...this.#loadStoredSettings(), ...change };
    this.options.store.writeSetting('mqtt_settings', JSON.stringify(stored));
    this.#settings = effectiveMqttSettings(this.options.defaults, stored);
    this.#status = offStatus(this.#settings);
    this.options.pubsub.publish('mqttBridge', this.snapshot());
    return this.snapshot();
  }

  /** The snapshot at once, then on every status or settings change. */
  async *updates(signal?: AbortSignal): AsyncGenerator<MqttBridgeSnapshot> {
    const events = this.options.pubsub.latest('mqttBridge', signal);
    yield this.snapshot();
    for await (const snapshot of events) yield snapshot;
  }

  #loadStoredSettings(): StoredMqttSettings {
    const text = this.options.store.readSetting('mqtt_settings');
    if (text === undefined) return {};
    const parsed = StoredMqttSettings.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
    this.options.logger.warn("stored MQTT settings are unreadable; using the environment's");
    return {};
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
