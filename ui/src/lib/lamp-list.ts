import type { LampInfo, RoomInfo } from './operations';
import { ago } from './time-format';

/** The list with this lamp as it is now: replaced where it was, or added. */
export function withLamp(lamps: readonly LampInfo[], lamp: LampInfo): LampInfo[] {
  const index = lamps.findIndex((l) => l.id === lamp.id);
  return index === -1 ? [...lamps, lamp] : lamps.with(index, lamp);
}

export function withoutLamp(lamps: readonly LampInfo[], lampId: string): LampInfo[] {
  return lamps.filter((l) => l.id !== lampId);
}

/**
 * The lamps to show in each room, by name. A lamp whose room is not in the list (deleted a
 * moment ago, before its lamps' own changes arrived) is shown in the default room, where the
 * server has put it.
 */
export function lampsByRoom(lamps: readonly LampInfo[], rooms: readonly RoomInfo[]): Map<string, LampInfo[]> {
  const byRoom = new Map<string, LampInfo[]>(rooms.map((room) => [room.id, []]));
  const defaultRoom = rooms.find((room) => room.isDefault);
  for (const lamp of lamps) {
    if (lamp.revokedAt) continue;
    (byRoom.get(lamp.roomId) ?? (defaultRoom && byRoom.get(defaultRoom.id)))?.push(lamp);
  }
  for (const list of byRoom.values()) list.sort((a, b) => a.name.localeCompare(b.name));
  return byRoom;
}

/** "Online", or when an offline lamp was last heard from. */
export function lampStatus(lamp: LampInfo, now: number): string {
  if (lamp.online) return 'Online';
  return lamp.lastSeenAt ? `Offline · last seen ${ago(lamp.lastSeenAt, now)}` : 'Never connected';
}

/** Said next to a lamp recognised only by its address. */
export const WEAK_IDENTITY_HINT = 'Weak identity: recognised by its address only';

/** A debug line as the Lamps view lists it, with the name its lamp had then. */
export interface DebugLine {
  id: number;
  at: string;
  lamp: string;
  text: string;
}
