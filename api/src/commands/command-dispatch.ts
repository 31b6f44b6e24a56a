import { randomUUID } from 'node:crypto';
import { formatCommandPacket, type Command } from '@cloud-cloud/protocol/packet';
import type { PubSub } from '../events/pubsub.js';
import type { Clock } from '../clock.js';

/**
 * An instruction on its way to the adapters: write `packet`, or close the connection with
 * `close`. `deviceIds` null means every connected lamp.
 */
export interface LampCommand {
  id: string;
  packet: string | null;
  close: { code: number; reason: string } | null;
  deviceIds: string[] | null;
}

export interface CommandResult {
  command: Command;
  packet: string;
  sentAt: Date;
  /** Lamps whose adapter wrote the packet to their connection. */
  deviceIds: string[];
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

  async send(command: Command, deviceIds: string[] | null): Promise<CommandResult> {
    const packet = formatCommandPacket(command);
    const lampCommand: LampCommand = { id: randomUUID(), packet, close: null, deviceIds };
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
      deviceIds: [...delivered],
      unconfirmedAdapters: waitingFor.size,
    };
  }

  /** Has the adapters close these lamps' connections, e.g. when their secret is revoked. */
  disconnect(deviceIds: string[], code: number, reason: string): void {
    if (deviceIds.length === 0) return;
    this.events.publish('lampCommand', { id: randomUUID(), packet: null, close: { code, reason }, deviceIds });
  }

  /** An adapter's report of the lamps it wrote a command to. */
  confirm(adapterId: string, commandId: string, deviceIds: string[]): boolean {
    const pending = this.#pending.get(commandId);
    if (!pending || !pending.waitingFor.delete(adapterId)) return false;
    for (const id of deviceIds) pending.delivered.add(id);
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
