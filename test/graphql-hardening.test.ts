import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '@cloud-cloud/api/app';
import { openDatabase } from '@cloud-cloud/api/store/database';
import { ADMIN_TOKEN, AS_ADMIN, graphql, graphqlResponse } from './support/graphql.js';
import { ADMIN_PASSWORD, silentLogger, startSystem, temporaryDataDir, type RunningSystem } from './support/system.js';

let running: RunningSystem;
beforeAll(async () => {
  running = await startSystem();
});
afterAll(() => running.stop());

const url = () => `http://127.0.0.1:${running.http}/graphql`;

describe('CSRF prevention', () => {
  it('refuses requests a browser sends without a preflight unless they carry the CSRF header', async () => {
    const query = encodeURIComponent('{ displayState { frame } }');
    const simpleGet = await fetch(`${url()}?query=${query}`, { headers: AS_ADMIN });
    expect(simpleGet.status).toBe(403);
    expect(((await simpleGet.json()) as any).errors[0].message).toMatch(/CSRF/);

    const form = new FormData();
    form.set('operations', JSON.stringify({ query: 'mutation { setMode(mode: OFF) { frame } }' }));
    form.set('map', '{}');
    const multipart = await fetch(url(), { method: 'POST', body: form, headers: AS_ADMIN });
    expect(multipart.status).toBe(403);

    const textPlain = await fetch(url(), {
      method: 'POST',
      headers: { ...AS_ADMIN, 'content-type': 'text/plain' },
      body: JSON.stringify({ query: 'mutation { setMode(mode: OFF) { frame } }' }),
    });
    expect(textPlain.status).toBe(403);

    const withHeader = await fetch(`${url()}?query=${query}`, { headers: { ...AS_ADMIN, 'x-graphql-yoga-csrf': '1' } });
    expect(withHeader.status).toBe(200);
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
  it('refuses queries nested too deep', async () => {
    let selection = 'id';
    for (let i = 0; i < 6; i++) selection = `connections { lamp { ${selection} } }`;
    const result = await graphql(running.http, `{ lamps { ${selection} } }`);
    expect(result.errors?.[0]?.message).toMatch(/depth limit of 10/i);
  });

  it('refuses too many aliases', async () => {
    const aliases = Array.from({ length: 25 }, (_, i) => `a${i}: displayState { frame }`).join(' ');
    const result = await graphql(running.http, `{ ${aliases} }`);
    expect(result.errors?.[0]?.message).toMatch(/aliases limit of 20/i);
  });

  it('refuses documents with too many tokens', async () => {
    const fields = Array.from({ length: 2100 }, () => 'frame').join(' ');
    const result = await graphql(running.http, `{ displayState { ${fields} } }`);
    expect(result.errors?.[0]?.message).toMatch(/token limit of 2000/i);
  });

  it('still answers GraphiQL\'s introspection', async () => {
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
    const expected = await graphql(running.http, 'mutation { setPulse(pulse: 99) { frame } }');
    expect(expected.errors?.[0]).toMatchObject({
      message: 'pulse: must be an integer from 0 to 9, got 99',
      extensions: { code: 'BAD_USER_INPUT' },
    });

    // Pull the database out from under an API: what fails now is a fault of ours, not the caller's.
    const data = temporaryDataDir();
    const database = openDatabase(data.databaseFile);
    const api = buildApi({
      host: '127.0.0.1', port: 0, database, firmwareDirectory: `${data.dir}/firmware`, adapterToken: 'a', apiToken: ADMIN_TOKEN, adminPassword: ADMIN_PASSWORD, logger: silentLogger,
    });
    const { port } = await api.start();
    database.close();
    const internal = await graphql(port, '{ apiTokens { id } }');
    expect(internal.errors).toEqual([
      expect.objectContaining({ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }),
    ]);
    expect(JSON.stringify(internal)).not.toMatch(/database|sqlite/i);
    await api.stop();
    data.remove();
  });
});
