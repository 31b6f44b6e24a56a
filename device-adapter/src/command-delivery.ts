import type { Logger } from 'pino';
import type { LampCommandMessage } from './api-link.js';
import type { LampConnection } from './lamp-connection.js';
import type { RoomLamps } from './room-lamps.js';

/** The adapter's connections, as commands find them. */
export interface CommandTargets {
  /** A connection by id, whatever its phase. */
  get(connectionId: string): LampConnection | undefined;
  /** Every connection the API has let in. */
  open(): LampConnection[];
}

/**
 * What the API's commands do to this adapter's lamps: write a packet, close connections, or
 * file lamps under another room (writing its frame at once). Each command is confirmed with
 * the connections it reached. A command may name a connection whose admission answer is still
 * on its way (the API already knows it): a close closes it, and a move takes effect as it opens.
 */
export class CommandDelivery {
  readonly #movedDuringAdmission = new Map<LampConnection, string>();

  constructor(
    private readonly targets: CommandTargets,
    private readonly rooms: RoomLamps<LampConnection>,
    private readonly confirm: (commandId: string, connectionIds: string[]) => void,
    private readonly logger: Logger,
  ) {}

  deliver(command: LampCommandMessage): void {
    const targets = command.connectionIds
      ? command.connectionIds.map((id) => this.targets.get(id)).filter((lamp) => lamp !== undefined)
      : this.targets.open();
    if (command.closeCode !== null) {
      const code = sendableCloseCode(command.closeCode);
      for (const lamp of targets) lamp.close(code, (command.closeReason ?? '').slice(0, 120));
      this.confirm(command.id, ids(targets));
      return;
    }
    const roomId = command.moveToRoomId;
    if (roomId !== null) {
      // The new room's frame goes out at once, or when it arrives if this adapter has none yet.
      for (const lamp of targets) {
        if (lamp.isOpen) this.rooms.place(lamp, roomId);
        else this.#movedDuringAdmission.set(lamp, roomId);
      }
      this.logger.info({ roomId, lamps: targets.length }, 'lamps moved');
    }
    if (command.packet === null) {
      if (roomId !== null) this.confirm(command.id, ids(targets));
      return;
    }
    const packet = command.packet;
    const reached = targets.filter((lamp) => {
      // A frame that arrived before the command, still waiting for its turn, goes first.
      this.rooms.catchUp(lamp);
      return lamp.sendCommand(packet);
    });
    this.logger.info({ packet, lamps: reached.length }, 'command sent');
    this.confirm(command.id, ids(reached));
  }

  /** The room a lamp just let in belongs to: where a move sent meanwhile put it, else its admission's. */
  roomOnOpen(lamp: LampConnection, admittedRoomId: string): string {
    const roomId = this.#movedDuringAdmission.get(lamp) ?? admittedRoomId;
    this.#movedDuringAdmission.delete(lamp);
    return roomId;
  }

  /** The connection has ended. */
  forget(lamp: LampConnection): void {
    this.#movedDuringAdmission.delete(lamp);
  }
}

function ids(lamps: LampConnection[]): string[] {
  return lamps.map((lamp) => lamp.id);
}

/**
 * The API's close code if a server may send it (ws throws on any other), else 1008 (policy
 * violation): the API's choice must never crash the adapter. 1012 (service restart) is how a
 * forgotten lamp is told to come back; 44xx are the device port's own.
 */
export function sendableCloseCode(code: number): number {
  const sendable = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
  return sendable ? code : 1008;
}
