import type { Command } from '@cloud-cloud/protocol/packet';
import type { DeviceRegistry } from '../devices/device-registry.js';
import { InvalidInput } from '../invalid-input.js';
import type { StateStore } from '../store/state-store.js';
import type { CommandDispatch, CommandResult, LampCommand } from './command-dispatch.js';

/**
 * One-shot commands as people and adapters use them: sending to connected lamps, the
 * remembered debug switch, and the adapters' side (their command stream and confirmations).
 */
export class LampCommands {
  constructor(
    private readonly dispatch: CommandDispatch,
    private readonly devices: DeviceRegistry,
    private readonly state: StateStore,
  ) {}

  /** Sends to these connected lamps, or (null) to every connected lamp. */
  send(command: Command, deviceIds: readonly string[] | null): Promise<CommandResult> {
    if (deviceIds === null) return this.dispatch.send(command, null);
    if (deviceIds.length === 0) throw new InvalidInput('deviceIds', 'must name at least one lamp, or be omitted for all');
    const unknown = deviceIds.filter((id) => !this.devices.get(id));
    if (unknown.length > 0) throw new InvalidInput('deviceIds', `no connected lamp with id ${unknown.join(', ')}`);
    return this.dispatch.send(command, [...new Set(deviceIds)]);
  }

  /** Whether debug messages were last switched on. */
  debugEnabled(): boolean {
    return this.state.loadDebugEnabled();
  }

  /** Remembers the choice, then tells every connected lamp. */
  setDebug(enabled: boolean): Promise<CommandResult> {
    this.state.saveDebugEnabled(enabled);
    return this.dispatch.send(enabled ? 'debug-on' : 'debug-off', null);
  }

  /** The commands for one adapter's lamps, as they are sent. */
  commandsFor(adapterId: string, signal?: AbortSignal): AsyncGenerator<LampCommand> {
    return this.dispatch.commandsFor(adapterId, signal);
  }

  /** An adapter's report of which lamps it wrote a command to; only its own lamps count. */
  confirm(adapterId: string, commandId: string, deviceIds: readonly string[]): boolean {
    return this.dispatch.confirm(adapterId, commandId, this.devices.heldBy(adapterId, deviceIds));
  }
}
