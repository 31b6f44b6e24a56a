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
});
