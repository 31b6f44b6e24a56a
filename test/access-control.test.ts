import { createClient } from 'graphql-ws';
import { LampCloseCode } from '@cloud-cloud/protocol/close-codes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { graphql, graphqlData, graphqlResponse, subscribe, wsClient } from './support/graphql.js';
import { TestLamp } from './support/lamp.js';
import { ADMIN_PASSWORD, DEVICE_SECRET, startSystem, waitUntil, type RunningSystem } from './support/system.js';

let running: RunningSystem;
beforeAll(async () => {
  running = await startSystem({ trustProxy: true });
});
afterAll(() => running.stop());

const ANONYMOUS = {};
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
/** Each login test comes from its own address (through the trusted proxy), so throttling stays apart. */
let nextAddress = 1;
const fromNewAddress = () => ({ 'x-forwarded-for': `192.0.2.${nextAddress++}` });

async function login(password: string, headers: Record<string, string> = fromNewAddress()) {
  return graphqlResponse(running.http, 'mutation($p: String!) { login(password: $p) { expiresAt } }', { p: password }, headers);
}

function sessionCookieOf(headers: Headers): string {
  const cookie = headers.getSetCookie().find((c) => c.startsWith('cc_session='));
  if (!cookie) throw new Error('no session cookie');
  return cookie.split(';')[0]!;
}

describe('without credentials', () => {
  it('nothing but login is reachable, introspection included', async () => {
    for (const query of [
      '{ displayState { frame } }',
      '{ __schema { types { name } } }',
      '{ lamps { nodes { id } } }',
      'mutation { setMode(mode: OFF) { frame } }',
    ]) {
      const response = await graphqlResponse(running.http, query, undefined, ANONYMOUS);
      expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(response.body.data ?? null).toBeNull();
    }
  });

  it('a graphql-ws connection is refused', async () => {
    const client = wsClient(running.http, {});
    const updates = subscribe(client, 'subscription { displayState { frame } }');
    expect(await updates.error).toMatchObject({ code: 4403 });
    await client.dispose();
  });
});

describe('people: the admin password and a session cookie', () => {
  it('refuses a wrong password, and changes nothing', async () => {
    const before = await graphqlData(running.http, '{ displayState { updatedAt } }');
    const response = await login('not the password');
    expect(response.body.errors?.[0]).toMatchObject({ message: 'wrong password', extensions: { code: 'UNAUTHENTICATED' } });
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(JSON.stringify(response.body)).not.toContain('not the password');
    expect(await graphqlData(running.http, '{ displayState { updatedAt } }')).toEqual(before);
  });

  it('logs in with an HttpOnly, SameSite session cookie that works over HTTP and graphql-ws, and logs out', async () => {
    const response = await login(ADMIN_PASSWORD);
    expect(response.body.data?.login.expiresAt).toBeTruthy();
    const setCookie = response.headers.getSetCookie()[0]!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).not.toMatch(/Secure/);
    const cookie = sessionCookieOf(response.headers);

    const asSession = { cookie };
    expect((await graphql(running.http, '{ viewer { scope credential } }', undefined, asSession)).data?.viewer).toEqual({
      scope: 'ADMIN',
      credential: 'SESSION',
    });
    expect((await graphql(running.http, 'mutation { setPulse(pulse: 1) { pulse } }', undefined, asSession)).data?.setPulse.pulse).toBe(1);

    // The browser's WebSocket sends the cookie with the handshake, from a page of this server.
    const browserLike = createClient({
      url: `ws://127.0.0.1:${running.http}/graphql`,
      webSocketImpl: class extends WebSocket {
        constructor(url: string, protocols: string[]) {
          super(url, protocols, { headers: { cookie, origin: `http://127.0.0.1:${running.http}` } });
        }
      },
      retryAttempts: 0,
    });
    const updates = subscribe(browserLike, 'subscription { displayState { pulse } }');
    expect((await updates.next()).displayState.pulse).toBe(1);

    // A page on another origin cannot use the cookie.
    const foreign = createClient({
      url: `ws://127.0.0.1:${running.http}/graphql`,
      webSocketImpl: class extends WebSocket {
        constructor(url: string, protocols: string[]) {
          super(url, protocols, { headers: { cookie, origin: 'http://evil.example' } });
        }
      },
      retryAttempts: 0,
    });
    expect(await subscribe(foreign, 'subscription { displayState { pulse } }').error).toMatchObject({ code: 4403 });

    const logout = await graphqlResponse(running.http, 'mutation { logout }', undefined, asSession);
    expect(logout.body.data?.logout).toBe(true);
    expect(logout.headers.getSetCookie()[0]).toMatch(/cc_session=;.*Max-Age=0/);
    // Logging out closes what the session opened and the cookie stops working.
    expect(await updates.error).toMatchObject({ code: 4403 });
    const after = await graphql(running.http, '{ displayState { frame } }', undefined, asSession);
    expect(after.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await browserLike.dispose();
    await foreign.dispose();
  });

  it('sets Secure on the cookie when reached over HTTPS through the proxy', async () => {
    const response = await login(ADMIN_PASSWORD, { ...fromNewAddress(), 'x-forwarded-proto': 'https' });
    expect(response.headers.getSetCookie()[0]).toMatch(/Secure/);
  });

  it('limits failed logins per address', async () => {
    const attacker = fromNewAddress();
    for (let i = 0; i < 5; i++) expect((await login(`guess ${i}`, attacker)).body.errors?.[0]?.message).toBe('wrong password');
    const blocked = await login(ADMIN_PASSWORD, attacker);
    expect(blocked.status).toBe(429);
    expect(blocked.body.errors?.[0]).toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
    expect(blocked.body.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(800);
    expect(blocked.body.errors?.[0]?.message).toBe('too many failed logins from this address; try again in 15 minutes');
    expect(blocked.headers.getSetCookie()).toEqual([]);
    // Someone else is not locked out.
    expect((await login(ADMIN_PASSWORD)).body.data?.login).toBeTruthy();
  });

  it('holds the limit for attempts made in parallel: no more are checked than the limit allows', async () => {
    const attacker = fromNewAddress();
    const guesses = await Promise.all(Array.from({ length: 100 }, (_, i) => login(`parallel guess ${i}`, attacker)));
    const checked = guesses.filter((answer) => answer.status !== 429);
    expect(checked).toHaveLength(5);
    for (const answer of checked) expect(answer.body.errors?.[0]?.message).toBe('wrong password');
    // The address is locked out: even the right password is not checked now.
    expect((await login(ADMIN_PASSWORD, attacker)).status).toBe(429);
  });
});

describe('programs: API tokens', () => {
  it('a read-only token watches but cannot change anything', async () => {
    const { createApiToken } = await graphqlData(
      running.http,
      'mutation { createApiToken(name: "dashboard", scope: READ_ONLY) { token apiToken { id scope } } }',
    );
    expect(createApiToken.apiToken.scope).toBe('READ_ONLY');
    const reader = bearer(createApiToken.token);
    const before = await graphqlData(running.http, '{ displayState { frame updatedAt } }');
    expect((await graphql(running.http, '{ displayState { frame updatedAt } }', undefined, reader)).data).toEqual(before);
    for (const mutation of [
      'mutation { setMode(mode: OFF) { frame } }',
      'mutation { sendCommand(command: RESET) { lampsReached } }',
      'mutation { createApiToken(name: "escalate", scope: ADMIN) { token } }',
      'mutation { registerLamp(name: "sneaky") { secret } }',
    ]) {
      const result = await graphql(running.http, mutation, undefined, reader);
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect(await graphqlData(running.http, '{ displayState { frame updatedAt } }')).toEqual(before);
    const client = wsClient(running.http, reader);
    expect((await subscribe(client, 'subscription { displayState { frame } }').next()).displayState.frame).toBe(before.displayState.frame);
    // The adapters' command stream is not even in the public schema: nobody finds it here.
    expect(await subscribe(client, 'subscription { lampCommands { id } }').error).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/Cannot query field "lampCommands"/) }),
    ]);
    await client.dispose();
  });

  it('a revoked token stops working at once, and its open connections close', async () => {
    const { createApiToken } = await graphqlData(
      running.http,
      'mutation { createApiToken(name: "script", scope: ADMIN) { token apiToken { id } } }',
    );
    const token = bearer(createApiToken.token);
    const client = wsClient(running.http, token);
    const updates = subscribe(client, 'subscription { displayState { frame } }');
    await updates.next();
    const { revokeApiToken } = await graphqlData(running.http, 'mutation($id: ID!) { revokeApiToken(apiTokenId: $id) { revokedAt } }', {
      id: createApiToken.apiToken.id,
    });
    expect(revokeApiToken.revokedAt).toBeTruthy();
    expect(await updates.error).toMatchObject({ code: 4403 });
    const refused = await graphql(running.http, '{ displayState { frame } }', undefined, token);
    expect(refused.errors?.[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    expect(refused.errors?.[0]?.message).not.toContain(createApiToken.token);
    const listed = await graphqlData(running.http, '{ apiTokens { id name revokedAt } }');
    expect(listed.apiTokens).toContainEqual({ id: createApiToken.apiToken.id, name: 'script', revokedAt: revokeApiToken.revokedAt });
    await client.dispose();
  });

  it('an unknown token is refused without echoing it', async () => {
    const response = await graphqlResponse(running.http, '{ displayState { frame } }', undefined, bearer('cc_made-up-token'));
    expect(response.status).toBe(401);
    expect(JSON.stringify(response.body)).not.toContain('made-up-token');
  });
});

describe('lamps', () => {
  it('a registered lamp connects with its own secret and is known by its name; revoking disconnects it', async () => {
    const { registerLamp } = await graphqlData(
      running.http,
      'mutation { registerLamp(name: "living room") { secret lamp { id name online } } }',
    );
    expect(registerLamp.lamp).toMatchObject({ name: 'living room', online: false });

    const { lamp } = await TestLamp.handshake(running.device, registerLamp.secret);
    await waitUntil(() => running.system.api.services.lampConnections.count() > 0);
    const { lamps } = await graphqlData(running.http, '{ lamps(online: true) { nodes { id name identity hasOwnSecret online } } }');
    expect(lamps.nodes).toContainEqual({
      id: registerLamp.lamp.id,
      name: 'living room',
      identity: 'OWN_SECRET',
      hasOwnSecret: true,
      online: true,
    });

    const shared = await TestLamp.handshake(running.device, DEVICE_SECRET);
    const { revokeLamp } = await graphqlData(
      running.http,
      'mutation($id: ID!) { revokeLamp(lampId: $id) { revokedAt online connection { id } } }',
      {
        id: registerLamp.lamp.id,
      },
    );
    // The answer is the lamp after the change: offline, though its socket closes a moment later.
    expect(revokeLamp).toMatchObject({ revokedAt: expect.any(String), online: false, connection: null });
    expect(await lamp.closed).toEqual({ code: LampCloseCode.Revoked, reason: 'secret revoked' });
    const again = await TestLamp.connect(running.device);
    again.send(registerLamp.secret);
    expect((await again.closed).code).toBe(LampCloseCode.Unauthorized);
    // The shared secret, as deployed firmware has it, still works.
    shared.lamp.send('ping');
    expect(await shared.lamp.next()).toBe('pong');
    shared.lamp.close();
  });

  it('keeps lamp secrets and API tokens apart', async () => {
    const { registerLamp } = await graphqlData(running.http, 'mutation { registerLamp(name: "porch") { secret } }');
    const lampSecretAsToken = await graphql(running.http, '{ displayState { frame } }', undefined, bearer(registerLamp.secret));
    expect(lampSecretAsToken.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const sharedSecretAsToken = await graphql(running.http, '{ displayState { frame } }', undefined, bearer(DEVICE_SECRET));
    expect(sharedSecretAsToken.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const { createApiToken } = await graphqlData(running.http, 'mutation { createApiToken(name: "t", scope: ADMIN) { token } }');
    const tokenAsLampSecret = await TestLamp.connect(running.device);
    tokenAsLampSecret.send(createApiToken.token);
    const closed = await tokenAsLampSecret.closed;
    expect(closed.code).toBe(LampCloseCode.Unauthorized);
    expect(closed.reason).not.toContain(createApiToken.token);
  });
});
