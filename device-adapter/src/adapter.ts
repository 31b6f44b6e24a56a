import type { LampReport } from '@cloud-cloud/contract/lamp-identity';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ADAPTER_ID, ADAPTER_ID_RULE } from '@cloud-cloud/contract/ids';
import { MAX_LAMPS_PER_BATCH } from '@cloud-cloud/contract/lamp-identity';
import { LampCloseCode } from '@cloud-cloud/protocol/close-codes';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { ApiLink, LinkDown, type ApiTransport, type LampAdmission } from './api-link.js';
import { CommandDelivery } from './command-delivery.js';
import { identityFromUrl } from './connection-url.js';
import {
  AdmissionUnavailable,
  LampConnection,
  type Admission,
  type LampConnectionHost,
  type LampConnectionOptions,
} from './lamp-connection.js';
import { RequestBatches } from './request-batches.js';
import { RoomLamps } from './room-lamps.js';

/**
 * In a burst of lamps arriving (or leaving), one admission (or departure) request each this
 * often: a storm of 5000 lamps is then about 400 requests rather than 3000, and its lamps wait
 * at most this long more for their `ok`.
 */
const BURST_SPACING_MS = 5;

export interface AdapterOptions {
  /** Bind address of the device port. */
  host: string;
  /** Device port; 0 picks a free one. */
  port: number;
  /** The API's adapter endpoint; the API's address or its public GraphQL URL also do (see `toWebSocketUrl`). */
  apiUrl: string;
  /** How to reach the API: over the network (`ws`) unless the API in this process provides a link. */
  apiTransport?: ApiTransport;
  adapterToken: string;
  logger: Logger;
  /** Names this adapter to the API (see ADAPTER_ID_RULE); random when omitted. */
  adapterId?: string;
  /** How long a new connection may take to send its secret. Default 5 s. */
  handshakeTimeoutMs?: number;
  /** A lamp with no sign of life for this long is dropped. Default 20 s. */
  heartbeatTimeoutMs?: number;
  /** Largest frame a lamp may send; larger ones close the connection (1009). Default 8 KiB. */
  maxFrameBytes?: number;
  /** Most data that may wait to be written to one lamp; past it the lamp is dropped (4429). Default 64 KiB. */
  maxUnsentBytes?: number;
  /**
   * Most connections in their handshake at once; more are closed with 1013 at once. A
   * connection in its handshake costs about what an open lamp does, so this only guards against
   * floods: the default, 10000, lets a fleet of several thousand lamps that all reconnect at
   * once (firmware retries every 500 ms) in without turning any away.
   */
  maxPendingHandshakes?: number;
  /** How often lamps' last-seen times are reported to the API. Default 5 s. */
  seenReportIntervalMs?: number;
  /** Longest wait between attempts to reach the API. Default 10 s. */
  maxRetryDelayMs?: number;
}

export interface Adapter {
  start(): Promise<number>;
  stop(): Promise<void>;
  readonly port: number;
  readonly adapterId: string;
  /** True while the API link is up and the rooms' frames are known: lamps can be admitted. */
  readonly ready: boolean;
  /** Resolves once the adapter is first ready. */
  firstReady(): Promise<void>;
  /** Every connection on the device port, including those still in their handshake. */
  connections(): LampConnection[];
  /** The room an open connection is filed under, as the API last said. */
  roomOf(connection: LampConnection): string | null;
}

/**
 * The device port: lamps connect here and speak the fixed text protocol. Everything about the
 * lamps' display and commands comes from the API over one graphql-ws link to its adapter
 * endpoint: every room's frame (one message per room change, whatever the number of lamps),
 * and commands. The adapter keeps which of its lamps are in which room, and writes a room's
 * frame to that room's lamps only.
 */
export function buildAdapter(options: AdapterOptions): Adapter {
  const logger = options.logger.child({ component: 'device-adapter' });
  const adapterId = options.adapterId ?? `adapter-${randomBytes(3).toString('hex')}`;
  // The API would take the link for a nameless one and refuse it every lamp: say so here instead.
  if (!ADAPTER_ID.test(adapterId)) throw new Error(`${ADAPTER_ID_RULE}, got ${JSON.stringify(adapterId)}`);
  const handshakeTimeoutMs = options.handshakeTimeoutMs ?? 5_000;
  const heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? 20_000;
  const maxUnsentBytes = options.maxUnsentBytes ?? 64 * 1024;
  const maxPendingHandshakes = options.maxPendingHandshakes ?? 10_000;
  const seenReportIntervalMs = options.seenReportIntervalMs ?? 5_000;
  const connectionOptions: LampConnectionOptions = { handshakeTimeoutMs, maxUnsentBytes, now: Date.now };

  const connections = new Map<string, LampConnection>();
  /** Connections that have not finished their handshake: anyone can open them, so they are capped. */
  const handshaking = new Set<LampConnection>();
  const rooms = new RoomLamps<LampConnection>();
  /** Set once a room frame has arrived on the current link. */
  let framesArrived = false;
  let nextLampNumber = 1;
  let lastSeenReport = 0;
  let becameReady: () => void = () => {};
  const firstReady = new Promise<void>((resolve) => {
    becameReady = resolve;
  });
  const openLamps = () => [...connections.values()].filter((lamp) => lamp.isOpen);

  const link = new ApiLink({
    url: options.apiUrl,
    ...(options.apiTransport ? { transport: options.apiTransport } : {}),
    adapterToken: options.adapterToken,
    adapterId,
    adapterKey: randomBytes(32).toString('base64url'),
    logger,
    ...(options.maxRetryDelayMs !== undefined ? { maxRetryDelayMs: options.maxRetryDelayMs } : {}),
    onRoomFrame: ({ roomId, frame, revision }) => {
      rooms.frameArrived(roomId, frame, revision);
      framesArrived = true;
      becameReady();
    },
    onCommand: (command) => commands.deliver(command),
    onConnected: () => {
      framesArrived = false;
      admissions.linkChanged();
      departures.linkChanged();
      rooms.forgetRevisions();
      void resync();
    },
  });

  // A burst of lamps arriving or leaving (a power cut, the Wi-Fi back) is a few requests, not one per lamp.
  const admissions = new RequestBatches<LampReport, LampAdmission>({
    many: (lamps) => link.admitLamps(lamps),
    one: (lamp) => link.admitLamp(lamp),
    max: MAX_LAMPS_PER_BATCH,
    burstSpacingMs: BURST_SPACING_MS,
    unsupported: /Cannot query field "admitLamps"/,
  });
  const departures = new RequestBatches<{ connectionId: string; reason: string }, unknown>({
    many: (gone) => link.reportDisconnections(gone).then(() => gone),
    one: (gone) => {
      link.reportDisconnected(gone.connectionId, gone.reason);
      return Promise.resolve(gone);
    },
    max: MAX_LAMPS_PER_BATCH,
    burstSpacingMs: BURST_SPACING_MS,
    unsupported: /Cannot query field "reportLampsDisconnected"/,
  });

  /** After the link (re)opens, the API learns which lamps this adapter holds, and says where each one is. */
  const commands = new CommandDelivery(
    { get: (connectionId) => connections.get(connectionId), open: openLamps },
    rooms,
    (commandId, connectionIds) => link.confirmCommand(commandId, connectionIds),
    logger,
  );

  async function resync(): Promise<void> {
    const lamps = openLamps();
    try {
      const sync = await link.syncLamps(lamps.map(report));
      const refused = new Set(sync.refusedConnectionIds);
      const placed = new Map(sync.placements.map((placement) => [placement.connectionId, placement.roomId]));
      for (const lamp of lamps) {
        if (refused.has(lamp.id)) lamp.close(LampCloseCode.Revoked, 'secret no longer valid');
        else {
          const roomId = placed.get(lamp.id);
          if (roomId !== undefined) rooms.place(lamp, roomId);
        }
      }
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'could not report lamps to the API; will retry on the next link');
    }
  }

  const host: LampConnectionHost = {
    logger,
    admit: async (lamp, secret): Promise<Admission> => {
      if (!link.connected) throw new AdmissionUnavailable('no link to the API');
      let answer;
      try {
        answer = await admissions.add({ ...report(lamp), secret });
      } catch (error) {
        if (error instanceof LinkDown) throw new AdmissionUnavailable(error.message);
        throw error;
      }
      if (!answer.accepted) return { accepted: false, reason: answer.reason ?? 'invalid secret' };
      if (answer.lampId === null || answer.roomId === null || answer.frame === null) {
        throw new Error('the API admitted the lamp without saying which lamp it is, its room and its frame');
      }
      // The room's frame as this adapter knows it may be newer than the one the answer carries.
      const frame = rooms.frameOf(answer.roomId) ?? answer.frame;
      return { accepted: true, lampId: answer.lampId, name: answer.name, roomId: answer.roomId, frame };
    },
    onOpen: (lamp, admission) => {
      handshaking.delete(lamp);
      const roomId = commands.roomOnOpen(lamp, admission.roomId);
      rooms.place(lamp, roomId);
      logger.info({ lamp: lamp.id, lampId: lamp.lampId, name: lamp.name, roomId, remoteAddress: lamp.remoteAddress }, 'lamp connected');
    },
    onEnded: (lamp) => {
      handshaking.delete(lamp);
      commands.forget(lamp);
      rooms.remove(lamp);
      connections.delete(lamp.id);
    },
    onLeft: (lamp, reason) => {
      logger.info({ lamp: lamp.id, reason }, 'lamp disconnected');
      link.bestEffort(() => departures.add({ connectionId: lamp.id, reason }), 'could not report lamps gone to the API');
    },
    onDebugMessage: (lamp, text, at) => link.reportDebugMessage(lamp.id, text, at),
  };

  const wss = new WebSocketServer({
    host: options.host,
    port: options.port,
    // A whole fleet reconnects at once after an outage: connections the kernel cannot queue are
    // dropped and retried by TCP only after seconds. The kernel caps this at net.core.somaxconn.
    backlog: 4096,
    maxPayload: options.maxFrameBytes ?? 8 * 1024,
    perMessageDeflate: false,
    clientTracking: false,
  });
  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    if (handshaking.size >= maxPendingHandshakes) {
      socket.on('error', () => {});
      socket.close(LampCloseCode.TryAgainLater, 'too many connections in their handshake, try again later');
      setTimeout(() => socket.terminate(), 1000).unref();
      return;
    }
    const id = `${adapterId}.${nextLampNumber++}`;
    const remoteAddress = remoteAddressOf(request);
    const identity = identityFromUrl(request.url);
    for (const problem of identity.ignored) logger.warn({ lamp: id, remoteAddress }, `connection URL: ${problem}; ignored`);
    const lamp = new LampConnection(
      socket,
      request.socket,
      host,
      { id, remoteAddress, mac: identity.mac, firmwareVersion: identity.firmwareVersion },
      connectionOptions,
    );
    connections.set(lamp.id, lamp);
    handshaking.add(lamp);
  });

  // One sweep for every connection's handshake deadline and heartbeat, rather than timers per lamp.
  const heartbeat = setInterval(
    () => {
      const nowMs = Date.now();
      for (const lamp of handshaking) lamp.expireHandshake(nowMs);
      const cutoff = nowMs - heartbeatTimeoutMs;
      for (const lamp of connections.values()) {
        if (lamp.aliveAt < cutoff) {
          lamp.close(LampCloseCode.HeartbeatTimeout, `no sign of life for ${Math.round(heartbeatTimeoutMs / 1000)} s`);
        }
      }
    },
    Math.max(50, Math.min(1_000, heartbeatTimeoutMs / 4, handshakeTimeoutMs / 4)),
  );
  heartbeat.unref();

  const seenReports = setInterval(() => {
    const since = lastSeenReport;
    lastSeenReport = Date.now();
    const sightings = openLamps()
      .filter((lamp) => lamp.lastSeenAt > since)
      .map((lamp) => ({ connectionId: lamp.id, at: new Date(lamp.lastSeenAt) }));
    if (sightings.length > 0) link.reportSeen(sightings);
  }, seenReportIntervalMs);
  seenReports.unref();

  let port = 0;
  return {
    adapterId,
    get ready() {
      return link.connected && framesArrived;
    },
    firstReady: () => firstReady,
    get port() {
      return port;
    },
    connections: () => [...connections.values()],
    roomOf: (connection) => rooms.roomOf(connection),
    start: async () => {
      await new Promise<void>((resolve, reject) => {
        if (wss.address()) return resolve();
        wss.once('listening', resolve);
        wss.once('error', reject);
      });
      port = (wss.address() as AddressInfo).port;
      link.start();
      return port;
    },
    stop: async () => {
      clearInterval(heartbeat);
      clearInterval(seenReports);
      for (const lamp of connections.values()) lamp.close(LampCloseCode.GoingAway, 'server shutting down');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await link.stop();
    },
  };
}

function report(lamp: LampConnection): LampReport {
  return {
    connectionId: lamp.id,
    secret: lamp.secret ?? '',
    remoteAddress: lamp.remoteAddress,
    connectedAt: new Date(lamp.connectedAt),
    lastSeenAt: new Date(lamp.lastSeenAt),
    mac: lamp.mac,
    firmwareVersion: lamp.firmwareVersion,
  };
}

function remoteAddressOf(request: IncomingMessage): string {
  const address = request.socket.remoteAddress ?? 'unknown';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
