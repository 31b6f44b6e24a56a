import { randomUUID } from 'node:crypto';
import { formatCommandPacket, type Command } from '@cloud-cloud/protocol/packet';
import type { PubSub } from '../events/pubsub.js';
import type { Clock } from '../clock.js';

/**
 * An instruction on its way to the adapters: write `packet`, close the connections with
 * `close`, or file them under the room `moveToRoomId` (and write that room's frame at once).
 * `connectionIds` null means every connected lamp.
 */
export interface LampCommand {
  id: string;
  packet: string | null;
  close: { code: number; reason: string } | null;
  connectionIds: string[] | null;
  moveToRoomId: string | null;
}

export interface CommandResult {
  command: Command;
  packet: string;
  sentAt: Date;
  /** Connections whose adapter wrote the packet to them. */
  connectionIds: string[];
  /** Adapters that did not confirm delivery in time. */
  unconfirmedAdapters: number;
}

export type CommandEvents = { lampCommand: LampCommand };

interface PendingCommand {
  waitingFor: Set<string>;
  delivered: Set<string>;
  finish: () => void;
}

/**
 * Sends one-shot commands to the adapters that are listening and collects what each one
 * reached, so a mutation can say how many lamps actually got the packet.
 */
export class CommandDispatch {
  /** Adapter ids with an open command subscription, and how many (a reconnect can overlap). */
  readonly #listeners = new Map<string, number>();
  readonly #pending = new Map<string, PendingCommand>();

  constructor(
    private readonly events: PubSub<CommandEvents>,
    private readonly clock: Clock,
    private readonly confirmTimeoutMs = 3000,
  ) {}

  /** Sends to these connections, or (null) to every connected lamp. */
  async send(command: Command, connectionIds: string[] | null): Promise<CommandResult> {
    const packet = formatCommandPacket(command);
    const lampCommand: LampCommand = { id: randomUUID(), packet, close: null, connectionIds, moveToRoomId: null };
    const sentAt = this.clock.now();
    const waitingFor = new Set(this.#listeners.keys());
    const delivered = new Set<string>();
    if (waitingFor.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(finish, this.confirmTimeoutMs);
        const pending: PendingCommand = { waitingFor, delivered, finish };
        function finish(): void {
          clearTimeout(timer);
          resolve();
        }
        this.#pending.set(lampCommand.id, pending);
        this.events.publish('lampCommand', lampCommand);
      });
      this.#pending.delete(lampCommand.id);
    }
    return {
      command,
      packet,
      sentAt,
      connectionIds: [...delivered],
      unconfirmedAdapters: waitingFor.size,
    };
  }

  /** Has the adapters close these connections, e.g. when their lamp's secret is revoked. */
  disconnect(connectionIds: string[], code: number, reason: string): void {
    if (connectionIds.length === 0) return;
    this.#publish({ packet: null, close: { code, reason }, connectionIds, moveToRoomId: null });
  }

  /** Has the adapters file these connections under another room and write its frame to them. */
  move(connectionIds: string[], roomId: string): void {
    if (connectionIds.length === 0) return;
    this.#publish({ packet: null, close: null, connectionIds, moveToRoomId: roomId });
  }

  #publish(command: Omit<LampCommand, 'id'>): void {
    this.events.publish('lampCommand', { id: randomUUID(), ...command });
  }

  /** An adapter's report of the connections it wrote a command to. */
  confirm(adapterId: string, commandId: string, connectionIds: string[]): boolean {
    const pending = this.#pending.get(commandId);
    if (!pending || !pending.waitingFor.delete(adapterId)) return false;
    for (const id of connectionIds) pending.delivered.add(id);
    if (pending.waitingFor.size === 0) pending.finish();
    return true;
  }

  /** The command stream one adapter listens to. */
  async *commandsFor(adapterId: string, signal?: AbortSignal): AsyncGenerator<LampCommand> {
    const commands = this.events.subscribe('lampCommand', signal);
    this.#listeners.set(adapterId, (this.#listeners.get(adapterId) ?? 0) + 1);
    try {
      yield* commands;
    } finally {
      this.#forget(adapterId);
      await commands.return?.();
    }
  }

  #forget(adapterId: string): void {
    const count = (this.#listeners.get(adapterId) ?? 1) - 1;
    if (count > 0) {
      this.#listeners.set(adapterId, count);
      return;
    }
    this.#listeners.delete(adapterId);
    // Nobody is left to confirm for this adapter: stop waiting for it.
    for (const pending of this.#pending.values()) {
      if (pending.waitingFor.delete(adapterId) && pending.waitingFor.size === 0) pending.finish();
    }
  }
}
