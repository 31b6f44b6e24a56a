import { formatCommandPacket, type Command } from '@cloud-cloud/protocol/packet';
import type { Clock } from '../clock.js';
import { InvalidInput } from '../invalid-input.js';
import type { LampConnections } from '../lamps/lamp-connections.js';
import type { LampRecords } from '../lamps/lamp-records.js';
import type { Rooms } from '../rooms/rooms.js';
import type { StateStore } from '../store/state-store.js';
import type { CommandDispatch, LampCommand } from './command-dispatch.js';

/** Which lamps a command is for: a room's, these lamps, or (neither) every connected lamp. */
export interface CommandTarget {
  roomId?: string | null;
  lampIds?: readonly string[] | null;
}

/** What a command reached, by lamp. */
export interface LampCommandResult {
  packet: string;
  sentAt: Date;
  /** Lamps whose adapter wrote the packet to their connection. */
  lampIds: string[];
  /** Adapters that did not confirm delivery in time. */
  unconfirmedAdapters: number;
}

/**
 * One-shot commands as people and adapters use them: sending to lamps, the remembered debug
 * switch, and the adapters' side (their command stream and confirmations).
 */
export class LampCommands {
  constructor(
    private readonly dispatch: CommandDispatch,
    private readonly connections: LampConnections,
    private readonly records: LampRecords,
    private readonly rooms: Rooms,
    private readonly state: StateStore,
    private readonly clock: Clock,
  ) {}

  /** Sends to the target's connected lamps; lamps offline now are not reached. */
  async send(command: Command, target: CommandTarget = {}): Promise<LampCommandResult> {
    const connectionIds = this.#connectionsOf(target);
    // Nobody to reach (a room with no lamp online): no adapter needs to hear of it.
    if (connectionIds?.length === 0) {
      return { packet: formatCommandPacket(command), sentAt: this.clock.now(), lampIds: [], unconfirmedAdapters: 0 };
    }
    const result = await this.dispatch.send(command, connectionIds);
    const lampIds = result.connectionIds.flatMap((id) => this.connections.get(id)?.lampId ?? []);
    return {
      packet: result.packet,
      sentAt: result.sentAt,
      lampIds: [...new Set(lampIds)],
      unconfirmedAdapters: result.unconfirmedAdapters,
    };
  }

  /** Whether debug messages were last switched on for every lamp. */
  debugEnabled(): boolean {
    return this.state.loadDebugEnabled();
  }

  /** Tells the target's lamps; for every lamp (no target), the choice is also remembered. */
  setDebug(enabled: boolean, target: CommandTarget = {}): Promise<LampCommandResult> {
    if (target.roomId == null && target.lampIds == null) this.state.saveDebugEnabled(enabled);
    return this.send(enabled ? 'debug-on' : 'debug-off', target);
  }

  /** The commands for one adapter's lamps, as they are sent. */
  commandsFor(adapterId: string, signal?: AbortSignal): AsyncGenerator<LampCommand> {
    return this.dispatch.commandsFor(adapterId, signal);
  }

  /** An adapter's report of which connections it wrote a command to; only its own count. */
  confirm(adapterId: string, commandId: string, connectionIds: readonly string[]): boolean {
    return this.dispatch.confirm(adapterId, commandId, this.connections.heldBy(adapterId, connectionIds));
  }

  /** The connections a target names now; null for every connected lamp. */
  #connectionsOf(target: CommandTarget): string[] | null {
    const { roomId, lampIds } = target;
    if (roomId != null && lampIds != null) throw new InvalidInput('lampIds', 'give roomId or lampIds, not both');
    if (roomId != null) {
      this.rooms.require(roomId);
      return this.records.inRoom(roomId).flatMap((lamp) => this.connections.ofLamp(lamp.id)?.id ?? []);
    }
    if (lampIds == null) return null;
    if (lampIds.length === 0) throw new InvalidInput('lampIds', 'must name at least one lamp, or be omitted for all');
    const unknown = lampIds.filter((id) => !this.records.find(id));
    if (unknown.length > 0) throw new InvalidInput('lampIds', `no lamp with id ${unknown.join(', ')}`);
    return [...new Set(lampIds)].flatMap((id) => this.connections.ofLamp(id)?.id ?? []);
  }
}
