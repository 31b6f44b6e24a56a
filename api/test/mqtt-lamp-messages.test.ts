import { describe, expect, it } from 'vitest';
import type { LampView } from '../src/lamps/lamp-connections.js';
import { firmwareFacts, lampAvailability, lampFirmwareMessage, lampStateMessage } from '../src/mqtt/lamp-messages.js';

const LAMP: LampView = {
  id: 'lamp-1',
  name: 'Desk',
  roomId: 'room-a',
  identity: 'MAC',
  secretHash: null,
  mac: '5C:CF:7F:12:34:56',
  firmwareVersion: '1.4.0',
  lastAddress: '10.0.0.5',
  createdAt: new Date('2026-11-01T00:00:00Z'),
  lastSeenAt: new Date('2026-12-01T09:00:00Z'),
  statusSince: new Date('2026-12-01T08:00:00Z'),
  revokedAt: null,
  online: false,
  connection: null,
};

describe('firmware facts', () => {
  it('offers the assigned version when it is newer, or cannot be ordered', () => {
    expect(firmwareFacts('1.4.0', '1.5.0', false)).toEqual({ installed: '1.4.0', latest: '1.5.0', inProgress: false });
    expect(firmwareFacts('Apr 30 2020;05:33:11', '1.5.0', false).latest).toBe('1.5.0');
    expect(firmwareFacts(null, '1.5.0', true)).toEqual({ installed: null, latest: '1.5.0', inProgress: true });
  });

  it('offers nothing new when the assigned version is the same or older, or none is assigned', () => {
    expect(firmwareFacts('1.4.0', '1.4.0', false).latest).toBe('1.4.0');
    expect(firmwareFacts('1.4.0', 'v1.3.9', false).latest).toBe('1.4.0');
    expect(firmwareFacts('1.4.0', null, false).latest).toBe('1.4.0');
    expect(firmwareFacts(null, null, false).latest).toBeNull();
  });
});

describe('lamp messages', () => {
  const firmware = firmwareFacts('1.4.0', '1.5.0', true);

  it('state', () => {
    expect(lampStateMessage(LAMP, firmware)).toEqual({
      id: 'lamp-1',
      name: 'Desk',
      roomId: 'room-a',
      online: false,
      lastSeenAt: '2026-12-01T09:00:00.000Z',
      mac: '5C:CF:7F:12:34:56',
      firmware: { installed: '1.4.0', latest: '1.5.0', inProgress: true },
    });
  });

  it('takes the last-seen time from the connection while online', () => {
    const connection = {
      id: 'c1',
      lampId: 'lamp-1',
      remoteAddress: '10.0.0.5',
      connectedAt: new Date('2026-12-01T09:30:00Z'),
      lastSeenAt: new Date('2026-12-01T09:45:00Z'),
      adapterId: 'a',
    };
    const online = { ...LAMP, online: true, connection };
    expect(lampStateMessage(online, firmware)).toMatchObject({ online: true, lastSeenAt: '2026-12-01T09:45:00.000Z' });
    expect(lampAvailability(online)).toBe('online');
    expect(lampAvailability(LAMP)).toBe('offline');
  });

  it('firmware, as the update entity reads it', () => {
    expect(lampFirmwareMessage(firmware)).toEqual({
      installed_version: '1.4.0',
      latest_version: '1.5.0',
      in_progress: true,
      title: 'cloud-cloud lamp firmware',
    });
  });
});
