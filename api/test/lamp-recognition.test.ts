import { LampCloseCode } from '@cloud-cloud/protocol/close-codes';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LampCommand } from '../src/commands/command-dispatch.js';
import { InvalidInput } from '../src/invalid-input.js';
import type { LampReport } from '@cloud-cloud/contract/lamp-identity';
import type { ApiServices } from '../src/services.js';
import { lampReport, servicesOnFile, SHARED_SECRET as SHARED } from './services-on-file.js';

const MAC = '5C:CF:7F:12:34:56';

let remove: () => void;
let services: ApiServices;
let commands: LampCommand[];
let abort: AbortController;

beforeEach(() => {
  ({ services, remove } = servicesOnFile('recognition'));
  // What an adapter would be told: closes and moves, recorded as they are published.
  commands = [];
  abort = new AbortController();
  const stream = services.commands.commandsFor('adapter', abort.signal);
  const read = (): void => {
    void stream.next().then(({ value, done }) => {
      if (done) return;
      commands.push(value);
      read();
    });
  };
  read();
});

afterEach(() => {
  abort.abort();
  remove();
});

const report = lampReport;

function admitted(r: LampReport) {
  const admission = services.admission.admit('adapter', r);
  if (!admission.accepted) throw new Error(admission.reason);
  return admission.lamp;
}

/** Lets the published commands reach the reader. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('recognising a lamp', () => {
  it('gives a lamp registered with its own secret the MAC it names, taking it from a record made from the shared secret', () => {
    const byMac = admitted(report(SHARED, { mac: MAC }));
    services.lampConnections.disconnect('adapter', services.lampConnections.ofLamp(byMac.id)!.id, 'gone');
    const { lamp, secret } = services.lamps.register('porch', null);
    expect(admitted(report(secret, { mac: MAC, firmwareVersion: '2.1.0' })).id).toBe(lamp.id);
    expect(services.lamps.find(lamp.id)).toMatchObject({ mac: MAC, firmwareVersion: '2.1.0', identity: 'OWN_SECRET' });
    expect(services.lamps.find(byMac.id)?.mac).toBeNull();
  });

  it("refuses the shared secret with the MAC of a lamp that has its own secret, so nobody can take that lamp's place", () => {
    const { lamp, secret } = services.lamps.register('porch', null);
    admitted(report(secret, { mac: MAC }));
    expect(services.admission.admit('adapter', report(SHARED, { mac: MAC }))).toMatchObject({
      accepted: false,
      reason: expect.stringMatching(/secret of its own/),
    });
    expect(services.lamps.find(lamp.id)?.online).toBe(true);
  });

  it('replaces the older connection of a lamp that connects again by its MAC, closing it with 4409', async () => {
    const first = report(SHARED, { mac: MAC });
    const lamp = admitted(first);
    const second = report(SHARED, { mac: MAC, remoteAddress: '10.0.0.6' });
    expect(admitted(second).id).toBe(lamp.id);
    await settle();
    expect(commands).toContainEqual(
      expect.objectContaining({
        connectionIds: [first.connectionId],
        close: { code: LampCloseCode.Replaced, reason: 'replaced by a new connection' },
      }),
    );
    expect(services.lamps.find(lamp.id)).toMatchObject({ online: true, lastAddress: '10.0.0.6', connection: { id: second.connectionId } });
  });

  it('keeps a revoked lamp out, whether known by MAC or by address', () => {
    const byMac = admitted(report(SHARED, { mac: MAC }));
    const byAddress = admitted(report(SHARED, { remoteAddress: '10.0.0.9' }));
    services.lamps.revoke(byMac.id);
    services.lamps.revoke(byAddress.id);
    expect(services.admission.admit('adapter', report(SHARED, { mac: MAC }))).toMatchObject({ accepted: false, reason: 'lamp revoked' });
    expect(services.admission.admit('adapter', report(SHARED, { remoteAddress: '10.0.0.9' }))).toMatchObject({
      accepted: false,
      reason: 'lamp revoked',
    });
  });
});

describe('answers of lamp mutations', () => {
  it('revoke answers the lamp offline and has its connection closed with 4403', async () => {
    const r = report(SHARED);
    const lamp = admitted(r);
    expect(services.lamps.revoke(lamp.id)).toMatchObject({ online: false, connection: null, revokedAt: expect.any(Date) });
    await settle();
    expect(commands).toContainEqual(
      expect.objectContaining({ connectionIds: [r.connectionId], close: { code: LampCloseCode.Revoked, reason: 'secret revoked' } }),
    );
  });

  it('forget answers the lamp as it was, offline; a shared-secret lamp is closed with 1012 and comes back as new', async () => {
    const r = report(SHARED, { mac: MAC });
    const lamp = admitted(r);
    expect(services.lamps.forget(lamp.id)).toMatchObject({ id: lamp.id, name: `Lamp ${MAC}`, online: false, connection: null });
    await settle();
    expect(commands).toContainEqual(
      expect.objectContaining({ connectionIds: [r.connectionId], close: { code: LampCloseCode.Forgotten, reason: 'lamp forgotten' } }),
    );
    expect(services.lamps.find(lamp.id)).toBeUndefined();
    const again = admitted(report(SHARED, { mac: MAC }));
    expect(again.id).not.toBe(lamp.id);
    expect(again.name).toBe(`Lamp ${MAC}`);
  });

  it('forgetting a lamp with its own secret closes it with 4403 and deletes the secret, so it is refused', async () => {
    const { lamp, secret } = services.lamps.register('porch', null);
    const r = report(secret);
    admitted(r);
    services.lamps.forget(lamp.id);
    await settle();
    expect(commands).toContainEqual(
      expect.objectContaining({ connectionIds: [r.connectionId], close: { code: LampCloseCode.Revoked, reason: 'lamp forgotten' } }),
    );
    expect(services.admission.admit('adapter', report(secret))).toMatchObject({ accepted: false, reason: 'invalid secret' });
  });

  it('move answers the lamp in its new room and files its connection there', async () => {
    const r = report(SHARED);
    const lamp = admitted(r);
    const kitchen = services.rooms.create('Kitchen');
    expect(services.lamps.move(lamp.id, kitchen.id)).toMatchObject({ roomId: kitchen.id, online: true });
    await settle();
    expect(commands).toContainEqual(
      expect.objectContaining({ connectionIds: [r.connectionId], moveToRoomId: kitchen.id, packet: null, close: null }),
    );
    expect(() => services.lamps.move(lamp.id, 'room-nope')).toThrow(InvalidInput);
  });
});

describe('rooms', () => {
  it('refuses a name another room has (case-insensitively), reorders only with every room once, never deletes the default room', () => {
    const kitchen = services.rooms.create('Kitchen');
    expect(() => services.rooms.create('kitchen')).toThrow(/a room named "Kitchen" exists already/);
    expect(() => services.rooms.rename('home', 'KITCHEN')).toThrow(InvalidInput);
    expect(services.rooms.rename(kitchen.id, 'kitchen')).toMatchObject({ name: 'kitchen' });
    expect(() => services.rooms.reorder([kitchen.id])).toThrow(/must name every room; missing home/);
    expect(() => services.rooms.reorder([kitchen.id, kitchen.id])).toThrow(/more than once/);
    expect(() => services.rooms.reorder([kitchen.id, 'room-nope'])).toThrow(/no room with id room-nope/);
    expect(services.rooms.reorder([kitchen.id, 'home']).map((room) => [room.id, room.position])).toEqual([
      [kitchen.id, 0],
      ['home', 1],
    ]);
    expect(() => services.rooms.delete('home')).toThrow(/the default room cannot be deleted/);
  });

  it('deleting a room moves its lamps to the default room, files their connections there, and ends followers of its state', async () => {
    const kitchen = services.rooms.create('Kitchen');
    services.roomDisplays.setColor(kitchen.id, { r: 1, g: 2, b: 3 });
    const follower = services.roomDisplays.updates(kitchen.id);
    expect((await follower.next()).value).toMatchObject({ roomId: kitchen.id, color: { r: 1, g: 2, b: 3 } });
    const r = report(SHARED);
    const lamp = admitted(r);
    services.lamps.move(lamp.id, kitchen.id);
    const deleted = services.rooms.delete(kitchen.id);
    expect(deleted).toMatchObject({ roomId: kitchen.id, movedLampIds: [lamp.id], defaultRoom: { id: 'home', position: 0 } });
    expect(services.lamps.find(lamp.id)?.roomId).toBe('home');
    expect(await follower.next()).toEqual({ done: true, value: undefined });
    await settle();
    expect(commands.at(-1)).toMatchObject({ connectionIds: [r.connectionId], moveToRoomId: 'home' });
    expect(services.roomDisplays.frames().map((frame) => frame.roomId)).toEqual(['home']);
  });
});
