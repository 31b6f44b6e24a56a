import { LampCloseCode } from '@cloud-cloud/protocol/close-codes';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { LampConnection, type LampConnectionHost } from '../src/lamp-connection.js';
import { socketPairs } from './socket-pairs.js';

/*
 * The handshake deadline on a clock the test sets: the sockets are real, only the time the
 * connection reads is the test's, so it sees the exact moment the deadline passes however busy
 * the machine is. (The adapter sweeps the deadlines; here the test calls the sweep.)
 */

const connectedPair = socketPairs();
afterEach(() => {
  vi.useRealTimers();
});

function hostRecordingEnds(ended: string[]): LampConnectionHost {
  return {
    logger: pino({ level: 'silent' }),
    admit: () => Promise.resolve({ accepted: true, lampId: 'lamp-1', name: null, roomId: 'home', frame: '[cc:0:?:?]' }),
    onOpen: () => {},
    onEnded: (_lamp, reason) => ended.push(reason),
    onLeft: () => {},
    onDebugMessage: () => {},
  };
}

const IDENTITY = { id: 'adapter-1.1', remoteAddress: '127.0.0.1', mac: null, firmwareVersion: null };
const OPTIONS = { maxUnsentBytes: 64 * 1024, now: Date.now };

describe('the handshake timeout', () => {
  it('closes a silent connection with 4408 exactly when the timeout has passed, not before', async () => {
    const { lamp, accepted, stream } = await connectedPair();
    const closed = new Promise<number>((resolve) => lamp.once('close', resolve));
    const openedAt = Date.parse('2026-01-01T00:00:00Z');
    const ended: string[] = [];
    const connection = new LampConnection(accepted, stream, hostRecordingEnds(ended), IDENTITY, {
      ...OPTIONS,
      handshakeTimeoutMs: 5_000,
      now: () => openedAt,
    });

    connection.expireHandshake(openedAt + 4_999);
    expect(ended).toEqual([]);
    expect(accepted.readyState).toBe(WebSocket.OPEN);
    connection.expireHandshake(openedAt + 5_000);
    expect(ended).toEqual(['no secret received in time']);
    expect(connection.isOpen).toBe(false);
    expect(await closed).toBe(LampCloseCode.HandshakeTimeout);
  });

  it('stops counting once the secret arrives', async () => {
    const { lamp, accepted, stream } = await connectedPair();
    const ended: string[] = [];
    const connection = new LampConnection(accepted, stream, hostRecordingEnds(ended), IDENTITY, { ...OPTIONS, handshakeTimeoutMs: 5_000 });
    const ok = new Promise<string>((resolve) => lamp.once('message', (data) => resolve((data as Buffer).toString('utf8'))));
    lamp.send('any secret the host accepts');
    expect(await ok).toBe('ok');
    expect(connection.isOpen).toBe(true);

    connection.expireHandshake(Date.now() + 60_000);
    expect(ended).toEqual([]);
    expect(connection.isOpen).toBe(true);
  });
});

describe('the heartbeat', () => {
  it('does not count the time the API takes to let a lamp in against the lamp', async () => {
    const { lamp, accepted, stream } = await connectedPair();
    let clock = Date.parse('2026-01-01T00:00:00Z');
    let letIn: (() => void) | null = null;
    const host: LampConnectionHost = {
      ...hostRecordingEnds([]),
      admit: () =>
        new Promise((resolve) => {
          letIn = () => resolve({ accepted: true, lampId: 'lamp-1', name: null, roomId: 'home', frame: '[cc:0:?:?]' });
        }),
    };
    const connection = new LampConnection(accepted, stream, host, IDENTITY, { ...OPTIONS, handshakeTimeoutMs: 5_000, now: () => clock });
    const ok = new Promise<string>((resolve) => lamp.once('message', (data) => resolve((data as Buffer).toString('utf8'))));
    lamp.send('secret');
    await vi.waitFor(() => expect(letIn).not.toBe(null));
    const secretAt = clock;

    // The API takes a minute to decide: the lamp is waiting on us, and counts as alive meanwhile.
    clock += 60_000;
    expect(connection.aliveAt).toBe(clock);
    letIn!();
    expect(await ok).toBe('ok');
    expect(connection.lastSeenAt).toBe(secretAt);
    expect(connection.aliveAt).toBe(secretAt + 60_000);

    // From then on it must show life itself.
    clock += 5_000;
    expect(connection.aliveAt).toBe(secretAt + 60_000);
  });
});
