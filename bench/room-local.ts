/**
 * The room-local figure: with the lamps spread over rooms of `roomSize`, what one room's change
 * costs. Lamps name themselves by MAC in their connection URL, so the bench knows which
 * simulated lamp is which lamp of the API and can move it; every frame a simulated lamp
 * receives is one socket write, and all of them are counted, so a write to another room's lamps
 * would show.
 */
import { performance } from 'node:perf_hooks';
import { formatDisplayPacket, type Rgb } from '@cloud-cloud/protocol/packet';
import { LampFleet, macOf } from './lamp-fleet.js';
import type { GraphqlClient } from './targets.js';

/** The API's most rooms, the default one included. */
const MAX_ROOMS = 100;
const OFF = formatDisplayPacket({ mode: 'off' });
/** Moves sent at the same time. */
const MOVE_BATCH = 20;

export interface RoomLocalOptions {
  api: GraphqlClient;
  deviceUrl: string;
  secret: string;
  lamps: number;
  roomSize: number;
  rounds: number;
  batch: number;
  handshakeTimeoutMs: number;
  roundTimeoutMs: number;
  settleMs: number;
  /** The colour of the next change; consecutive ones differ. */
  nextColor: () => Rgb;
  progress: (line: string) => void;
  track: (fleet: LampFleet) => void;
}

export interface RoomLocalFigures {
  lamps: number;
  rooms: number;
  roomSize: number;
  rounds: number;
  /** Socket writes to lamps per room change, over every lamp of every room. */
  writesPerChange: number;
  /** Room change sent -> the last lamp of that room has the packet, per round, in ms. */
  roundsMs: number[];
  unexpectedFrames: number;
}

/** Writes per room change, and how long the room's last lamp takes, with `lamps` lamps in rooms of `roomSize`. */
export async function measureRoomLocal(options: RoomLocalOptions): Promise<RoomLocalFigures> {
  const rooms = Math.ceil(options.lamps / options.roomSize);
  if (rooms > MAX_ROOMS) {
    throw new Error(`--lamps ${options.lamps} in rooms of ${options.roomSize} needs ${rooms} rooms; the API keeps at most ${MAX_ROOMS}`);
  }
  const { api } = options;
  const fleet = new LampFleet();
  options.track(fleet);
  options.progress(`cloud-cloud: connecting ${options.lamps} lamps that name themselves by MAC`);
  await fleet.connect({
    url: options.deviceUrl,
    secret: options.secret,
    count: options.lamps,
    batchSize: options.batch,
    handshakeTimeoutMs: options.handshakeTimeoutMs,
  });
  const lampIdByMac = await lampIds(api);

  options.progress(`cloud-cloud: ${rooms} rooms of ${options.roomSize}`);
  const roomIds = ['home'];
  for (let n = 1; n < rooms; n++) {
    const created = await api<{ createRoom: { id: string } }>('mutation($n: String!) { createRoom(name: $n) { id } }', { n: `Bench ${n}` });
    roomIds.push(created.createRoom.id);
  }
  // Lamp `index` goes to room floor(index / roomSize); the first room is the default one, where lamps start.
  const members = roomIds.map((_, room) => new Set(range(room * options.roomSize, Math.min(options.lamps, (room + 1) * options.roomSize))));
  const moved = new Set(range(options.roomSize, options.lamps));
  const settled = fleet.expect(OFF, options.roundTimeoutMs * 4, moved);
  for (let first = options.roomSize; first < options.lamps; first += MOVE_BATCH) {
    await Promise.all(
      range(first, Math.min(options.lamps, first + MOVE_BATCH)).map((index) => {
        const lampId = lampIdByMac.get(macOf(index));
        if (!lampId) throw new Error(`the API does not list the lamp ${macOf(index)}`);
        const roomId = roomIds[Math.floor(index / options.roomSize)]!;
        return api('mutation($l: ID!, $r: ID!) { moveLamp(lampId: $l, roomId: $r) { id } }', { l: lampId, r: roomId });
      }),
    );
  }
  // Every moved lamp has its new room's frame (new rooms are off) before anything is counted.
  await settled;

  options.progress(`cloud-cloud: ${options.rounds} room changes`);
  const unexpectedBefore = fleet.unexpectedFrames;
  const framesBefore = fleet.framesReceived;
  const roundsMs: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const room = round % rooms;
    const color = options.nextColor();
    const packet = formatDisplayPacket({ mode: 'manual', color, pulse: 0 });
    const arrival = fleet.expect(packet, options.roundTimeoutMs, members[room]);
    arrival.catch(() => {}); // reported through the await below; this only avoids an unhandled rejection
    const sentAt = performance.now();
    await api('mutation($c: ColorInput!, $r: ID) { setColor(color: $c, roomId: $r) { frame } }', { c: color, r: roomIds[room] });
    roundsMs.push((await arrival).lastAt - sentAt);
  }
  // A write to another room's lamps would arrive about as soon as the room's own: wait, then count.
  await new Promise((resolve) => setTimeout(resolve, options.settleMs));
  const writes = fleet.framesReceived - framesBefore;
  const unexpectedFrames = fleet.unexpectedFrames - unexpectedBefore;
  fleet.terminate();
  return {
    lamps: options.lamps,
    rooms,
    roomSize: options.roomSize,
    rounds: options.rounds,
    writesPerChange: writes / options.rounds,
    roundsMs,
    unexpectedFrames,
  };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

interface LampPage {
  nodes: { id: string; mac: string | null }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Every lamp the API knows with a MAC, by MAC. */
async function lampIds(api: GraphqlClient): Promise<Map<string, string>> {
  const byMac = new Map<string, string>();
  let after: string | null = null;
  for (;;) {
    const lamps: LampPage = (
      await api<{ lamps: LampPage }>(
        'query($a: String) { lamps(first: 100, after: $a) { nodes { id mac } pageInfo { hasNextPage endCursor } } }',
        {
          a: after,
        },
      )
    ).lamps;
    for (const lamp of lamps.nodes) if (lamp.mac) byMac.set(lamp.mac, lamp.id);
    if (!lamps.pageInfo.hasNextPage) return byMac;
    after = lamps.pageInfo.endCursor;
  }
}
