import { roomsSetBy, type Schedule } from './schedule.js';

export interface MissedRun {
  schedule: Schedule;
  scheduledFor: Date;
}

/**
 * What to do about runs missed while the server was down, oldest first. A run is applied when
 * it is the latest to set at least one of its rooms (so each room ends as the latest would have
 * left it); runs that set no room (a command, a scene that is gone) are applied too, and their
 * actions decide what that means late. The rest were replaced by later runs.
 */
export function catchUpPlan(
  missed: readonly MissedRun[],
  sceneRooms: (sceneId: string) => string[],
): { entry: MissedRun; apply: boolean }[] {
  const ordered = [...missed].sort((a, b) => a.scheduledFor.getTime() - b.scheduledFor.getTime());
  const latestByRoom = new Map<string, MissedRun>();
  const rooms = new Map<MissedRun, string[]>();
  for (const entry of ordered) {
    const set = roomsSetBy(entry.schedule.what, sceneRooms);
    rooms.set(entry, set);
    for (const roomId of set) latestByRoom.set(roomId, entry);
  }
  const latest = new Set(latestByRoom.values());
  return ordered.map((entry) => ({ entry, apply: rooms.get(entry)!.length === 0 || latest.has(entry) }));
}
