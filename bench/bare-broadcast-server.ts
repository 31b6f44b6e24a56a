/**
 * The floor for the lamp broadcast benchmark: the least a server can do to speak the lamp
 * handshake and push a display packet to every lamp, with the same `ws` library cloud-cloud
 * uses. No GraphQL, no API link, no per-lamp bookkeeping beyond "has sent the secret".
 *
 * Lamps connect to the device port and send the secret; a POST /broadcast with the packet as
 * its body sends that packet to every admitted lamp, GET /display answers the current one. Prints
 * `bare listening http=<port> device=<port>` once both ports are bound (127.0.0.1, port 0).
 * Run as a child of bench/lamp-broadcast.ts; exits on SIGTERM.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

const HOST = '127.0.0.1';
const secret = process.env.BARE_DEVICE_SECRET;
if (!secret) {
  process.stderr.write('bare-broadcast-server: BARE_DEVICE_SECRET is not set\n');
  process.exit(2);
}

let displayPacket = '[cc:0:?:?]';
const admitted = new Set<WebSocket>();

const devicePort = new WebSocketServer({ host: HOST, port: 0, perMessageDeflate: false, clientTracking: false });
devicePort.on('connection', (socket) => {
  socket.once('message', (data) => {
    if ((data as Buffer).toString('utf8') !== secret) {
      socket.close(4401, 'invalid secret');
      return;
    }
    admitted.add(socket);
    socket.send('ok');
    socket.send(displayPacket);
  });
  socket.on('close', () => admitted.delete(socket));
  socket.on('error', () => admitted.delete(socket));
});

const control = createServer((req, res) => {
  // What a lamp connecting now would be sent: the bench checks every lamp ended on it.
  if (req.method === 'GET' && req.url === '/display') {
    res.setHeader('content-type', 'text/plain');
    res.end(displayPacket);
    return;
  }
  if (req.method !== 'POST' || req.url !== '/broadcast') {
    res.statusCode = 404;
    res.end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    displayPacket = Buffer.concat(chunks).toString('utf8');
    for (const socket of admitted) socket.send(displayPacket);
    res.statusCode = 204;
    res.end();
  });
});

await Promise.all([
  new Promise<void>((resolve) => devicePort.once('listening', resolve)),
  new Promise<void>((resolve) => control.listen(0, HOST, resolve)),
]);
const httpPort = (control.address() as AddressInfo).port;
const wsPort = (devicePort.address() as AddressInfo).port;
process.stdout.write(`bare listening http=${httpPort} device=${wsPort}\n`);

process.on('SIGTERM', () => {
  for (const socket of admitted) socket.terminate();
  control.closeAllConnections();
  control.close();
  devicePort.close();
  process.exit(0);
});
