import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ADAPTER_ID, ADAPTER_ID_RULE } from '@cloud-cloud/contract/ids';
import { LampCloseCode } from '@cloud-cloud/protocol/close-codes';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { ApiLink, LinkDown, type LampCommandMessage, type LampReport } from './api-link.js';
import { AdmissionUnavailable, LampConnection, type Admission, type LampConnectionHost } from './lamp-connection.js';

export interface AdapterOptions {
  /** Bind address of the device port. */
  host: string;
  /** Device port; 0 picks a free one. */
  port: number;
  /** The API's GraphQL endpoint. */
  apiUrl: string;
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
  /** Most connections in their handshake at once; more are closed with 1013 at once. Default 1000. */
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
  /** True while the API link is up and the current display packet is known: lamps can be admitted. */
  readonly ready: boolean;
  /** Resolves once the adapter is first ready. */
  firstReady(): Promise<void>;
  /** Every connection on the device port, including those still in their handshake. */
  connections(): LampConnection[];
}

/**
 * The device port: lamps connect here and speak the fixed text protocol. Everything about the
 * lamps' display and commands comes from the API over one graphql-ws link.
 */
export function buildAdapter(options: AdapterOptions): Adapter {
  const logger = options.logger.child({ component: 'device-adapter' });
  const adapterId = options.adapterId ?? `adapter-${randomBytes(3).toString('hex')}`;
  // The API would take the link for a nameless one and refuse it every lamp: say so here instead.
  if (!ADAPTER_ID.test(adapterId)) throw new Error(`${ADAPTER_ID_RULE}, got ${JSON.stringify(adapterId)}`);
  const handshakeTimeoutMs = options.handshakeTimeoutMs ?? 5_000;
  const heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? 20_000;
  const maxUnsentBytes = options.maxUnsentBytes ?? 64 * 1024;
  const maxPendingHandshakes = options.maxPendingHandshakes ?? 1000;
  const seenReportIntervalMs = options.seenReportIntervalMs ?? 5_000;
  const now = () => new Date();

  const connections = new Map<string, LampConnection>();
  /** Connections that have not finished their handshake: anyone can open them, so they are capped. */
  const handshaking = new Set<LampConnection>();
  let currentPacket: string | null = null;
  let nextLampNumber = 1;
  let lastSeenReport = new Date(0);
  let becameReady: () => void = () => {};
  const firstReady = new Promise<void>((resolve) => {
    becameReady = resolve;
  });
  const openLamps = () => [...connections.values()].filter((lamp) => lamp.isOpen);

  const link = new ApiLink({
    url: options.apiUrl,
    adapterToken: options.adapterToken,
    adapterId,
    adapterKey: randomBytes(32).toString('base64url'),
    logger,
    ...(options.maxRetryDelayMs !== undefined ? { maxRetryDelayMs: options.maxRetryDelayMs } : {}),
    onDisplayPacket: (packet) => {
      currentPacket = packet;
      becameReady();
      for (const lamp of openLamps()) lamp.showDisplay(packet);
    },
    onCommand: (command) => deliver(command),
    onConnected: () => void resync(),
  });

  function deliver(command: LampCommandMessage): void {
    const wanted = command.deviceIds ? new Set(command.deviceIds) : null;
    const targets = openLamps().filter((lamp) => !wanted || wanted.has(lamp.id));
    if (command.closeCode !== null) {
      // ws throws on codes a peer may not send; never let the API's choice crash the adapter.
      const code = command.closeCode === 1000 || (command.closeCode >= 3000 && command.closeCode <= 4999) ? command.closeCode : 1008;
      for (const lamp of targets) lamp.close(code, (command.closeReason ?? '').slice(0, 120));
      link.confirmCommand(
        command.id,
        targets.map((lamp) => lamp.id),
      );
      return;
    }
    if (command.packet === null) return;
    const packet = command.packet;
    const reached = targets.filter((lamp) => lamp.sendCommand(packet)).map((lamp) => lamp.id);
    logger.info({ packet, lamps: reached.length }, 'command sent');
    link.confirmCommand(command.id, reached);
  }

  /** After the link (re)opens, the API learns which lamps this adapter holds. */
  async function resync(): Promise<void> {
    const lamps = openLamps();
    try {
      const refused = new Set(await link.syncLamps(lamps.map(report)));
      for (const lamp of lamps) {
        if (refused.has(lamp.id)) lamp.close(LampCloseCode.Revoked, 'secret no longer valid');
      }
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'could not report lamps to the API; will retry on the next link');
    }
  }

  const host: LampConnectionHost = {
    logger,
    admit: async (lamp, secret): Promise<Admission> => {
      if (currentPacket === null || !link.connected) throw new AdmissionUnavailable('no link to the API');
      try {
        const answer = await link.admitLamp({ ...report(lamp), secret });
        if (!answer.accepted) return { accepted: false, reason: answer.reason ?? 'invalid secret' };
        return { accepted: true, name: answer.device?.name ?? null };
      } catch (error) {
        if (error instanceof LinkDown) throw new AdmissionUnavailable(error.message);
        throw error;
      }
    },
    currentDisplayPacket: () => currentPacket ?? '',
    onOpen: (lamp) => {
      handshaking.delete(lamp);
      logger.info({ lamp: lamp.id, name: lamp.name, remoteAddress: lamp.remoteAddress }, 'lamp connected');
    },
    onEnded: (lamp) => {
      handshaking.delete(lamp);
      connections.delete(lamp.id);
    },
    onLeft: (lamp, reason) => {
      logger.info({ lamp: lamp.id, reason }, 'lamp disconnected');
      link.reportDisconnected(lamp.id, reason);
    },
    onDebugMessage: (lamp, text, at) => link.reportDebugMessage(lamp.id, text, at),
  };

  const wss = new WebSocketServer({
    host: options.host,
    port: options.port,
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
    const lamp = new LampConnection(socket, host, {
      id: `${adapterId}.${nextLampNumber++}`,
      remoteAddress: remoteAddressOf(request),
      handshakeTimeoutMs,
      maxUnsentBytes,
      now,
    });
    connections.set(lamp.id, lamp);
    handshaking.add(lamp);
  });

  const heartbeat = setInterval(
    () => {
      const cutoff = Date.now() - heartbeatTimeoutMs;
      for (const lamp of connections.values()) {
        if (lamp.lastSeenAt.getTime() < cutoff) {
          lamp.close(LampCloseCode.HeartbeatTimeout, `no sign of life for ${Math.round(heartbeatTimeoutMs / 1000)} s`);
        }
      }
    },
    Math.max(100, Math.min(1_000, heartbeatTimeoutMs / 4)),
  );
  heartbeat.unref();

  const seenReports = setInterval(() => {
    const since = lastSeenReport;
    lastSeenReport = now();
    const sightings = openLamps()
      .filter((lamp) => lamp.lastSeenAt > since)
      .map((lamp) => ({ id: lamp.id, at: lamp.lastSeenAt }));
    if (sightings.length > 0) link.reportSeen(sightings);
  }, seenReportIntervalMs);
  seenReports.unref();

  let port = 0;
  return {
    adapterId,
    get ready() {
      return link.connected && currentPacket !== null;
    },
    firstReady: () => firstReady,
    get port() {
      return port;
    },
    connections: () => [...connections.values()],
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
    id: lamp.id,
    secret: lamp.secret ?? '',
    remoteAddress: lamp.remoteAddress,
    connectedAt: lamp.connectedAt,
    lastSeenAt: lamp.lastSeenAt,
  };
}

function remoteAddressOf(request: IncomingMessage): string {
  const address = request.socket.remoteAddress ?? 'unknown';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
