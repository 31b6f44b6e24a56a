import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { LampConnection, type LampConnectionHost } from '../src/lamp-connection.js';
import { EncodedPacket } from '../src/outbox.js';
import { socketPairs } from './socket-pairs.js';

/*
 * The write path on real sockets: packets encoded once arrive as the protocol's text frames,
 * and while a write is under way, what follows waits with the newest display packet only and
 * every command in order.
 */

const connectedPair = socketPairs();

interface Frame {
  text: string;
  binary: boolean;
}

/** An admitted lamp: the connection, and every frame the lamp has received after its first packet. */
async function openLamp(
  onOpen: LampConnectionHost['onOpen'] = () => {},
): Promise<{ connection: LampConnection; frames: Frame[]; received: (count: number) => Promise<void> }> {
  const { lamp, accepted, stream } = await connectedPair();
  const frames: Frame[] = [];
  let wake = () => {};
  lamp.on('message', (data, binary) => {
    frames.push({ text: (data as Buffer).toString('utf8'), binary });
    wake();
  });
  const host: LampConnectionHost = {
    logger: pino({ level: 'silent' }),
    admit: () => Promise.resolve({ accepted: true, lampId: 'lamp-1', name: null, roomId: 'home', frame: '[cc:0:?:?]' }),
    onOpen,
    onEnded: () => {},
    onLeft: () => {},
    onDebugMessage: () => {},
  };
  const connection = new LampConnection(
    accepted,
    stream,
    host,
    { id: 'adapter-1.1', remoteAddress: '127.0.0.1', mac: null, firmwareVersion: null },
    { handshakeTimeoutMs: 5_000, maxUnsentBytes: 256 * 1024, now: () => Date.now() },
  );
  const received = (count: number) =>
    new Promise<void>((resolve) => {
      wake = () => {
        if (frames.length >= count) resolve();
      };
      wake();
    });
  lamp.send('secret');
  await received(2);
  expect(frames.splice(0)).toEqual([
    { text: 'ok', binary: false },
    { text: '[cc:0:?:?]', binary: false },
  ]);
  return { connection, frames, received };
}

describe("a lamp's writes", () => {
  it("hand the handshake's `ok` and display packet to the socket together, not one after the other's write", async () => {
    let waitingOnceOpen: number | null = null;
    // Read once the admission has been written (the write itself calls back later).
    await openLamp((lamp) => queueMicrotask(() => (waitingOnceOpen = lamp.pendingPackets)));
    expect(waitingOnceOpen).toBe(0);
  });

  it('send an encoded packet as a text frame, and skip one the lamp already has', async () => {
    const { connection, frames, received } = await openLamp();
    const frame = new EncodedPacket('[cc:2:255,65,174:0]');
    connection.showDisplay(frame);
    connection.showDisplay(new EncodedPacket('[cc:2:255,65,174:0]'));
    connection.showDisplay('[cc:1:?:?]');
    await received(2);
    expect(frames).toEqual([
      { text: '[cc:2:255,65,174:0]', binary: false },
      { text: '[cc:1:?:?]', binary: false },
    ]);
    expect(connection.lastDisplayPacket).toBe('[cc:1:?:?]');
  });

  it('behind a write under way, keep the newest display packet and every command in order', async () => {
    const { connection, frames, received } = await openLamp();
    // The first goes to the socket at once; the rest wait for it to be taken.
    connection.showDisplay(new EncodedPacket('[cc:2:1,1,1:0]'));
    expect(connection.pendingPackets).toBe(0);
    expect(connection.sendCommand('[cc:r:?:?]')).toBe(true);
    connection.showDisplay(new EncodedPacket('[cc:2:2,2,2:0]'));
    connection.showDisplay(new EncodedPacket('[cc:2:3,3,3:0]'));
    expect(connection.sendCommand(new EncodedPacket('[cc:u:?:?]'))).toBe(true);
    expect(connection.pendingPackets).toBe(3);
    await received(4);
    expect(frames.map((frame) => frame.text)).toEqual(['[cc:2:1,1,1:0]', '[cc:r:?:?]', '[cc:2:3,3,3:0]', '[cc:u:?:?]']);
    expect(frames.every((frame) => !frame.binary)).toBe(true);
    expect(connection.pendingPackets).toBe(0);
  });

  it("frame an encoded packet of any length as the lamp reads it, next to the WebSocket's own frames", async () => {
    const { connection, frames, received } = await openLamp();
    // The lengths where the frame's length field changes size: 7 bits, 16 bits, 64 bits.
    const texts = [125, 126, 65_535, 65_536].map((length, n) => `[cc:2:${n},0,0:0]`.padEnd(length, ' '));
    for (const [n, text] of texts.entries()) {
      connection.showDisplay(new EncodedPacket(text));
      connection.sendCommand('[cc:r:?:?]');
      // Each display packet is taken before the next, which would otherwise replace it.
      await received(2 * (n + 1));
    }
    expect(frames.map((frame) => frame.text)).toEqual(texts.flatMap((text) => [text, '[cc:r:?:?]']));
    expect(frames.every((frame) => !frame.binary)).toBe(true);
  });
});
