/**
 * The servers under test as the bench drives them: where lamps connect, how a colour change is
 * triggered (cloud-cloud: the `setColor` mutation; the floor: POST /broadcast), and what a lamp
 * should show now. Requests go over a keep-alive agent, as a real client's would.
 */
import { Agent, request } from 'node:http';
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
      const answer = await api<{ setColor: { frame: string } }>('mutation($c: ColorInput!){ setColor(color:$c){ frame } }', { c: color });
      if (answer.setColor.frame !== packet)
        throw new Error(`setColor answered frame ${JSON.stringify(answer.setColor.frame)}, expected ${packet}`);
    },
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
