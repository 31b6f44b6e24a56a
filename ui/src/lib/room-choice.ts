/*
 * The room the home screen controls is remembered on this phone, so the page opens on the room
 * last chosen. Storage can be unavailable (private mode, blocked): then nothing is remembered.
 */
const KEY = 'cloud-cloud.room';

export function rememberedRoomId(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

/** null: the default room, which is also what is shown when nothing is remembered. */
export function rememberRoomId(roomId: string | null): void {
  try {
    if (roomId === null) localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, roomId);
  } catch {
    // Not remembered; the default room is shown next time.
  }
}
