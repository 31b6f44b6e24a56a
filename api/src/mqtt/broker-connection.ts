import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { MqttBridgeStatus } from './mqtt-bridge.js';

/** How soon a lost or failed connection is tried again: doubling from the first delay up to the most. */
export interface BrokerRetryTiming {
  firstRetryMs: number;
  maxRetryMs: number;
  /** How long a broker may take to accept a connection before the attempt counts as failed. */
  connectTimeoutMs: number;
}

const GOODBYE_MS = 2000;

export const DEFAULT_RETRY_TIMING: BrokerRetryTiming = { firstRetryMs: 1000, maxRetryMs: 60_000, connectTimeoutMs: 10_000 };

/** The delay before the next attempt after `failedAttempts` failed in a row (0: the connection was lost). */
export function retryDelayMs(timing: BrokerRetryTiming, failedAttempts: number): number {
  return Math.min(timing.maxRetryMs, timing.firstRetryMs * 2 ** Math.max(0, failedAttempts - 1));
}

/** What the bridge can do on a connection while it is up. Publishing never throws. */
export interface BrokerSession {
  publish(topic: string, payload: string, retain?: boolean): void;
}

export interface BrokerConnectionOptions {
  /** Without credentials: it is shown and logged. */
  url: string;
  username: string | null;
  password: string | null;
  clientId: string;
  /** Published retained by the broker when the connection is lost (the last will). */
  will: { topic: string; payload: string };
  /** Subscribed to (QoS 1) before `onConnected` runs. */
  subscriptions: readonly string[];
  timing: BrokerRetryTiming;
  clock: Clock;
  logger: Logger;
  onStatus(status: MqttBridgeStatus): void;
  /** Connected and subscribed: publish everything. */
  onConnected(session: BrokerSession): void;
  onMessage(topic: string, payload: Buffer, retained: boolean): void;
}

/**
 * One connection to a broker, kept up: each attempt is a fresh MQTT.js client with a clean
 * session; a lost connection or failed attempt is tried again with exponential backoff. Nothing
 * is queued while disconnected: the bridge republishes everything once connected again.
 */
export class BrokerConnection {
  #client: MqttClient | null = null;
  #session: BrokerSession | null = null;
  #retry: NodeJS.Timeout | null = null;
  #failedAttempts = 0;
  #stopped = false;
  #lastMessage: string | null = null;
  #lastErrorAt: Date | null = null;

  constructor(private readonly options: BrokerConnectionOptions) {}

  /** The connection while it is up; null otherwise. */
  get session(): BrokerSession | null {
    return this.#session;
  }

  start(): void {
    this.#attempt();
  }

  /**
   * Ends the connection for good: `lastWords` (the bridge's `offline`) is published retained
   * first when connected. Waits at most two seconds for the broker: stopping the API must not
   * hang on it.
   */
  async stop(lastWords?: { topic: string; payload: string }): Promise<void> {
    this.#stopped = true;
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = null;
    const client = this.#client;
    const connected = this.#session !== null;
    this.#client = null;
    this.#session = null;
    if (!client) return;
    if (!connected) {
      client.end(true);
      return;
    }
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, Math.min(GOODBYE_MS, this.options.timing.connectTimeoutMs)).unref());
    const goodbye = async () => {
      if (lastWords) await client.publishAsync(lastWords.topic, lastWords.payload, { qos: 1, retain: true });
      await client.endAsync();
    };
    await Promise.race([goodbye().catch(() => undefined), timeout]);
    client.end(true);
  }

  #attempt(): void {
    this.#retry = null;
    if (this.#stopped) return;
    this.#report(this.#failedAttempts === 0 && this.#lastErrorAt === null ? 'CONNECTING' : 'RECONNECTING', null);
    // MQTT.js is loaded on first use: an API without a broker does not pay for it at start.
    import('mqtt').then(
      ({ connect }) => {
        if (!this.#stopped) this.#open(connect);
      },
      (error: unknown) => this.options.logger.error({ err: error }, 'MQTT.js could not be loaded'),
    );
  }

  #open(connect: typeof import('mqtt').connect): void {
    const { options } = this;
    const client = connect(options.url, {
      clientId: options.clientId,
      clean: true,
      ...(options.username !== null && { username: options.username }),
      ...(options.password !== null && { password: options.password }),
      will: { topic: options.will.topic, payload: Buffer.from(options.will.payload), qos: 1, retain: true },
      reconnectPeriod: 0,
      connectTimeout: options.timing.connectTimeoutMs,
      keepalive: 30,
      resubscribe: false,
      queueQoSZero: false,
    });
    this.#client = client;
    let lastError: Error | null = null;
    let connected = false;
    client.on('error', (error) => (lastError = error));
    client.on('message', (topic, payload, packet) => {
      if (this.#client !== client) return;
      try {
        options.onMessage(topic, payload, packet.retain);
      } catch (error) {
        options.logger.error({ err: error, topic }, 'MQTT message handling failed');
      }
    });
    client.on('connect', () => {
      client.subscribeAsync([...options.subscriptions], { qos: 1 }).then(
        () => {
          if (this.#client !== client) return;
          connected = true;
          this.#failedAttempts = 0;
          this.#session = sessionOf(client, options.logger);
          options.logger.info({ broker: options.url }, 'connected to the MQTT broker');
          try {
            options.onConnected(this.#session);
          } catch (error) {
            options.logger.error({ err: error }, 'publishing to the MQTT broker failed');
          }
          this.#report('CONNECTED', null);
        },
        (error: unknown) => {
          lastError = error instanceof Error ? error : new Error(String(error));
          client.end(true);
        },
      );
    });
    client.on('close', () => {
      if (this.#client !== client) return;
      this.#client = null;
      this.#session = null;
      client.removeAllListeners('close');
      client.on('error', () => undefined);
      client.end(true);
      this.#failed(connected, lastError);
    });
  }

  #failed(wasConnected: boolean, error: Error | null): void {
    if (this.#stopped) return;
    const reason = this.#redact(error?.message ?? 'the broker closed the connection');
    const message = wasConnected
      ? `lost the connection to ${this.options.url}: ${reason}`
      : `could not connect to ${this.options.url}: ${reason}`;
    if (!wasConnected) this.#failedAttempts++;
    const delay = retryDelayMs(this.options.timing, this.#failedAttempts);
    const now = this.options.clock.now();
    this.#lastMessage = message;
    this.#lastErrorAt = now;
    this.options.logger.warn({ failedAttempts: this.#failedAttempts, retryInMs: delay }, `MQTT bridge ${message}`);
    this.#retry = setTimeout(() => this.#attempt(), delay);
    this.#retry.unref();
    this.#report('RECONNECTING', new Date(now.getTime() + delay));
  }

  #report(state: MqttBridgeStatus['state'], nextAttemptAt: Date | null): void {
    this.options.onStatus({
      state,
      message: state === 'CONNECTED' ? null : this.#lastMessage,
      connectedSince: state === 'CONNECTED' ? this.options.clock.now() : null,
      lastErrorAt: this.#lastErrorAt,
      nextAttemptAt,
      failedAttempts: this.#failedAttempts,
    });
  }

  /** Error texts come from sockets and the broker; a password must never ride along. */
  #redact(text: string): string {
    let redacted = text;
    for (const secret of [this.options.password, this.options.username]) {
      if (secret && secret.length >= 3) redacted = redacted.split(secret).join('***');
    }
    return redacted;
  }
}

function sessionOf(client: MqttClient, logger: Logger): BrokerSession {
  return {
    publish(topic, payload, retain = true) {
      client.publish(topic, payload, { qos: 0, retain }, (error) => {
        if (error) logger.debug({ topic, reason: error.message }, 'MQTT publish failed; everything is sent again on reconnect');
      });
    },
  };
}
