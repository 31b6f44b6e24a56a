import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from '@apollo/client/core';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { cacheExchange, createClient as createUrqlClient, fetchExchange } from '@urql/core';
import { OperationTypeNode } from 'graphql';
import { createClient as createWsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ADMIN_TOKEN } from './support/graphql.js';
import { startSystem, type RunningSystem } from './support/system.js';

/* Clients we did not write, with their defaults, as third-party users set them up from the README. */

let running: RunningSystem;
beforeAll(async () => {
  running = await startSystem();
});
afterAll(() => running.stop());

const endpoint = () => `http://127.0.0.1:${running.http}/graphql`;

describe('urql', () => {
  it('queries with its default GET and a bearer token, and no other header', async () => {
    const methods: string[] = [];
    const client = createUrqlClient({
      url: endpoint(),
      exchanges: [cacheExchange, fetchExchange],
      fetchOptions: { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } },
      fetch: (input, init) => {
        methods.push(init?.method ?? 'GET');
        return fetch(input, init);
      },
    });
    const query = await client.query('{ displayState { frame } }', {}).toPromise();
    expect(query.error).toBeUndefined();
    expect(query.data.displayState.frame).toMatch(/^\[cc:/);
    const mutation = await client.mutation('mutation { setColor(color: { hex: "#102030" }) { frame } }', {}).toPromise();
    expect(mutation.data.setColor.frame).toBe('[cc:2:16,32,48:0]');
    expect(methods).toEqual(['GET', 'POST']);
  });
});

describe('Apollo Client', () => {
  it('queries, mutates and subscribes with a bearer token', async () => {
    const wsClient = createWsClient({
      url: endpoint().replace('http', 'ws'),
      webSocketImpl: WebSocket,
      // Written the way HTTP headers usually are: the name's case does not matter.
      connectionParams: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const http = new HttpLink({ uri: endpoint(), headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const client = new ApolloClient({
      cache: new InMemoryCache(),
      link: ApolloLink.split(({ operationType }) => operationType === OperationTypeNode.SUBSCRIPTION, new GraphQLWsLink(wsClient), http),
    });
    try {
      const frames: string[] = [];
      const seen = new Promise<void>((resolve, reject) => {
        const subscription = client
          .subscribe({
            query: gql`
              subscription {
                displayState {
                  frame
                }
              }
            `,
          })
          .subscribe({
            next: (result) => {
              if (result.error) return reject(new Error(result.error.message));
              frames.push((result.data as { displayState: { frame: string } }).displayState.frame);
              if (frames.includes('[cc:2:1,2,3:4]')) {
                subscription.unsubscribe();
                resolve();
              }
            },
            error: reject,
          });
      });
      const query = await client.query({
        query: gql`
          {
            displayState {
              mode
              pulse
            }
          }
        `,
      });
      expect(query.data).toMatchObject({ displayState: { mode: expect.any(String) } });
      await client.mutate({
        mutation: gql`
          mutation {
            setColor(color: { r: 1, g: 2, b: 3 }) {
              frame
            }
          }
        `,
      });
      await client.mutate({
        mutation: gql`
          mutation {
            setPulse(pulse: 4) {
              frame
            }
          }
        `,
      });
      await seen;
      expect(frames.at(-1)).toBe('[cc:2:1,2,3:4]');
    } finally {
      client.stop();
      await wsClient.dispose();
    }
  });
});
