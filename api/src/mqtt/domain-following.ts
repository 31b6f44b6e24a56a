import type { Logger } from 'pino';
import type { DisplayState } from '../display/display-state.js';
import type { PubSub } from '../events/pubsub.js';
import type { BridgeDomain, HomePublisher } from './home-publisher.js';
import type { BridgeFollowedEvents } from './mqtt-bridge.js';
import type { RoomOnModes } from './room-on-modes.js';

interface Following {
  domain: BridgeDomain;
  pubsub: PubSub<BridgeFollowedEvents>;
  logger: Logger;
  signal: AbortSignal;
}

export interface RoomFollowing extends Following {
  onModes: RoomOnModes;
  /** The publisher of the current connection, if any (it changes when the settings do). */
  publisher: () => HomePublisher | null;
}

/**
 * Follows the rooms while the bridge runs, configured or not: the mode each room had before
 * it went off is remembered even while no broker is set, and each change of a room (display
 * state, name, the room list) goes to the current publisher. Runs until `signal` aborts.
 */
export function followRooms(following: RoomFollowing): void {
  const { domain, pubsub, signal, onModes, publisher } = following;
  const rooms = () => {
    onModes.saw(domain.rooms.list().flatMap((room) => domain.roomDisplays.find(room.id) ?? ([] as DisplayState[])));
    publisher()?.syncRooms();
  };
  rooms();
  follow(following, 'rooms', () => pubsub.latest('roomsChanged', signal), rooms);
}

export interface HomeFollowing extends Following {
  publisher: HomePublisher;
}

/**
 * Follows what else a broker shows, while one is configured: lamps, update checks, firmware and scenes.
 * Runs until `signal` aborts; a follower that fails is logged and starts again.
 */
export function followHome(following: HomeFollowing): void {
  const { domain, pubsub, signal, publisher } = following;
  follow(
    following,
    'lamps',
    () => pubsub.subscribe('lampEvent', signal),
    (event) => {
      if (event.kind === 'DEBUG_MESSAGE') return;
      if (event.kind === 'FORGOTTEN') return publisher.lampForgotten(event.lamp.id);
      // As it is now; one forgotten since the event is cleared by the FORGOTTEN event that follows.
      const lamp = domain.lamps.find(event.lamp.id);
      if (lamp) publisher.lampChanged(lamp);
    },
    () => publisher.syncLamps(),
  );
  follow(
    following,
    'update checks',
    () => pubsub.subscribe('firmwareCheck', signal),
    (event) => publisher.firmwareChecked(event.lamp.mac),
  );
  follow(
    following,
    'scenes',
    () => pubsub.latest('scenesChanged', signal),
    () => publisher.syncScenes(),
  );

  follow(
    following,
    'firmware images and assignments',
    () => pubsub.latest('firmwareLibrary', signal),
    () => publisher.firmwareChanged(),
  );
}

/**
 * Runs `handle` for each event until the signal aborts. When the stream fails (it fell too far
 * behind, say), it is followed again from now and `catchUp` brings the broker up to date.
 */
function follow<T>(
  following: Following,
  what: string,
  subscribe: () => AsyncIterableIterator<T>,
  handle: (event: T) => void,
  catchUp?: () => void,
): void {
  const run = async () => {
    while (!following.signal.aborted) {
      try {
        for await (const event of subscribe()) {
          try {
            handle(event);
          } catch (error) {
            following.logger.error({ err: error }, `MQTT bridge: publishing a change of ${what} failed`);
          }
        }
      } catch (error) {
        following.logger.warn({ err: error }, `MQTT bridge: following ${what} failed; following again`);
        catchUp?.();
      }
    }
  };
  void run();
}
