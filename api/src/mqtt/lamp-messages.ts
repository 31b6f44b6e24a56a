import { compareFirmwareVersions } from '../firmware/firmware-version.js';
import type { LampView } from '../lamps/lamp-connections.js';

/** What is known of a lamp's firmware: what it runs, what it should run, whether an update runs. */
export interface LampFirmwareFacts {
  installed: string | null;
  latest: string | null;
  inProgress: boolean;
}

/**
 * `latest` is the assigned image's version, or the installed one when nothing newer is
 * assigned (an older image assigned is not offered: the lamp would not take it).
 */
export function firmwareFacts(installed: string | null, assigned: string | null, inProgress: boolean): LampFirmwareFacts {
  if (assigned === null) return { installed, latest: installed, inProgress };
  if (installed === null) return { installed, latest: assigned, inProgress };
  const order = compareFirmwareVersions(assigned, installed);
  return { installed, latest: order === 'newer' || order === 'unknown' ? assigned : installed, inProgress };
}

/** `P/lamp/<id>/state` */
export interface LampStateMessage {
  id: string;
  name: string;
  roomId: string;
  online: boolean;
  lastSeenAt: string | null;
  mac: string | null;
  firmware: LampFirmwareFacts;
}

export function lampStateMessage(lamp: LampView, firmware: LampFirmwareFacts): LampStateMessage {
  return {
    id: lamp.id,
    name: lamp.name,
    roomId: lamp.roomId,
    online: lamp.online,
    lastSeenAt: (lamp.connection?.lastSeenAt ?? lamp.lastSeenAt)?.toISOString() ?? null,
    mac: lamp.mac,
    firmware: { ...firmware },
  };
}

/** `P/lamp/<id>/firmware`: the state of Home Assistant's update entity. */
export interface LampFirmwareMessage {
  installed_version: string | null;
  latest_version: string | null;
  in_progress: boolean;
  title: string;
}

export const FIRMWARE_TITLE = 'cloud-cloud lamp firmware';

export function lampFirmwareMessage(firmware: LampFirmwareFacts): LampFirmwareMessage {
  return {
    installed_version: firmware.installed,
    latest_version: firmware.latest,
    in_progress: firmware.inProgress,
    title: FIRMWARE_TITLE,
  };
}

/** `P/lamp/<id>/availability` */
export function lampAvailability(lamp: { online: boolean }): 'online' | 'offline' {
  return lamp.online ? 'online' : 'offline';
}
