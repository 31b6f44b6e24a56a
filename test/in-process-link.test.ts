import { subscribe as subscribeChannel, unsubscribe as unsubscribeChannel } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import type { Api } from '@cloud-cloud/api/app';
import { buildAdapter } from '@cloud-cloud/device-adapter/adapter';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import { AS_ADAPTER, execute } from './support/adapter-endpoint.js';
import { AS_ADMIN } from './support/graphql.js';
import { inProcessApi } from './support/in-process.js';
import { TestLamp } from './support/lamp.js';
import { DEVICE_SECRET, silentLogger, startAdapter, startApi, startSystem, waitUntil } from './support/system.js';

/*
 * When the adapter shares the process with the API it follows the API over graphql-ws on an
 * in-memory pair of sockets: the API's own rules (credentials, link policy, revocation) apply,
 * but no TCP connection is made to the API's port.
 */

/** The ports every TCP connection this process opens has reached, once connected. */
let reached: number[];
const onClientSocket = (message: unknown) => {
  const { socket } = message as { socket: Socket };
  socket.once('connect', () => reached.push(socket.remotePort!));
};
beforeEach(() => {
  reached = [];
  subscribeChannel('net.client.socket', onClientSocket);
});
afterEach(() => {
  unsubscribeChannel('net.client.socket', onClientSocket);
});

/** A GraphQL request answered in-process (no TCP connection), as admin. */
async function inProcess(api: Api, query: string, variables?: Record<string, unknown>): Promise<Record<string, any>> {
  const response = await api.fetch(
    new Request('http://cloud-cloud.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...AS_ADMIN },
      body: JSON.stringify({ query, variables }),
    }),
  );
  const body = (await response.json()) as { data?: Record<string, any>; errors?: unknown };
  if (!body.data || body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}

describe('the adapter in the API process', () => {
  it('admits lamps and carries frames and commands without a connection to the API port', async () => {
    const running = await startSystem();
    try {
      const { api } = running.system;
      const first = await running.lamp();
      expect(first.packet).toMatch(/^\[cc:[012]:/);
      const refused = await TestLamp.connect(running.device);
      refused.send('not-the-secret');
      expect((await refused.closed).code).toBe(4401);

      await inProcess(api, 'mutation { setColor(color: { r: 1, g: 2, b: 3 }) { frame } }');
      expect(await first.lamp.waitFor((frame) => frame.includes('1,2,3'))).toMatch(/1,2,3/);

      await waitUntil(() => api.services.lampConnections.count() === 1);
      const sent = await inProcess(api, 'mutation { sendCommand(command: RESET) { lampsReached } }');
      expect(sent.sendCommand.lampsReached).toBe(1);
      expect(await first.lamp.waitFor('[cc:r:?:?]')).toBe('[cc:r:?:?]');

      first.lamp.close();
      await waitUntil(() => api.services.lampConnections.count() === 0, 5000, 'the API to hear the lamp left');
      // Every TCP connection made went to the device port (the test's lamps): none to the API.
      expect(reached.length).toBeGreaterThan(0);
      expect(reached.filter((port) => port !== running.device)).toEqual([]);
      expect(reached).not.toContain(running.http);
    } finally {
      await running.stop();
    }
  });

  it('a separate adapter still links over TCP (what the probe above would see)', async () => {
    const api = startApi();
    const port = await api.started;
    const adapter = await startAdapter(port);
    try {
      await waitUntil(() => adapter.ready, 5000, 'the adapter to link');
      const { packet } = await TestLamp.handshake(adapter.port, DEVICE_SECRET);
      expect(packet).toMatch(/^\[cc:[012]:/);
      expect(reached).toContain(port);
    } finally {
      await adapter.stop();
      await api.stop();
    }
  });

  it('revoking the credential an in-process link opened with closes it, and its lamps are gone from the API', async () => {
    const running = inProcessApi();
    const { api } = running;
    const created = (await inProcess(api, 'mutation { createApiToken(name: "in-process", scope: ADAPTER) { token apiToken { id } } }'))
      .createApiToken;
    const adapter = buildAdapter({
      host: '127.0.0.1',
      port: 0,
      apiUrl: 'http://cloud-cloud.test/adapter/graphql',
      apiTransport: api.adapterLinks,
      adapterToken: created.token,
      logger: silentLogger,
      maxRetryDelayMs: 200,
    });
    try {
      await adapter.start();
      await waitUntil(() => adapter.ready, 5000, 'the adapter to link in-process');
      const { lamp } = await TestLamp.handshake(adapter.port, DEVICE_SECRET);
      await waitUntil(() => api.services.lampConnections.count() === 1);

      await inProcess(api, 'mutation($id: ID!) { revokeApiToken(apiTokenId: $id) { id } }', { id: created.apiToken.id });
      await waitUntil(() => !adapter.ready, 5000, 'the revoked link to close');
      await waitUntil(() => api.services.lampConnections.count() === 0, 5000, "the API to drop the adapter's lamps");
      lamp.close();
    } finally {
      await adapter.stop();
      await running.close();
    }
  });

  it('holds an in-process link to the rules of a network one: credentials and message size', async () => {
    const running = inProcessApi({ maxBodyBytes: 4096 });
    const client = (connectionParams: Record<string, unknown>) =>
      createClient({
        url: 'ws://cloud-cloud.test/adapter/graphql',
        webSocketImpl: running.api.adapterLinks,
        retryAttempts: 0,
        connectionParams,
      });
    try {
      const intruder = client({ ...AS_ADMIN, adapterId: 'intruder' });
      const refusal = await execute(intruder, '{ roomFrames { frame } }').catch((error: { code?: number; reason?: string }) => error);
      expect(refusal).toMatchObject({ code: 4403, reason: expect.stringMatching(/ADAPTER credentials only/) });

      const adapter = client({ ...AS_ADAPTER, adapterId: 'in-process' });
      expect(await execute(adapter, '{ roomFrames { roomId frame } }')).toEqual({
        data: { roomFrames: [{ roomId: 'home', frame: '[cc:0:?:?]' }] },
      });
      const oversized = await execute(adapter, `{ roomFrames { frame } } # ${'x'.repeat(5000)}`).catch((error: { code?: number }) => error);
      expect(oversized).toMatchObject({ code: 1009 });
      await adapter.dispose();
      await intruder.dispose();
    } finally {
      await running.close();
    }
  });
});
