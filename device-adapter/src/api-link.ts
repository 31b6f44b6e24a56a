import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import type { Logger } from 'pino';
import WebSocket from 'ws';

export interface LampReport {
  id: string;
  secret: string;
  remoteAddress: string;
  connectedAt: Date;
  lastSeenAt: Date;
}

/** A packet to write, or connections to close, for some or (deviceIds null) all lamps. */
export interface LampCommandMessage {
  id: string;
  packet: string | null;
  closeCode: number | null;
  closeReason: string | null;
  deviceIds: string[] | null;
}

export interface ApiLinkOptions {
  /** The API's GraphQL endpoint, `http(s)://` or `ws(s)://`. */
  url: string;
  adapterToken: string;
  /** The adapter's name, for the API's logs and its lamps' ids. */
  adapterId: string;
  /**
   * A secret of this adapter's own, sent on every link it opens: the API knows the adapter by
   * it, so a link that comes back after a drop keeps the adapter's lamps, and nobody else can.
   */
  adapterKey: string;
  logger: Logger;
  onDisplayPacket(packet: string): void;
  onCommand(command: LampCommandMessage): void;
  /** Called each time the link (re)opens, before anything else is sent on it. */
  onConnected(): void;
  /** Longest wait between reconnection attempts. Default 10 s. */
  maxRetryDelayMs?: number;
}

export class LinkDown extends Error {
  override name = 'LinkDown';
}

const DISPLAY_SUBSCRIPTION = 'subscription AdapterDisplay { displayState { frame } }';
const COMMAND_SUBSCRIPTION = 'subscription AdapterCommands { lampCommands { id packet closeCode closeReason deviceIds } }';

/**
 * The adapter's one connection to the API: graphql-ws, authenticated with the adapter token.
 * It reconnects with capped exponential backoff for as long as the adapter runs, and
 * graphql-ws resubscribes on each new connection, so the API's current display state arrives
 * again every time the link comes back.
 */
export class ApiLink {
  readonly #client: Client;
  readonly #logger: Logger;
  #connected = false;
  #stopped = false;
  #unsubscribe: (() => void)[] = [];

  constructor(private readonly options: ApiLinkOptions) {
    this.#logger = options.logger;
    const maxDelay = options.maxRetryDelayMs ?? 10_000;
    this.#client = createClient({
      url: toWebSocketUrl(options.url),
      webSocketImpl: WebSocket,
      lazy: false,
      // Connection failures are logged by the closed handler; the client keeps retrying.
      onNonLazyError: () => {},
      keepAlive: 10_000,
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: () => !this.#stopped,
      retryWait: async (retries) => {
        const delay = Math.min(maxDelay, 250 * 2 ** retries) * (0.5 + Math.random() / 2);
        await new Promise((resolve) => setTimeout(resolve, delay));
      },
      connectionParams: () => ({
        authorization: `Bearer ${options.adapterToken}`,
        adapterId: options.adapterId,
        adapterKey: options.adapterKey,
      }),
      on: {
        connected: () => {
          this.#connected = true;
          this.#logger.info({ url: options.url }, 'linked to the API');
          options.onConnected();
        },
        closed: (event) => {
          const wasConnected = this.#connected;
          this.#connected = false;
          if (this.#stopped) return;
          const { code, reason } = event as { code?: number; reason?: string };
          if (code === 4403) {
            this.#logger.error('the API refused the adapter token (CC_ADAPTER_TOKEN); retrying');
          } else if (wasConnected) {
            this.#logger.warn({ code, reason }, 'lost the link to the API; reconnecting');
          }
        },
        error: (error) => {
          if (!this.#stopped) this.#logger.debug({ err: String(error) }, 'API link error');
        },
      },
    });
  }

  get connected(): boolean {
    return this.#connected;
  }

  start(): void {
    this.#unsubscribe.push(
      this.#follow<{ displayState: { frame: string } }>(DISPLAY_SUBSCRIPTION, (data) =>
        this.options.onDisplayPacket(data.displayState.frame),
      ),
      this.#follow<{ lampCommands: LampCommandMessage }>(COMMAND_SUBSCRIPTION, (data) =>
        this.options.onCommand(data.lampCommands),
      ),
    );
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    // dispose() rethrows the last failed connection attempt; when stopping, that is moot.
    await Promise.resolve(this.#client.dispose()).catch(() => {});
  }

  admitLamp(lamp: LampReport): Promise<{ accepted: boolean; reason: string | null; device: { name: string | null } | null }> {
    return this.#request<{ admitLamp: { accepted: boolean; reason: string | null; device: { name: string | null } | null } }>(
      `mutation AdmitLamp($lamp: LampSessionInput!) {
        admitLamp(lamp: $lamp) { accepted reason device { name } }
      }`,
      { lamp: serialize(lamp) },
    ).then((data) => data.admitLamp);
  }

  syncLamps(lamps: LampReport[]): Promise<string[]> {
    return this.#request<{ syncLamps: string[] }>(
      'mutation SyncLamps($lamps: [LampSessionInput!]!) { syncLamps(lamps: $lamps) }',
      { lamps: lamps.map(serialize) },
    ).then((data) => data.syncLamps);
  }

  reportDisconnected(id: string, reason: string): void {
    this.#report('mutation LampGone($id: ID!, $reason: String!) { reportLampDisconnected(id: $id, reason: $reason) }', {
      id,
      reason,
    });
  }

  reportSeen(sightings: { id: string; at: Date }[]): void {
    this.#report('mutation LampsSeen($s: [LampSightingInput!]!) { reportLampsSeen(sightings: $s) }', {
      s: sightings.map(({ id, at }) => ({ id, at: at.toISOString() })),
    });
  }

  reportDebugMessage(id: string, text: string, at: Date): void {
    this.#report(
      'mutation LampDebug($id: ID!, $text: String!, $at: DateTime!) { reportLampDebugMessage(id: $id, text: $text, at: $at) }',
      { id, text, at: at.toISOString() },
    );
  }

  confirmCommand(commandId: string, deviceIds: string[]): void {
    this.#report(
      'mutation ConfirmCommand($c: ID!, $d: [ID!]!) { confirmLampCommand(commandId: $c, deviceIds: $d) }',
      { c: commandId, d: deviceIds },
    );
  }

  #follow<T>(query: string, onData: (data: T) => void): () => void {
    return this.#client.subscribe<T>(
      { query },
      {
        next: (result) => {
          if (result.data) onData(result.data);
          else this.#logger.error({ errors: result.errors }, 'API subscription error');
        },
        error: (error) => this.#logger.error({ err: describe(error) }, 'API subscription failed'),
        complete: () => {},
      },
    );
  }

  /** A one-off operation; fails at once while the link is down instead of waiting for it. */
  #request<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    if (!this.#connected) return Promise.reject(new LinkDown('the API link is down'));
    return new Promise<T>((resolve, reject) => {
      let result: FormattedExecutionResult<T, unknown> | undefined;
      this.#client.subscribe<T>(
        { query, variables },
        {
          next: (value) => {
            result = value;
          },
          error: (error) => reject(error instanceof Error ? error : new LinkDown(describe(error))),
          complete: () => {
            if (result?.data) resolve(result.data);
            else reject(new Error(result?.errors?.map((e) => e.message).join('; ') ?? 'no result'));
          },
        },
      );
    });
  }

  /** Reports are best effort: what is lost while the link is down, the next sync restores. */
  #report(query: string, variables: Record<string, unknown>): void {
    if (!this.#connected) return;
    this.#request(query, variables).catch((error: unknown) => {
      if (!(error instanceof LinkDown)) this.#logger.warn({ err: describe(error) }, 'report to the API failed');
    });
  }
}

function serialize(lamp: LampReport) {
  return {
    id: lamp.id,
    secret: lamp.secret,
    remoteAddress: lamp.remoteAddress,
    connectedAt: lamp.connectedAt.toISOString(),
    lastSeenAt: lamp.lastSeenAt.toISOString(),
  };
}

/** Accepts the URL people have at hand (the HTTP one) and derives the WebSocket one. */
export function toWebSocketUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol === 'http:') parsed.protocol = 'ws:';
  else if (parsed.protocol === 'https:') parsed.protocol = 'wss:';
  if (parsed.pathname === '/' || parsed.pathname === '') parsed.pathname = '/graphql';
  return parsed.toString();
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (Array.isArray(error)) return error.map((e: { message?: string }) => e.message ?? String(e)).join('; ');
  if (error && typeof error === 'object' && 'code' in error) {
    const { code, reason } = error as { code: number; reason?: string };
    return `connection closed (${code}${reason ? ` ${reason}` : ''})`;
  }
  return String(error);
}
