import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { EncodedPacket } from '../src/outbox.js';
import { RoomLamps, type RoomMember } from '../src/room-lamps.js';

/** A lamp that records what it was handed, skipping a packet it already has (as connections do). */
class RecordingLamp implements RoomMember {
  readonly shown: string[] = [];
  showDisplay(packet: EncodedPacket): void {
    if (this.shown.at(-1) !== packet.text) this.shown.push(packet.text);
  }
}

describe('RoomLamps', () => {
  it("hands a room's frame to that room's lamps only", () => {
    const rooms = new RoomLamps<RecordingLamp>();
    const [kitchen, hall] = [new RecordingLamp(), new RecordingLamp()];
    rooms.place(kitchen, 'kitchen');
    rooms.place(hall, 'hall');
    rooms.frameArrived('kitchen', '[cc:2:1,1,1:0]', 1);
    expect(kitchen.shown).toEqual(['[cc:2:1,1,1:0]']);
    expect(hall.shown).toEqual([]);
  });

  it('drops a frame older than the one the room has', () => {
    const rooms = new RoomLamps<RecordingLamp>();
    const lamp = new RecordingLamp();
    rooms.place(lamp, 'home');
    expect(rooms.frameArrived('home', '[cc:2:2,2,2:0]', 5)).toBe(true);
    expect(rooms.frameArrived('home', '[cc:2:1,1,1:0]', 4)).toBe(false);
    expect(rooms.frameArrived('home', '[cc:2:1,1,1:0]', 5)).toBe(false);
    expect(lamp.shown).toEqual(['[cc:2:2,2,2:0]']);
    expect(rooms.frameOf('home')).toBe('[cc:2:2,2,2:0]');
  });

  it("writes the new room's frame at once on a move, and no longer the old room's", () => {
    const rooms = new RoomLamps<RecordingLamp>();
    rooms.frameArrived('home', '[cc:0:?:?]', 1);
    rooms.frameArrived('porch', '[cc:2:9,9,9:0]', 1);
    const lamp = new RecordingLamp();
    rooms.place(lamp, 'home');
    rooms.place(lamp, 'porch');
    rooms.frameArrived('home', '[cc:2:3,3,3:0]', 2);
    expect(lamp.shown).toEqual(['[cc:0:?:?]', '[cc:2:9,9,9:0]']);
    expect(rooms.roomOf(lamp)).toBe('porch');
    expect([...rooms.lampsIn('home')]).toEqual([]);
  });

  it('writes a room it has no frame for yet when the frame arrives', () => {
    const rooms = new RoomLamps<RecordingLamp>();
    const lamp = new RecordingLamp();
    rooms.place(lamp, 'room-new');
    expect(lamp.shown).toEqual([]);
    rooms.frameArrived('room-new', '[cc:2:4,4,4:0]', 1);
    expect(lamp.shown).toEqual(['[cc:2:4,4,4:0]']);
  });

  it('takes the first frames after the link comes back whatever their revision, keeping the old ones until then', () => {
    const rooms = new RoomLamps<RecordingLamp>();
    const lamp = new RecordingLamp();
    rooms.place(lamp, 'home');
    rooms.frameArrived('home', '[cc:2:5,5,5:0]', 40);
    rooms.forgetRevisions();
    expect(rooms.frameOf('home')).toBe('[cc:2:5,5,5:0]');
    expect(rooms.frameArrived('home', '[cc:0:?:?]', 1)).toBe(true);
    expect(rooms.frameArrived('home', '[cc:2:6,6,6:0]', 0)).toBe(false);
    expect(lamp.shown).toEqual(['[cc:2:5,5,5:0]', '[cc:0:?:?]']);
  });

  it('forgets a lamp that is removed', () => {
    const rooms = new RoomLamps<RecordingLamp>();
    const lamp = new RecordingLamp();
    rooms.place(lamp, 'home');
    rooms.remove(lamp);
    rooms.frameArrived('home', '[cc:0:?:?]', 1);
    expect(lamp.shown).toEqual([]);
    expect(rooms.roomOf(lamp)).toBe(null);
  });

  it("writes a turn's worth of lamps at once and the rest in the turns after", async () => {
    const rooms = new RoomLamps<RecordingLamp>({ lampsPerTurn: 2 });
    const lamps = Array.from({ length: 5 }, () => new RecordingLamp());
    for (const lamp of lamps) rooms.place(lamp, 'home');
    rooms.frameArrived('home', '[cc:2:1,1,1:0]', 1);
    expect(lamps.map((lamp) => lamp.shown.length)).toEqual([1, 1, 0, 0, 0]);
    await nextTurn();
    expect(lamps.map((lamp) => lamp.shown.length)).toEqual([1, 1, 1, 1, 0]);
    await nextTurn();
    expect(lamps.every((lamp) => lamp.shown.join() === '[cc:2:1,1,1:0]')).toBe(true);
  });

  it('lets the event loop run once a turn has written for its time, however few lamps that was', async () => {
    // Each write takes 2 ms, as on a slow board: a 5 ms turn gets through a few lamps, not all 20.
    class SlowLamp extends RecordingLamp {
      override showDisplay(packet: EncodedPacket): void {
        const until = performance.now() + 2;
        while (performance.now() < until);
        super.showDisplay(packet);
      }
    }
    const rooms = new RoomLamps<SlowLamp>({ turnBudgetMs: 5 });
    const lamps = Array.from({ length: 20 }, () => new SlowLamp());
    for (const lamp of lamps) rooms.place(lamp, 'home');
    rooms.frameArrived('home', '[cc:2:1,1,1:0]', 1);
    const firstTurn = lamps.filter((lamp) => lamp.shown.length > 0).length;
    expect(firstTurn).toBeGreaterThanOrEqual(1);
    expect(firstTurn).toBeLessThanOrEqual(3);
    while (lamps.some((lamp) => lamp.shown.length === 0)) await nextTurn();
    expect(lamps.every((lamp) => lamp.shown.join() === '[cc:2:1,1,1:0]')).toBe(true);
  });

  it('writes one lamp per turn when a turn has no time at all, so a change still reaches every lamp', async () => {
    const rooms = new RoomLamps<RecordingLamp>({ turnBudgetMs: 0 });
    const lamps = Array.from({ length: 3 }, () => new RecordingLamp());
    for (const lamp of lamps) rooms.place(lamp, 'home');
    rooms.frameArrived('home', '[cc:2:1,1,1:0]', 1);
    expect(lamps.map((lamp) => lamp.shown.length)).toEqual([1, 0, 0]);
    await nextTurn();
    expect(lamps.map((lamp) => lamp.shown.length)).toEqual([1, 1, 0]);
    await nextTurn();
    expect(lamps.map((lamp) => lamp.shown.length)).toEqual([1, 1, 1]);
  });

  it('hands a newer frame to the lamps a change has not reached yet, instead of the older one, and then to the rest', async () => {
    const rooms = new RoomLamps<RecordingLamp>({ lampsPerTurn: 2 });
    const lamps = Array.from({ length: 5 }, () => new RecordingLamp());
    for (const lamp of lamps) rooms.place(lamp, 'home');
    rooms.frameArrived('home', '[cc:2:1,1,1:0]', 1);
    rooms.frameArrived('home', '[cc:2:2,2,2:0]', 2);
    // The lamps still waiting come first; the ones that got the older frame follow.
    expect(lamps.map((lamp) => lamp.shown.length)).toEqual([1, 1, 1, 1, 0]);
    for (let turn = 0; turn < 3; turn++) await nextTurn();
    expect(lamps.map((lamp) => lamp.shown)).toEqual([
      ['[cc:2:1,1,1:0]', '[cc:2:2,2,2:0]'],
      ['[cc:2:1,1,1:0]', '[cc:2:2,2,2:0]'],
      ['[cc:2:2,2,2:0]'],
      ['[cc:2:2,2,2:0]'],
      ['[cc:2:2,2,2:0]'],
    ]);
  });

  it('writes every lamp in turn under a stream of changes, each ending on the last', async () => {
    const rooms = new RoomLamps<RecordingLamp>({ lampsPerTurn: 3 });
    const lamps = Array.from({ length: 10 }, () => new RecordingLamp());
    for (const lamp of lamps) rooms.place(lamp, 'home');
    for (let change = 1; change <= 20; change++) {
      rooms.frameArrived('home', `[cc:2:${change},0,0:0]`, change);
      await nextTurn();
    }
    for (let turn = 0; turn < 5; turn++) await nextTurn();
    for (const lamp of lamps) expect(lamp.shown.at(-1)).toBe('[cc:2:20,0,0:0]');
    // No lamp waits while others are written again: in 20 turns of 3 writes, each got several.
    expect(Math.min(...lamps.map((lamp) => lamp.shown.length))).toBeGreaterThanOrEqual(5);
  });

  it("catches a lamp up on its room's frame at once, before a pass reaches it, and not twice", async () => {
    const rooms = new RoomLamps<RecordingLamp>({ lampsPerTurn: 1 });
    const [first, second] = [new RecordingLamp(), new RecordingLamp()];
    rooms.place(first, 'home');
    rooms.place(second, 'home');
    rooms.frameArrived('home', '[cc:2:7,7,7:0]', 1);
    expect(second.shown).toEqual([]);
    rooms.catchUp(second);
    expect(second.shown).toEqual(['[cc:2:7,7,7:0]']);
    await nextTurn();
    expect(second.shown).toEqual(['[cc:2:7,7,7:0]']);
  });

  it('leaves out a lamp removed while a change is on its way', async () => {
    const rooms = new RoomLamps<RecordingLamp>({ lampsPerTurn: 1 });
    const [first, second] = [new RecordingLamp(), new RecordingLamp()];
    rooms.place(first, 'home');
    rooms.place(second, 'home');
    rooms.frameArrived('home', '[cc:2:7,7,7:0]', 1);
    rooms.remove(second);
    await nextTurn();
    expect(second.shown).toEqual([]);
  });
});
