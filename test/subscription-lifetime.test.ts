import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_OPERATIONS_PER_CONNECTION } from '@cloud-cloud/api/http/graphql-ws-link';
import { MAX_HTTP_STREAMS_PER_CREDENTIAL } from '@cloud-cloud/api/http/subscription-lifetime';
import { AS_ADMIN, graphqlData, graphqlResponse } from './support/graphql.js';
import { ManualClock } from './support/clock.js';
import { openEventStream, type EventStream } from './support/sse.js';
import { ADMIN_PASSWORD, startSystem, waitUntil, type RunningSystem } from './support/system.js';

const FRAME_SUBSCRIPTION = 'subscription { displayState { frame } }';

let running: RunningSystem | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await running?.stop();
  running = undefined;
});

async function readOnlyToken(http: number): Promise<{ id: string; headers: Record<string, string> }> {
  const created = await graphqlData<{ createApiToken: { token: string; apiToken: { id: string } } }>(
    http,
    'mutation { createApiToken(name: "dashboard", scope: READ_ONLY) { token apiToken { id } } }',
  );
  return { id: created.createApiToken.apiToken.id, headers: { authorization: `Bearer ${created.createApiToken.token}` } };
}

async function setColor(http: number, hex: string): Promise<string> {
  const data = await graphqlData<{ setColor: { frame: string } }>(http, `mutation { setColor(color: { hex: "${hex}" }) { frame } }`);
  return data.setColor.frame;
}

/**
 * Changes the colour until every one of `subscribers` stopped subscribers has a state it could
 * not be sent: the socket buffers between server and client are then full.
 */
async function changeUntilBlocked(subscribers: number): Promise<string> {
  let last = '';
  for (let round = 0; running!.system.api.subscriberBacklog < subscribers; round++) {
    if (round > 400) throw new Error('the server never had to hold a state back');
    const frames = await Promise.all(
      Array.from({ length: 10 }, (_, i) => setColor(running!.http, `#${(0x100000 + (round * 10 + i) * 97).toString(16).slice(-6)}`)),
    );
    last = frames.at(-1)!;
  }
  return last;
}

function track(stream: EventStream): EventStream {
  cleanups.push(() => stream.close());
  return stream;
}

describe('server-sent event subscriptions end with their credentials', () => {
  it('ends a stream opened with an API token when the token is revoked, saying why', async () => {
    running = await startSystem();
    const token = await readOnlyToken(running.http);
    const stream = track(await openEventStream(running.http, FRAME_SUBSCRIPTION, token.headers));
    expect(stream.status).toBe(200);
    expect((await stream.next())?.data?.data?.displayState.frame).toBe('[cc:0:?:?]');
    const pink = await setColor(running.http, '#ff41ae');
    expect((await stream.next())?.data?.data?.displayState.frame).toBe(pink);

    await graphqlData(running.http, 'mutation($id: ID!) { revokeApiToken(apiTokenId: $id) { revokedAt } }', { id: token.id });
    await setColor(running.http, '#00ff00');

    // The stream says why it ends, ends, and never carries the change made after revocation.
    const rest = await stream.rest();
    const results = rest.filter((event) => event.event === 'next').map((event) => event.data);
    expect(results).toEqual([{ errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) })] }]);
    expect(running.system.api.subscriberBacklog).toBe(0);
  });

  it('ends a stream opened with a session cookie when that session logs out', async () => {
    running = await startSystem();
    const login = await graphqlResponse(running.http, `mutation { login(password: "${ADMIN_PASSWORD}") { expiresAt } }`, undefined, {});
    const cookie = { cookie: login.headers.get('set-cookie')!.split(';')[0]!, [`x-graphql-yoga-csrf`]: '1' };
    const stream = track(await openEventStream(running.http, FRAME_SUBSCRIPTION, cookie));
    expect((await stream.next())?.data?.data?.displayState.frame).toBe('[cc:0:?:?]');

    const logout = await graphqlResponse(running.http, 'mutation { logout }', undefined, cookie);
    expect(logout.body.data?.logout).toBe(true);
    await setColor(running.http, '#123456');
    const rest = await stream.rest();
    expect(rest.filter((event) => event.event === 'next').map((event) => event.data?.errors?.[0]?.extensions?.code)).toEqual([
      'UNAUTHENTICATED',
    ]);
  });

  it('ends what a session opened once the session expires, on every transport', async () => {
    const clock = new ManualClock(new Date('2026-12-01T08:00:00Z'));
    running = await startSystem({ clock });
    const login = await graphqlResponse(running.http, `mutation { login(password: "${ADMIN_PASSWORD}") { expiresAt } }`, undefined, {});
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const stream = track(await openEventStream(running.http, FRAME_SUBSCRIPTION, { cookie, 'x-graphql-yoga-csrf': '1' }));
    expect((await stream.next())?.data?.data?.displayState.frame).toBe('[cc:0:?:?]');
    const socket = new WebSocket(`ws://127.0.0.1:${running.http}/graphql`, 'graphql-transport-ws', { headers: { cookie } });
    cleanups.push(() => socket.terminate());
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    const acknowledged = new Promise<void>((resolve) =>
      socket.on('message', (data) => {
        if ((JSON.parse((data as Buffer).toString('utf8')) as { type: string }).type === 'connection_ack') resolve();
      }),
    );
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
    await acknowledged;

    // Still valid: nothing ends.
    running.system.api.services.authenticator.expireSessions();
    await setColor(running.http, '#204060');
    expect((await stream.next())?.data?.data?.displayState.frame).toBe('[cc:2:32,64,96:0]');

    clock.advance(31 * 24 * 3600_000);
    running.system.api.services.authenticator.expireSessions();
    expect(await closed).toBe(4403);
    const rest = await stream.rest();
    expect(rest.filter((event) => event.event === 'next').map((event) => event.data?.errors?.[0]?.extensions?.code)).toEqual([
      'UNAUTHENTICATED',
    ]);
  });

  it('bounds the streams one credential holds open over HTTP', async () => {
    running = await startSystem();
    const token = await readOnlyToken(running.http);
    const streams = await Promise.all(
      Array.from({ length: MAX_HTTP_STREAMS_PER_CREDENTIAL }, () => openEventStream(running!.http, FRAME_SUBSCRIPTION, token.headers)),
    );
    streams.forEach(track);
    for (const stream of streams) expect((await stream.next())?.data?.data?.displayState).toBeDefined();

    const refused = track(await openEventStream(running.http, FRAME_SUBSCRIPTION, token.headers));
    const answer = await refused.rest();
    expect(answer.find((event) => event.event === 'next')?.data?.errors?.[0]?.extensions).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: MAX_HTTP_STREAMS_PER_CREDENTIAL,
    });
    // Another credential is not affected, and closing one stream makes room again.
    const admin = track(await openEventStream(running.http, FRAME_SUBSCRIPTION, AS_ADMIN));
    expect((await admin.next())?.data?.data?.displayState).toBeDefined();
    streams[0]!.close();
    // The closed stream is released once the server sees the client go; until then, each
    // attempt is refused, and the next one follows the refusal.
    for (;;) {
      const again = track(await openEventStream(running.http, FRAME_SUBSCRIPTION, token.headers));
      const first = await again.next();
      if (first?.data?.data?.displayState) break;
      expect(first?.data?.errors?.[0]?.extensions?.code).toBe('LIMIT_EXCEEDED');
      again.close();
    }
  });
});

/** A graphql-ws client written by hand, so a test can stop it reading. */
class RawGraphqlWs {
  readonly socket: WebSocket;
  readonly messages: any[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data) => this.messages.push(JSON.parse((data as Buffer).toString('utf8'))));
    this.closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  }

  static async open(http: number, payload: Record<string, unknown>): Promise<RawGraphqlWs> {
    const socket = new WebSocket(`ws://127.0.0.1:${http}/graphql`, 'graphql-transport-ws');
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const client = new RawGraphqlWs(socket);
    socket.send(JSON.stringify({ type: 'connection_init', payload }));
    return client;
  }

  subscribe(id: string, query: string): void {
    this.socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query } }));
  }

  async waitFor(predicate: (message: any) => boolean, what: string): Promise<any> {
    await waitUntil(() => this.messages.some(predicate), 5000, what);
    return this.messages.find(predicate);
  }

  /** Stops reading from the socket: the server's writes pile up in the kernel, then in the server. */
  stopReading(): void {
    (this.socket as unknown as { _socket: import('node:net').Socket })._socket.pause();
  }
}

describe('graphql-ws connections', () => {
  it('gives the reason when connectionParams carry no usable credentials', async () => {
    running = await startSystem();
    const capitalised = await RawGraphqlWs.open(running.http, { Authorization: AS_ADMIN.authorization });
    await capitalised.waitFor((m) => m.type === 'connection_ack', 'the ack for a capitalised Authorization');
    capitalised.socket.close();

    const noBearer = await RawGraphqlWs.open(running.http, { authorization: 'test-admin-token' });
    expect(await noBearer.closed).toEqual({ code: 4403, reason: 'the Authorization header must be "Bearer <token>"' });

    const nothing = await RawGraphqlWs.open(running.http, {});
    const closed = await nothing.closed;
    expect(closed.code).toBe(4403);
    expect(closed.reason).toMatch(/authorization: "Bearer <token>"/);
  });

  it('bounds the operations on one connection', async () => {
    running = await startSystem();
    const client = await RawGraphqlWs.open(running.http, AS_ADMIN);
    cleanups.push(() => client.socket.terminate());
    await client.waitFor((m) => m.type === 'connection_ack', 'the ack');
    for (let i = 1; i <= MAX_OPERATIONS_PER_CONNECTION + 1; i++) client.subscribe(String(i), FRAME_SUBSCRIPTION);
    const refused = await client.waitFor((m) => m.type === 'error', 'the refusal of one operation too many');
    expect(refused.id).toBe(String(MAX_OPERATIONS_PER_CONNECTION + 1));
    expect(refused.payload[0].extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: MAX_OPERATIONS_PER_CONNECTION });
    await client.waitFor((m) => m.type === 'next' && m.id === String(MAX_OPERATIONS_PER_CONNECTION), 'the last accepted one');
  });

  it('keeps only the newest display state for a client that stops reading', async () => {
    running = await startSystem();
    const client = await RawGraphqlWs.open(running.http, AS_ADMIN);
    cleanups.push(() => client.socket.terminate());
    await client.waitFor((m) => m.type === 'connection_ack', 'the ack');
    const subscriptions = MAX_OPERATIONS_PER_CONNECTION;
    for (let i = 1; i <= subscriptions; i++) client.subscribe(String(i), FRAME_SUBSCRIPTION);
    await waitUntil(() => client.messages.filter((m) => m.type === 'next').length === subscriptions, 5000, 'every first state');
    client.stopReading();

    await changeUntilBlocked(subscriptions);
    // However many more changes it misses, each subscriber holds one state it has not read.
    let last = '';
    for (let i = 0; i < 300; i++) last = await setColor(running.http, `#${(0xa00000 + i).toString(16)}`);
    expect(running.system.api.subscriberBacklog).toBe(subscriptions);

    (client.socket as unknown as { _socket: import('node:net').Socket })._socket.resume();
    await waitUntil(
      () => client.messages.filter((m) => m.type === 'next' && m.payload.data?.displayState.frame === last).length === subscriptions,
      10_000,
      'every subscriber to end on the last state',
    );
    // Some 300 changes one after another: seconds on a quiet machine, more beside other suites.
  }, 60_000);

  it('closes a connection whose events pile up unread past the bound', async () => {
    running = await startSystem({ maxSubscriberBacklog: 5 });
    const client = await RawGraphqlWs.open(running.http, AS_ADMIN);
    cleanups.push(() => client.socket.terminate());
    await client.waitFor((m) => m.type === 'connection_ack', 'the ack');
    client.subscribe('events', 'subscription { lampEvents { kind } }');
    for (let i = 1; i < MAX_OPERATIONS_PER_CONNECTION; i++) client.subscribe(String(i), FRAME_SUBSCRIPTION);
    await waitUntil(
      () => client.messages.filter((m) => m.type === 'next').length === MAX_OPERATIONS_PER_CONNECTION - 1,
      5000,
      'first states',
    );
    client.stopReading();
    // Fill the socket with display states until the server can no longer write...
    await changeUntilBlocked(MAX_OPERATIONS_PER_CONNECTION - 1);
    // ...then lamps come and go: events the client does not read, past the bound of 5.
    for (let i = 0; i < 8; i++) {
      const { lamp } = await running.lamp();
      lamp.close();
      await lamp.closed;
    }
    // The overflowing subscriber let go of its events; the display subscribers still hold one each.
    expect(running.system.api.subscriberBacklog).toBe(MAX_OPERATIONS_PER_CONNECTION - 1);
    (client.socket as unknown as { _socket: import('node:net').Socket })._socket.resume();
    const closed = await client.closed;
    expect(closed.code).toBe(1008);
    expect(closed.reason).toMatch(/fell too far behind/);
    const lastWord = client.messages.find((m) => m.id === 'events' && m.type === 'error');
    expect(lastWord?.payload[0].extensions).toMatchObject({ code: 'SUBSCRIBER_TOO_SLOW', limit: 5 });
  });
});
