import type { Logger } from 'pino';
import type { LampCommands } from '../commands/lamp-commands.js';
import { InvalidInput } from '../invalid-input.js';
import type { BridgeDomain, HomePublisher } from './home-publisher.js';
import { describePayload, MAX_COMMAND_PAYLOAD_BYTES, MessageRefused } from './message-refused.js';
import { parseCommandTopic, type CommandTopic, type MqttTopics } from './mqtt-topics.js';
import { parseRoomSet, parseSceneApply } from './plain-messages.js';
import { lightChange, parseLightCommand } from './room-light-messages.js';
import type { RoomOnModes } from './room-on-modes.js';

export interface CommandDomain extends BridgeDomain {
  commands: LampCommands;
}

/**
 * Commands arriving over MQTT, carried out through the same domain services the GraphQL
 * resolvers use, so lamps and every subscriber see them. A message that cannot be carried out
 * changes nothing and is logged at warn with its topic and the reason.
 */
export class MqttCommands {
  constructor(
    private readonly domain: CommandDomain,
    private readonly topics: MqttTopics,
    private readonly onModes: RoomOnModes,
    private readonly publisher: HomePublisher,
    private readonly logger: Logger,
    /** Home Assistant announced itself: everything is sent again. */
    private readonly onHomeAssistantOnline: () => void,
  ) {}

  handle(topic: string, payload: Buffer, retained: boolean): void {
    if (this.publisher.followsHomeAssistant && topic === this.topics.homeAssistantStatus) {
      if (payload.toString('utf8').trim() === 'online') this.onHomeAssistantOnline();
      return;
    }
    const command = parseCommandTopic(this.topics, topic);
    if (!command) return;
    try {
      // A retained command would be carried out again on every reconnect.
      if (retained) throw new MessageRefused('is retained; commands must be sent without the retain flag');
      if (payload.length > MAX_COMMAND_PAYLOAD_BYTES) throw new MessageRefused(`is longer than ${MAX_COMMAND_PAYLOAD_BYTES} bytes`);
      const done = this.#carryOut(command, payload.toString('utf8'));
      done?.catch((error: unknown) => this.#refused(topic, error));
    } catch (error) {
      this.#refused(topic, error);
    }
  }

  #carryOut(command: CommandTopic, payload: string): Promise<void> | undefined {
    const { domain } = this;
    switch (command.kind) {
      case 'roomSet': {
        const roomId = this.#room(command.roomId);
        const { change, transitionMs } = parseRoomSet(payload);
        domain.roomDisplays.change(roomId, change, transitionMs === undefined ? {} : { transitionMs });
        return;
      }
      case 'roomLightSet': {
        const roomId = this.#room(command.roomId);
        const light = lightChange(parseLightCommand(payload), domain.roomDisplays.find(roomId)!, this.onModes.of(roomId));
        if (light) domain.roomDisplays.change(roomId, light.change, { transitionMs: light.transitionMs });
        return;
      }
      case 'sceneApply': {
        const scene = domain.scenes.find(command.sceneId);
        if (!scene) throw new MessageRefused(`no scene with id ${command.sceneId}`);
        domain.scenes.apply(scene.id, parseSceneApply(payload));
        return;
      }
      case 'lampReset':
        return this.#reset(command.lampId);
      case 'lampFirmwareInstall':
        return this.#install(command.lampId, payload);
    }
  }

  async #reset(lampId: string): Promise<void> {
    if (!this.domain.lamps.find(lampId)) throw new MessageRefused(`no lamp with id ${lampId}`);
    await this.domain.commands.send('reset', { lampIds: [lampId] });
  }

  async #install(lampId: string, payload: string): Promise<void> {
    if (payload.trim() !== 'install') throw new MessageRefused(`payload must be "install", got ${describePayload(payload)}`);
    const lamp = this.domain.lamps.find(lampId);
    if (!lamp) throw new MessageRefused(`no lamp with id ${lampId}`);
    if (lamp.mac === null) throw new MessageRefused(`lamp ${lampId} has no known MAC; firmware is assigned by MAC`);
    const image = this.domain.firmware.assignedImage(lamp.mac);
    if (!image) throw new MessageRefused(`no firmware image is assigned to ${lamp.mac}`);
    const rollout = await this.domain.firmware.rollOut(image.id, [lamp.mac]);
    if (rollout.lampIds.includes(lampId)) this.publisher.installRequested(lampId);
    this.logger.info(
      { lampId, firmwareId: image.id, version: image.version, told: rollout.lampIds.length },
      'firmware install asked over MQTT',
    );
  }

  #room(roomId: string): string {
    if (!this.domain.rooms.find(roomId)) throw new MessageRefused(`no room with id ${roomId}`);
    return roomId;
  }

  #refused(topic: string, error: unknown): void {
    if (error instanceof MessageRefused || error instanceof InvalidInput || error instanceof RangeError) {
      this.logger.warn({ topic, reason: error.message }, `MQTT message on ${topic} ignored: ${error.message}`);
    } else {
      this.logger.error({ err: error, topic }, `MQTT message on ${topic} failed`);
    }
  }
}
