import type { LampReport } from '@cloud-cloud/contract/lamp-identity';
import type { ResultOf, TadaDocumentNode } from '@cloud-cloud/contract/graphql';
import { ADAPTER_GRAPHQL_PATH, GRAPHQL_PATH, MAX_OPERATIONS_PER_CONNECTION } from '@cloud-cloud/contract/http';
import { print, type DocumentNode } from 'graphql';
import { CloseCode, createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import type { Logger } from 'pino';
import WebSocket from 'ws';
import {
  ADMIT_LAMP,
  ADMIT_LAMPS,
  CONFIRM_COMMAND,
  LAMP_COMMANDS,
  LAMP_DEBUG,
  LAMP_GONE,
  LAMPS_GONE,
  LAMPS_SEEN,
  ROOM_FRAMES,
  SYNC_LAMPS,
} from './api-operations.js';

/**
 * A packet to write, connections to close, or lamps to file under another room, for some or
 * (connectionIds null) all of the adapter's lamps.
 */
export type LampCommandMessage = ResultOf<typeof LAMP_COMMANDS>['lampCommands'];

/** One room's frame; of two for a room, the higher revision is the newer. */
export type RoomFrameMessage = ResultOf<typeof ROOM_FRAMES>['roomFrames'];

/** What the API answers when asked to admit a lamp. */
export type LampAdmission = ResultOf<typeof ADMIT_LAMP>['admitLamp'];

/** What the API answers when the adapter lists its lamps. */
export type LampSync = ResultOf<typeof SYNC_LAMPS>['syncLamps'];

/**
 * A WebSocket class as graphql-ws's client uses it: `ws` for an API across the network, or one
 * the API provides when it runs in the same process (its links never touch a network socket).
 */
export type ApiTransport = new (url: string, protocol: string) => object;

export interface ApiLinkOptions {
  /** The API's adapter endpoint, `http(s)://` or `ws(s)://` (see `toWebSocketUrl`). */
  url: string;
  /** How to reach it; `ws` (over the network) when omitted. */
  transport?: ApiTransport;
  adapterToken: string;
  /** The adapter's name, for the API's logs and its lamps' ids. */
  adapterId: string;
  /**
   * A secret of this adapter's own, sent on every link it opens: the API knows the adapter by
   * it, so a link that comes back after a drop keeps the adapter's lamps, and nobody else can.
   */
  adapterKey: string;
  logger: Logger;
  onRoomFrame(frame: RoomFrameMessage): void;
  onCommand(command: LampCommandMessage): void;
  /** Called each time the link (re)opens, before anything else is sent on it. */
  onConnected(): void;
  /** Longest wait between reconnection attempts. Default 10 s. */
  maxRetryDelayMs?: number;
}

export class LinkDown extends Error {
  override name = 'LinkDown';
}

/**
 * One-off operations (admissions, reports) in flight at once. The API refuses a link more than
 * MAX_OPERATIONS_PER_CONNECTION at once, and the two subscriptions count too: a burst of lamps
 * connecting waits its turn here instead of being turned away.
 */
const MAX_REQUESTS_IN_FLIGHT = MAX_OPERATIONS_PER_CONNECTION - 10;

/**
 * The adapter's one connection to the API: graphql-ws, authenticated with the adapter token.
 * It reconnects with capped exponential backoff for as long as the adapter runs, and
 * graphql-ws resubscribes on each new connection, so every room's current frame arrives again
 * every time the link comes back.
 */
export class ApiLink {
  readonly #client: Client;
  readonly #logger: Logger;
  #connected = false;
  #stopped = false;
  #unsubscribe: (() => void)[] = [];
  #inFlight = 0;
  readonly #waitingForTurn: (() => void)[] = [];

  constructor(private readonly options: ApiLinkOptions) {
    this.#logger = options.logger;
    const maxDelay = options.maxRetryDelayMs ?? 10_000;
    this.#client = createClient({
      url: toWebSocketUrl(options.url),
      webSocketImpl: options.transport ?? WebSocket,
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
          // A link in the API's own process has no network address worth naming.
          if (options.transport) this.#logger.info('linked to the API in this process');
          else this.#logger.info({ url: options.url }, 'linked to the API');
          options.onConnected();
        },
        closed: (event) => {
          const wasConnected = this.#connected;
          this.#connected = false;
          if (this.#stopped) return;
          const { code, reason } = event as { code?: number; reason?: string };
          if (code === CloseCode.Forbidden) {
            this.#logger.error({ reason }, 'the API refused the adapter token (CC_ADAPTER_TOKEN); retrying');
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
      this.#follow(ROOM_FRAMES, (data) => this.options.onRoomFrame(data.roomFrames)),
      this.#follow(LAMP_COMMANDS, (data) => this.options.onCommand(data.lampCommands)),
    );
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    // dispose() rethrows the last failed connection attempt; when stopping, that is moot.
    await Promise.resolve(this.#client.dispose()).catch(() => {});
  }

  admitLamp(lamp: LampReport): Promise<LampAdmission> {
    return this.#request(ADMIT_LAMP, { lamp: serialize(lamp) }).then((data) => data.admitLamp);
  }

  /** Several lamps in one request (at most MAX_LAMPS_PER_BATCH): one admission per lamp, in order. */
  admitLamps(lamps: readonly LampReport[]): Promise<LampAdmission[]> {
    return this.#request(ADMIT_LAMPS, { lamps: lamps.map(serialize) }).then((data) => data.admitLamps);
  }

  syncLamps(lamps: LampReport[]): Promise<LampSync> {
    return this.#request(SYNC_LAMPS, { lamps: lamps.map(serialize) }).then((data) => data.syncLamps);
  }

  reportDisconnected(connectionId: string, reason: string): void {
    this.#report(LAMP_GONE, { id: connectionId, reason });
  }

  /**
   * Connections that ended (at most MAX_LAMPS_PER_BATCH), in one request; fails while the link
   * is down (the next sync restores what is lost).
   */
  reportDisconnections(disconnections: readonly { connectionId: string; reason: string }[]): Promise<number> {
    return this.#request(LAMPS_GONE, { d: [...disconnections] }).then((data) => data.reportLampsDisconnected);
  }

  reportSeen(sightings: { connectionId: string; at: Date }[]): void {
    this.#report(LAMPS_SEEN, { s: sightings.map(({ connectionId, at }) => ({ connectionId, at: at.toISOString() })) });
  }

  reportDebugMessage(connectionId: string, text: string, at: Date): void {
    this.#report(LAMP_DEBUG, { id: connectionId, text, at: at.toISOString() });
  }

  confirmCommand(commandId: string, connectionIds: string[]): void {
    this.#report(CONFIRM_COMMAND, { c: commandId, ids: connectionIds });
  }

  #follow<Data>(document: TadaDocumentNode<Data, Record<string, never>>, onData: (data: Data) => void): () => void {
    return this.#client.subscribe<Data>(
      { query: queryText(document) },
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

  /**
   * A one-off operation; fails at once while the link is down instead of waiting for it, and
   * waits for a turn while MAX_REQUESTS_IN_FLIGHT others are under way.
   */
  async #request<Data, Variables extends Record<string, unknown>>(
    document: TadaDocumentNode<Data, Variables>,
    variables: Variables,
  ): Promise<Data> {
    if (this.#inFlight >= MAX_REQUESTS_IN_FLIGHT) await new Promise<void>((resolve) => this.#waitingForTurn.push(resolve));
    else this.#inFlight += 1;
    try {
      if (!this.#connected) throw new LinkDown('the API link is down');
      return await this.#send(document, variables);
    } finally {
      // The turn passes to the next waiting request, or is given back.
      const next = this.#waitingForTurn.shift();
      if (next) next();
      else this.#inFlight -= 1;
    }
  }

  #send<Data, Variables extends Record<string, unknown>>(document: TadaDocumentNode<Data, Variables>, variables: Variables): Promise<Data> {
    return new Promise<Data>((resolve, reject) => {
      let result: FormattedExecutionResult<Data, unknown> | undefined;
      this.#client.subscribe<Data>(
        { query: queryText(document), variables },
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

  /**
   * Sends a report the API can do without: what is lost while the link is down, the next sync
   * restores. Nothing is sent while the link is down, and a failure other than the link going
   * down is logged as `failure`.
   */
  bestEffort(send: () => Promise<unknown>, failure: string): void {
    if (!this.#connected) return;
    send().catch((error: unknown) => {
      if (!(error instanceof LinkDown)) this.#logger.warn({ err: describe(error) }, failure);
    });
  }

  #report<Data, Variables extends Record<string, unknown>>(document: TadaDocumentNode<Data, Variables>, variables: Variables): void {
    this.bestEffort(() => this.#request(document, variables), 'report to the API failed');
  }
}

const printed = new WeakMap<DocumentNode, string>();

/** graphql-ws sends text; each document is printed once, not once per report. */
function queryText(document: DocumentNode): string {
  let text = printed.get(document);
  if (text === undefined) {
    text = print(document);
    printed.set(document, text);
  }
  return text;
}

function serialize(lamp: LampReport) {
  return {
    connectionId: lamp.connectionId,
    secret: lamp.secret,
    remoteAddress: lamp.remoteAddress,
    connectedAt: lamp.connectedAt.toISOString(),
    lastSeenAt: lamp.lastSeenAt.toISOString(),
    mac: lamp.mac,
    firmwareVersion: lamp.firmwareVersion,
  };
}

/**
 * Accepts the URL people have at hand and derives the adapter endpoint's WebSocket URL: the
 * API's address (`http://host:4000`) or its public GraphQL URL (`…/graphql`) mean the adapter
 * endpoint beside it (`…/adapter/graphql`); any other path is taken as given (a proxy's).
 */
export function toWebSocketUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol === 'http:') parsed.protocol = 'ws:';
  else if (parsed.protocol === 'https:') parsed.protocol = 'wss:';
  const path = parsed.pathname;
  if (path.endsWith(ADAPTER_GRAPHQL_PATH)) return parsed.toString();
  if (path.endsWith(GRAPHQL_PATH)) parsed.pathname = path.slice(0, -GRAPHQL_PATH.length) + ADAPTER_GRAPHQL_PATH;
  else if (path.endsWith('/')) parsed.pathname = path.slice(0, -1) + ADAPTER_GRAPHQL_PATH;
  return parsed.toString();
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (Array.isArray(error)) return error.map((e: { message?: string }) => e.message ?? JSON.stringify(e)).join('; ');
  if (error && typeof error === 'object' && 'code' in error) {
    const { code, reason } = error as { code: number; reason?: string };
    return `connection closed (${code}${reason ? ` ${reason}` : ''})`;
  }
  return String(error);
}
