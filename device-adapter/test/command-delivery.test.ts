import { formatCommandPacket } from '@cloud-cloud/protocol/packet';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { CommandDelivery, sendableCloseCode } from '../src/command-delivery.js';
import { LampConnection, type Admission } from '../src/lamp-connection.js';
import { RoomLamps } from '../src/room-lamps.js';
import { socketPairs } from './socket-pairs.js';

/*
 * Commands against real lamp connections (real sockets), one of them still waiting for the
 * API's answer to its admission when a command names it.
 */

const connectedPair = socketPairs();

const logger = pino({ level: 'silent' });

/** A connection whose admission waits until `letIn` is called; `received` collects what its lamp gets. */
async function admittingLamp(id: string) {
  const { lamp: socket, accepted, stream } = await connectedPair();
  const received: string[] = [];
  socket.on('message', (data) => received.push((data as Buffer).toString('utf8')));
  let letIn: ((admission: Admission) => void) | null = null;
  let opened: (roomId: string) => void = () => {};
  const connection = new LampConnection(
    accepted,
    stream,
    {
      logger,
      admit: () => new Promise((resolve) => (letIn = resolve)),
      onOpen: (lamp, admission) => opened(admission.roomId),
      onEnded: () => {},
      onLeft: () => {},
      onDebugMessage: () => {},
    },
    { id, remoteAddress: '127.0.0.1', mac: null, firmwareVersion: null },
    { handshakeTimeoutMs: 5000, maxUnsentBytes: 65536, now: Date.now },
  );
  socket.send('secret');
  await vi.waitFor(() => expect(letIn).not.toBe(null));
  return {
    connection,
    received,
    onOpen: (handler: (roomId: string) => void) => (opened = handler),
    letIn: (roomId: string, frame: string) => letIn!({ accepted: true, lampId: `lamp-${id}`, name: null, roomId, frame }),
  };
}

describe('CommandDelivery', () => {
  it('files a lamp moved while its admission was on its way under the room it was moved to', async () => {
    const rooms = new RoomLamps<LampConnection>();
    rooms.frameArrived('home', '[cc:0:?:?]', 1);
    rooms.frameArrived('porch', '[cc:2:9,9,9:0]', 1);
    const lamp = await admittingLamp('a.1');
    const confirmed: string[][] = [];
    const delivery = new CommandDelivery(
      { get: (id) => (id === 'a.1' ? lamp.connection : undefined), open: () => [] },
      rooms,
      (_id, ids) => confirmed.push(ids),
      logger,
    );
    delivery.deliver({ id: 'c1', packet: null, closeCode: null, closeReason: null, connectionIds: ['a.1'], moveToRoomId: 'porch' });
    lamp.onOpen((admittedRoom) => rooms.place(lamp.connection, delivery.roomOnOpen(lamp.connection, admittedRoom)));
    lamp.letIn('home', '[cc:0:?:?]');
    // The porch frame takes the place of the home one still waiting behind `ok`.
    await vi.waitFor(() => expect(lamp.received).toEqual(['ok', '[cc:2:9,9,9:0]']));
    expect(rooms.roomOf(lamp.connection)).toBe('porch');
    expect(confirmed).toEqual([['a.1']]);
  });

  it('writes a frame a lamp is still waiting for before a command that came after it', async () => {
    // One lamp per turn: the second lamp's frame is still waiting when the command arrives.
    const rooms = new RoomLamps<LampConnection>({ lampsPerTurn: 1 });
    const lamps = [await admittingLamp('a.3'), await admittingLamp('a.4')];
    for (const lamp of lamps) {
      lamp.onOpen(() => rooms.place(lamp.connection, 'home'));
      lamp.letIn('home', '[cc:0:?:?]');
    }
    await vi.waitFor(() =>
      expect(lamps.map((lamp) => lamp.received)).toEqual([
        ['ok', '[cc:0:?:?]'],
        ['ok', '[cc:0:?:?]'],
      ]),
    );
    const delivery = new CommandDelivery(
      { get: () => undefined, open: () => lamps.map((lamp) => lamp.connection) },
      rooms,
      () => {},
      logger,
    );
    rooms.frameArrived('home', '[cc:2:1,2,3:0]', 1);
    delivery.deliver({
      id: 'c3',
      packet: formatCommandPacket('debug-on'),
      closeCode: null,
      closeReason: null,
      connectionIds: null,
      moveToRoomId: null,
    });
    for (const lamp of lamps)
      await vi.waitFor(() => expect(lamp.received.slice(2)).toEqual(['[cc:2:1,2,3:0]', formatCommandPacket('debug-on')]));
  });

  it('closes a named connection whose admission is still on its way', async () => {
    const lamp = await admittingLamp('a.2');
    const delivery = new CommandDelivery({ get: () => lamp.connection, open: () => [] }, new RoomLamps(), () => {}, logger);
    delivery.deliver({ id: 'c2', packet: null, closeCode: 4409, closeReason: 'replaced', connectionIds: ['a.2'], moveToRoomId: null });
    expect(lamp.connection.isOpen).toBe(false);
  });

  it('passes on the close codes a server may send, and turns any other into 1008', () => {
    expect([1000, 1012, 4409, 4403].map(sendableCloseCode)).toEqual([1000, 1012, 4409, 4403]);
    expect([1005, 1006, 1015, 2000, 5000].map(sendableCloseCode)).toEqual([1008, 1008, 1008, 1008, 1008]);
  });
});
