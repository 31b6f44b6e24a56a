import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSRF_HEADER } from '@cloud-cloud/api/http/request-guards';
import { AS_ADMIN, graphql, graphqlResponse, wsClient } from './support/graphql.js';
import { inProcessApi } from './support/in-process.js';
import { ADMIN_PASSWORD, startSystem, type RunningSystem } from './support/system.js';

let running: RunningSystem;
beforeAll(async () => {
  running = await startSystem();
});
afterAll(() => running.stop());

const url = () => `http://127.0.0.1:${running.http}/graphql`;

describe('CSRF prevention', () => {
  const query = encodeURIComponent('{ displayState { frame } }');

  async function loginCookie(): Promise<string> {
    const response = await graphqlResponse(running.http, `mutation { login(password: "${ADMIN_PASSWORD}") { expiresAt } }`, undefined, {});
    return response.headers.get('set-cookie')!.split(';')[0]!;
  }

  it('refuses cookie-authenticated requests a browser sends without a preflight unless they carry the CSRF header', async () => {
    const cookie = { cookie: await loginCookie(), origin: `http://127.0.0.1:${running.http}` };
    const simpleGet = await fetch(`${url()}?query=${query}`, { headers: cookie });
    expect(simpleGet.status).toBe(403);
    const refusal = (await simpleGet.json()).errors[0];
    expect(refusal.extensions).toMatchObject({ code: 'CSRF_HEADER_REQUIRED', header: CSRF_HEADER });
    expect(refusal.message).toContain(CSRF_HEADER);

    const form = new FormData();
    form.set('operations', JSON.stringify({ query: 'mutation { setMode(mode: OFF) { frame } }' }));
    form.set('map', '{}');
    const multipart = await fetch(url(), { method: 'POST', body: form, headers: cookie });
    expect(multipart.status).toBe(403);

    const textPlain = await fetch(url(), {
      method: 'POST',
      headers: { ...cookie, 'content-type': 'text/plain' },
      body: JSON.stringify({ query: 'mutation { setMode(mode: OFF) { frame } }' }),
    });
    expect(textPlain.status).toBe(403);
    expect((await textPlain.json()).errors[0].extensions.code).toBe('CSRF_HEADER_REQUIRED');

    const withHeader = await fetch(`${url()}?query=${query}`, { headers: { ...cookie, [CSRF_HEADER]: '1' } });
    expect(withHeader.status).toBe(200);
    expect((await withHeader.json()).data.displayState.frame).toMatch(/^\[cc:/);
  });

  it('accepts a GET query with a bearer token and no CSRF header, as urql sends it by default', async () => {
    const bearerGet = await fetch(`${url()}?query=${query}`, { headers: AS_ADMIN });
    expect(bearerGet.status).toBe(200);
    expect((await bearerGet.json()).data.displayState.frame).toMatch(/^\[cc:/);
    // A forged request has no credentials of its own: it is refused before anything runs.
    const anonymous = await fetch(`${url()}?query=${query}`);
    expect(anonymous.status).toBe(403);
  });

  it('sends no CORS grant to other origins', async () => {
    const preflight = await fetch(url(), {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('query limits', () => {
  const tooDeep = () => {
    let selection = 'id';
    for (let i = 0; i < 6; i++) selection = `connections { lamp { ${selection} } }`;
    return `{ lamps { ${selection} } }`;
  };
  const tooManyAliases = () => `{ ${Array.from({ length: 25 }, (_, i) => `a${i}: displayState { frame }`).join(' ')} }`;
  const tooLong = () => `{ displayState { ${Array.from({ length: 2100 }, () => 'frame').join(' ')} } }`;

  it('refuses queries nested too deep, naming the limit', async () => {
    const result = await graphql(running.http, tooDeep());
    expect(result.errors?.[0]?.message).toMatch(/nests fields too deep: at most 10 levels/);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'depth', max: 10 });
  });

  it('refuses too many aliases, and says so rather than calling it a syntax error', async () => {
    const result = await graphql(running.http, tooManyAliases());
    expect(result.errors?.[0]?.message).toBe('the operation uses too many aliases: at most 20 aliases are allowed, it has 25');
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'aliases', max: 20, found: 25 });
  });

  it('refuses documents with too many tokens', async () => {
    const result = await graphql(running.http, tooLong());
    expect(result.errors?.[0]?.message).toMatch(/too long: at most 2000 tokens/);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'tokens', max: 2000 });
  });

  it('refuses the same over graphql-ws, with the same codes, and keeps the connection', async () => {
    const client = wsClient(running.http);
    try {
      for (const [query, limit] of [
        [tooDeep(), 'depth'],
        [tooManyAliases(), 'aliases'],
        [tooLong(), 'tokens'],
      ] as const) {
        const errors = await new Promise<any[]>((resolve) => {
          client.subscribe({ query }, { next: () => {}, error: (e) => resolve(e as any[]), complete: () => resolve([]) });
        });
        expect(errors[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit });
      }
      const fine = await new Promise<any>((resolve, reject) => {
        client.subscribe({ query: '{ displayState { frame } }' }, { next: resolve, error: reject, complete: () => {} });
      });
      expect(fine.data.displayState.frame).toMatch(/^\[cc:/);
    } finally {
      await client.dispose();
    }
  });

  it("still answers GraphiQL's introspection", async () => {
    const { getIntrospectionQuery } = await import('graphql');
    const result = await graphql(running.http, getIntrospectionQuery());
    expect(result.errors).toBeUndefined();
    expect(result.data?.__schema.queryType.name).toBe('Query');
  });
});

describe('request bodies', () => {
  it('refuses a body over the limit before reading it', async () => {
    const response = await graphqlResponse(running.http, `{ displayState { frame } } # ${'x'.repeat(2 * 1024 * 1024)}`);
    expect(response.status).toBe(413);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses a body without a length', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(url(), { method: 'POST', headers: { 'content-type': 'application/json', ...AS_ADMIN } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write('{"query":"{ displayState { frame } }"}');
      req.end();
    });
    expect(status).toBe(411);
  });
});

describe('errors', () => {
  it('keeps expected errors clear and masks internal ones, naming no detail', async () => {
    // Neither needs a port: the API answers in-process as it would over HTTP.
    const server = inProcessApi();
    const expected = await server.graphql('mutation { setPulse(pulse: 99) { frame } }');
    expect(expected.errors?.[0]).toMatchObject({
      message: 'pulse: must be an integer from 0 to 9, got 99',
      extensions: { code: 'BAD_USER_INPUT' },
    });

    // Pull the database out from under the API: what fails now is a fault of ours, not the caller's.
    server.database.close();
    const internal = await server.graphql('{ apiTokens { id } }');
    expect(internal.errors).toEqual([
      expect.objectContaining({ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }),
    ]);
    expect(JSON.stringify(internal)).not.toMatch(/database|sqlite/i);
    await server.close();
  });
});
