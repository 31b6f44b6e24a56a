import type { IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, beforeEach } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';

/** A lamp's socket pair: what the lamp holds, and what the device port accepted. */
export interface SocketPair {
  lamp: WebSocket;
  accepted: WebSocket;
  /** The TCP stream under `accepted`. */
  stream: Socket;
}

/**
 * Real sockets for connection tests: a device port on loopback for each test, closed after it
 * with every lamp connected to it. Returns how to connect another lamp.
 */
export function socketPairs(): () => Promise<SocketPair> {
  let server: WebSocketServer;
  const lamps: WebSocket[] = [];
  beforeEach(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => server.once('listening', resolve));
  });
  afterEach(async () => {
    for (const lamp of lamps.splice(0)) lamp.terminate();
    await new Promise((resolve) => server.close(resolve));
  });
  return async () => {
    const accepted = new Promise<[WebSocket, IncomingMessage]>((resolve) =>
      server.once('connection', (socket, request) => resolve([socket, request])),
    );
    const lamp = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    lamps.push(lamp);
    await new Promise((resolve, reject) => {
      lamp.once('open', resolve);
      lamp.once('error', reject);
    });
    const [socket, request] = await accepted;
    return { lamp, accepted: socket, stream: request.socket };
  };
}
