/**
 * The servers under test as the bench drives them: where lamps connect, how a colour change is
 * triggered (cloud-cloud: the `setColor` mutation; the floor: POST /broadcast), and what a lamp
 * should show now. Requests go over a keep-alive agent, as a real client's would.
 */
import { Agent, request } from 'node:http';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { formatDisplayPacket, type Rgb } from '@cloud-cloud/protocol/packet';
import type { ServerProcess } from './server-process.js';

export const HOST = '127.0.0.1';
const REQUEST_TIMEOUT_MS = 15_000;

export interface ServerUnderTest {
  label: string;
  /** The process whose CPU and memory are read (the API's for cloud-cloud). */
  process: ServerProcess;
  secret: string;
  /** Triggers the broadcast of `packet`; resolves when the trigger request is answered. */
  broadcast(color: Rgb, packet: string): Promise<void>;
  /**
   * The same trigger over one graphql-ws connection kept open, as a client that also follows
   * subscriptions may send it (cloud-cloud only: the floor has no such path).
   */
  broadcastOverSocket?: (color: Rgb, packet: string) => Promise<void>;
  /** The display packet a lamp connecting now would get. */
  current(): Promise<string>;
}

/**
 * The colour of broadcast number `n`: consecutive colours always differ (37 is odd, so r
 * alone never repeats within 256 steps), so every change is a real display change that the
 * server cannot skip as "already showing".
 */
export function colorFor(n: number): Rgb {
  return { r: (n * 37 + 11) % 256, g: (n * 101 + 47) % 256, b: (n * 53 + 199) % 256 };
}

export function displayPacketFor(color: Rgb): string {
  // setColor keeps the pulse, which is 0 on a fresh start; the mutation's answer confirms it.
  return formatDisplayPacket({ mode: 'manual', color, pulse: 0 });
}

export const deviceUrl = (server: ServerProcess) => `ws://${HOST}:${server.devicePort}/`;

const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const socketClients = new Set<Client>();

/** One HTTP request over the shared keep-alive agent; rejects unless it answers 2xx. */
export function send(
  url: string,
  method: 'GET' | 'POST',
  headers: Record<string, string>,
  body: string | null,
  what: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent, timeout: REQUEST_TIMEOUT_MS }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = response.statusCode ?? 0;
        if (status < 200 || status >= 300) reject(new Error(`${what} answered HTTP ${status}: ${text.slice(0, 300)}`));
        else resolve(text);
      });
      response.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${what} took longer than ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}

export function closeConnections(): void {
  agent.destroy();
  for (const client of socketClients) void client.dispose();
  socketClients.clear();
}

const SET_COLOR = 'mutation($c: ColorInput!){ setColor(color:$c){ frame } }';

function checkFrame(frame: string | undefined, packet: string): void {
  if (frame !== packet) throw new Error(`setColor answered frame ${JSON.stringify(frame)}, expected ${packet}`);
}

/**
 * `setColor` over a graphql-ws connection opened on first use and kept open (`lazy: false`:
 * by default graphql-ws closes the connection whenever no operation is running).
 */
function socketBroadcast(httpPort: number, apiToken: string): (color: Rgb, packet: string) => Promise<void> {
  let client: Client | null = null;
  return async (color, packet) => {
    if (!client) {
      client = createClient({
        url: `ws://${HOST}:${httpPort}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${apiToken}` },
        lazy: false,
        retryAttempts: 0,
        onNonLazyError: () => {},
      });
      socketClients.add(client);
    }
    const socket = client;
    const frame = await new Promise<string | undefined>((resolve, reject) => {
      let answer: string | undefined;
      socket.subscribe<{ setColor: { frame: string } }>(
        { query: SET_COLOR, variables: { c: color } },
        {
          next: (result) => {
            if (result.errors) reject(new Error(`setColor over graphql-ws answered ${JSON.stringify(result.errors)}`));
            answer = result.data?.setColor.frame;
          },
          error: (error) =>
            reject(error instanceof Error ? error : new Error(`the graphql-ws connection closed (${(error as { code?: number }).code})`)),
          complete: () => resolve(answer),
        },
      );
    });
    checkFrame(frame, packet);
  };
}

/** A GraphQL client of cloud-cloud's public endpoint, as the admin. */
export function graphqlClient(httpPort: number, apiToken: string) {
  const url = `http://${HOST}:${httpPort}/graphql`;
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${apiToken}` };
  return async <Data = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<Data> => {
    const text = await send(url, 'POST', headers, JSON.stringify({ query, variables }), 'GraphQL');
    const answer = JSON.parse(text) as { data?: Data; errors?: unknown };
    if (answer.errors || !answer.data) throw new Error(`GraphQL answered ${text.slice(0, 300)}`);
    return answer.data;
  };
}

export type GraphqlClient = ReturnType<typeof graphqlClient>;

/** Credentials the bench gives the cloud-cloud it starts, so it can act as lamps, adapters and the admin. */
export interface BenchCredentials {
  deviceSecret: string;
  apiToken: string;
  adapterToken: string;
}

export function cloudCloudTarget(server: ServerProcess, credentials: BenchCredentials, label = 'cloud-cloud'): ServerUnderTest {
  const api = graphqlClient(server.httpPort, credentials.apiToken);
  return {
    label,
    process: server,
    secret: credentials.deviceSecret,
    broadcast: async (color, packet) => {
      checkFrame((await api<{ setColor: { frame: string } }>(SET_COLOR, { c: color })).setColor.frame, packet);
    },
    broadcastOverSocket: socketBroadcast(server.httpPort, credentials.apiToken),
    current: async () =>
      (await api<{ room: { displayState: { frame: string } } }>('{ room(roomId: "home") { displayState { frame } } }')).room.displayState
        .frame,
  };
}

/** The floor: one or more bare servers, triggered together (the change is done when all answered). */
export function bareTarget(servers: ServerProcess[], secret: string, label = 'bare ws'): ServerUnderTest {
  const base = (server: ServerProcess) => `http://${HOST}:${server.httpPort}`;
  return {
    label,
    process: servers[0]!,
    secret,
    broadcast: async (_color, packet) => {
      await Promise.all(
        servers.map((server) => send(`${base(server)}/broadcast`, 'POST', { 'content-type': 'text/plain' }, packet, 'bare broadcast')),
      );
    },
    current: () => send(`${base(servers[0]!)}/display`, 'GET', {}, null, 'bare display'),
  };
}
