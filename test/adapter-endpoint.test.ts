import { ADAPTER_GRAPHQL_PATH } from '@cloud-cloud/contract/http';
import { buildAdapterSchema } from '@cloud-cloud/api/adapter-schema/index';
import { accessOf, type Principal } from '@cloud-cloud/api/access/principal';
import type { ApiServices } from '@cloud-cloud/api/services';
import { buildClientSchema, execute, getIntrospectionQuery, parse, subscribe as subscribeTo, type IntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterClient, adapterRequest, AS_ADAPTER, execute as executeOver } from './support/adapter-endpoint.js';
import { AS_ADMIN, graphql, graphqlData, graphqlResponse, subscribe } from './support/graphql.js';
import { ADAPTER_TOKEN, ADMIN_PASSWORD, startApi } from './support/system.js';

/*
 * The adapter operations live on their own endpoint, for ADAPTER credentials only; the public
 * /graphql that people, GraphiQL and third-party clients read has none of them.
 */

let port: number;
let stop: () => Promise<void>;
let services: ApiServices;
let readOnly: string;
let adapterApiToken: { token: string; id: string };
beforeAll(async () => {
  const api = startApi();
  port = await api.started;
  stop = api.stop;
  services = api.api.services;
  readOnly = (await graphqlData(port, 'mutation { createApiToken(name: "wall", scope: READ_ONLY) { token } }')).createApiToken.token;
  const created = (await graphqlData(port, 'mutation { createApiToken(name: "garage", scope: ADAPTER) { token apiToken { id } } }'))
    .createApiToken;
  adapterApiToken = { token: created.token, id: created.apiToken.id };
});
afterAll(() => stop());

const ADAPTER_OPERATIONS = [
  'roomFrames',
  'lampCommands',
  'admitLamp',
  'admitLamps',
  'syncLamps',
  'reportLampDisconnected',
  'reportLampsDisconnected',
  'reportLampsSeen',
  'reportLampDebugMessage',
  'confirmLampCommand',
];
const ADAPTER_TYPES = ['RoomFrame', 'LampAdmission', 'LampSync', 'LampPlacement', 'LampCommand', 'LampSessionInput', 'LampSightingInput'];

async function sessionCookie(): Promise<string> {
  const login = await graphqlResponse(port, 'mutation($p: String!) { login(password: $p) { expiresAt } }', { p: ADMIN_PASSWORD }, {});
  return login.headers.get('set-cookie')!.split(';')[0]!;
}

describe('over HTTP', () => {
  it('answers an adapter, with the shared adapter token or an ADAPTER API token', async () => {
    for (const authorization of [`Bearer ${ADAPTER_TOKEN}`, `Bearer ${adapterApiToken.token}`]) {
      const answer = await adapterRequest(port, '{ roomFrames { roomId frame } }', undefined, { authorization });
      expect(answer).toEqual({ status: 200, body: { data: { roomFrames: [{ roomId: 'home', frame: '[cc:0:?:?]' }] } } });
    }
  });

  it('refuses every other credential with 403, and no credential with 401, before reading the operation', async () => {
    const cookie = await sessionCookie();
    const others: [string, Record<string, string>][] = [
      ['admin token', AS_ADMIN],
      ['read-only token', { authorization: `Bearer ${readOnly}` }],
      ['session', { cookie, origin: `http://127.0.0.1:${port}`, 'x-graphql-yoga-csrf': '1' }],
    ];
    for (const [, headers] of others) {
      const answer = await adapterRequest(port, '{ __schema { types { name } } }', undefined, headers);
      expect(answer.status).toBe(403);
      expect(answer.body.errors).toEqual([
        { message: expect.stringMatching(/adapter endpoint takes ADAPTER credentials only/), extensions: { code: 'FORBIDDEN' } },
      ]);
    }
    const anonymous = await adapterRequest(port, '{ roomFrames { frame } }', undefined, {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const wrongToken = await adapterRequest(port, '{ roomFrames { frame } }', undefined, { authorization: 'Bearer nope' });
    expect(wrongToken.status).toBe(401);
    // A GET is refused the same way.
    const get = await fetch(`http://127.0.0.1:${port}${ADAPTER_GRAPHQL_PATH}?query=${encodeURIComponent('{ roomFrames { frame } }')}`, {
      headers: AS_ADMIN,
    });
    expect(get.status).toBe(403);
  });
});

describe('over server-sent events', () => {
  it("ends an adapter's stream when its ADAPTER API token is revoked", async () => {
    const created = (await graphqlData(port, 'mutation { createApiToken(name: "shed", scope: ADAPTER) { token apiToken { id } } }'))
      .createApiToken;
    const response = await fetch(`http://127.0.0.1:${port}${ADAPTER_GRAPHQL_PATH}`, {
      method: 'POST',
      headers: { accept: 'text/event-stream', 'content-type': 'application/json', authorization: `Bearer ${created.token}` },
      body: JSON.stringify({ query: 'subscription { roomFrames { roomId frame } }' }),
    });
    expect(response.status).toBe(200);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes('"roomId":"home"')) text += (await reader.read()).value ?? '';
    await graphqlData(port, 'mutation($id: ID!) { revokeApiToken(apiTokenId: $id) { id } }', { id: created.apiToken.id });
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += chunk.value;
    expect(text).toMatch(/credentials this subscription was opened with were revoked/);
  });
});

describe('over graphql-ws', () => {
  it('closes a link with any other credential with 4403, saying why', async () => {
    for (const params of [AS_ADMIN, { authorization: `Bearer ${readOnly}` }, {}]) {
      const client = adapterClient(port, { ...params, adapterId: 'intruder' });
      const refusal = await executeOver(client, '{ roomFrames { frame } }').then(
        () => null,
        (error: { code?: number; reason?: string }) => error,
      );
      expect(refusal).toMatchObject({ code: 4403 });
      if (Object.keys(params).length > 0) expect(refusal?.reason).toMatch(/ADAPTER credentials only/);
      await client.dispose();
    }
  });

  it("ends an adapter's streams when its ADAPTER API token is revoked", async () => {
    const client = adapterClient(port, { authorization: `Bearer ${adapterApiToken.token}`, adapterId: 'garage' });
    const frames = subscribe(client, 'subscription { roomFrames { roomId frame } }');
    expect(await frames.next()).toEqual({ roomFrames: { roomId: 'home', frame: '[cc:0:?:?]' } });
    await graphqlData(port, 'mutation($id: ID!) { revokeApiToken(apiTokenId: $id) { id } }', { id: adapterApiToken.id });
    expect(await frames.error).toMatchObject({ code: 4403, reason: 'credentials revoked' });
    await client.dispose();
  });

  it('limits the operations one link may run at once, as the public endpoint does', async () => {
    const client = adapterClient(port, { ...AS_ADAPTER, adapterId: 'busy' });
    const streams = Array.from({ length: 50 }, () => subscribe(client, 'subscription { roomFrames { frame } }'));
    for (const stream of streams) await stream.next();
    const refusal = await executeOver(client, '{ roomFrames { frame } }').then(
      () => null,
      (errors: { extensions?: { code?: string } }[]) => errors,
    );
    expect(refusal?.[0]?.extensions?.code).toBe('LIMIT_EXCEEDED');
    for (const stream of streams) stream.stop();
    await client.dispose();
  });
});

describe('the adapter schema itself', () => {
  it('refuses a caller who is not an adapter, whatever way the operation came in', async () => {
    const schema = buildAdapterSchema();
    const admin: Principal = { kind: 'authenticated', role: 'ADMIN', credential: 'configured-token', credentialId: null, adapterId: null };
    const contextValue = { ...services, principal: admin, access: accessOf(admin), adapterId: null };
    const query = await execute({ schema, document: parse('{ roomFrames { frame } }'), contextValue });
    expect(query.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const stream = await subscribeTo({ schema, document: parse('subscription { roomFrames { frame } }'), contextValue });
    expect('errors' in stream && stream.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('the public /graphql', () => {
  it('has none of the adapter operations or their types', async () => {
    const introspection = await graphqlData<IntrospectionQuery>(port, getIntrospectionQuery());
    const schema = buildClientSchema(introspection);
    const rootFields = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((type) =>
      Object.keys(type?.getFields() ?? {}),
    );
    for (const operation of ADAPTER_OPERATIONS) expect(rootFields).not.toContain(operation);
    for (const type of ADAPTER_TYPES) expect(schema.getType(type)).toBeUndefined();
  });

  it('does not run them for an adapter either', async () => {
    const answer = await graphql(port, 'mutation { reportLampDisconnected(connectionId: "x.1", reason: "y") }', undefined, AS_ADAPTER);
    expect(answer.errors?.[0]?.message).toMatch(/Cannot query field "reportLampDisconnected" on type "Mutation"/);
  });
});
