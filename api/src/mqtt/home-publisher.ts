import type { Logger } from 'pino';
import type { FirmwareManagement } from '../firmware/firmware-management.js';
import type { LampView } from '../lamps/lamp-connections.js';
import type { Lamps } from '../lamps/lamps.js';
import type { RoomDisplays } from '../rooms/room-displays.js';
import type { Rooms } from '../rooms/rooms.js';
import type { Scenes } from '../scenes/scenes.js';
import type { BrokerSession } from './broker-connection.js';
import {
  lampConfigs,
  lampConfigTopics,
  roomConfigTopics,
  roomLightConfig,
  sceneConfig,
  sceneConfigTopics,
  type DiscoveryConfig,
  type DiscoveryOrigin,
} from './discovery-configs.js';
import { firmwareFacts, lampAvailability, lampFirmwareMessage, lampStateMessage, type LampFirmwareFacts } from './lamp-messages.js';
import type { MqttTopics } from './mqtt-topics.js';
import type { PublishedEntities } from './published-entities.js';
import { roomStateMessage } from './plain-messages.js';
import { lightState } from './room-light-messages.js';

/** The parts of the home the bridge shows and acts on. */
export interface BridgeDomain {
  rooms: Rooms;
  roomDisplays: RoomDisplays;
  lamps: Lamps;
  scenes: Scenes;
  firmware: FirmwareManagement;
}

/**
 * What the home looks like on the broker: discovery configs and retained states of rooms,
 * lamps and scenes. Reads the domain as it is now, publishes what differs from what it sent on
 * this connection, and clears (empty retained payloads) what no longer exists. Without a
 * connection it does nothing: everything is published again on connect.
 */
export class HomePublisher {
  /** Payload sent per topic on the current connection. */
  #sent = new Map<string, string>();
  #session: BrokerSession | null = null;
  /** Lamps told to install firmware, until their next update check or until they go offline. */
  readonly #installRequested = new Set<string>();
  /** The rooms' ids and names as last published: only a change of them touches configs. */
  #roomNames = '';

  constructor(
    private readonly domain: BridgeDomain,
    private readonly topics: MqttTopics,
    private readonly origin: DiscoveryOrigin,
    /** What is on the broker, to clear once it is gone (also after a reconnect or restart). */
    private readonly published: PublishedEntities,
    private readonly logger: Logger,
  ) {}

  /** `P/status`, where the bridge says whether it is online. */
  get statusTopic(): string {
    return this.topics.status;
  }

  get discovery(): boolean {
    return this.topics.discoveryPrefix !== '';
  }

  /**
   * Whether Home Assistant's birth message is followed: with discovery, unless it would be the
   * bridge's own status topic (same prefixes), whose `online` would set off republishing forever.
   */
  get followsHomeAssistant(): boolean {
    return this.discovery && this.topics.homeAssistantStatus !== this.topics.status;
  }

  /** A new connection (or Home Assistant restarted): every config and state again, then `online`. */
  publishAll(session: BrokerSession | null): void {
    this.#session = session;
    this.#sent = new Map();
    this.#roomNames = '';
    if (!session) return;
    // With the room names forgotten, this publishes the lamps too.
    this.syncRooms();
    this.syncScenes();
    session.publish(this.topics.status, 'online');
  }

  /**
   * Something about the rooms changed (a display state, most often): every room's state, and
   * when rooms were added, renamed or deleted, their configs and the lamps shown in them.
   */
  syncRooms(): void {
    const rooms = this.domain.rooms.list();
    const names = JSON.stringify(rooms.map((room) => [room.id, room.name]));
    if (!this.#session || names === this.#roomNames) {
      for (const room of rooms) this.roomDisplayChanged(room.id);
      return;
    }
    this.#roomNames = names;
    const ids = new Set(rooms.map((room) => room.id));
    for (const roomId of this.published.ids('rooms')) {
      if (ids.has(roomId)) continue;
      this.#clear([
        ...(this.discovery ? roomConfigTopics(this.topics, roomId) : []),
        this.topics.roomState(roomId),
        this.topics.roomLight(roomId),
      ]);
      this.published.delete('rooms', roomId);
    }
    for (const room of rooms) {
      if (this.discovery) this.#publishConfig(roomLightConfig(this.topics, this.origin, room));
      this.published.add('rooms', room.id);
      this.roomDisplayChanged(room.id);
    }
    // A renamed room is the suggested area of its lamps.
    this.syncLamps();
  }

  /** One room's display state changed. */
  roomDisplayChanged(roomId: string): void {
    const room = this.domain.rooms.find(roomId);
    const display = this.domain.roomDisplays.find(roomId);
    if (!room || !display) return;
    if (!this.#session || !this.published.has('rooms', roomId)) return;
    this.#publish(this.topics.roomState(roomId), JSON.stringify(roomStateMessage(room, display)));
    this.#publish(this.topics.roomLight(roomId), JSON.stringify(lightState(display)));
  }

  syncLamps(): void {
    if (!this.#session) return;
    const lamps = this.domain.lamps.list();
    const ids = new Set(lamps.map((lamp) => lamp.id));
    for (const lampId of this.published.ids('lamps')) if (!ids.has(lampId)) this.lampForgotten(lampId);
    for (const lamp of lamps) this.lampChanged(lamp);
  }

  /** A lamp added, changed, online or offline: its configs and states. */
  lampChanged(lamp: LampView): void {
    if (!lamp.online) this.#installRequested.delete(lamp.id);
    if (!this.#session) return;
    const firmware = this.#firmwareOf(lamp);
    if (this.discovery) {
      const roomName = this.domain.rooms.find(lamp.roomId)?.name ?? '';
      const discoveryLamp = { id: lamp.id, name: lamp.name, roomId: lamp.roomId, mac: lamp.mac, installedVersion: firmware.installed };
      for (const config of lampConfigs(this.topics, this.origin, discoveryLamp, roomName)) this.#publishConfig(config);
    }
    this.published.add('lamps', lamp.id);
    this.#publish(this.topics.lampState(lamp.id), JSON.stringify(lampStateMessage(lamp, firmware)));
    this.#publish(this.topics.lampAvailability(lamp.id), lampAvailability(lamp));
    if (lamp.mac !== null) this.#publish(this.topics.lampFirmware(lamp.id), JSON.stringify(lampFirmwareMessage(firmware)));
  }

  lampForgotten(lampId: string): void {
    this.#installRequested.delete(lampId);
    if (!this.#session) return;
    const states = [this.topics.lampState(lampId), this.topics.lampAvailability(lampId), this.topics.lampFirmware(lampId)];
    this.#clear([...(this.discovery ? lampConfigTopics(this.topics, lampId) : []), ...states]);
    this.published.delete('lamps', lampId);
  }

  /** The lamp was told to install firmware: in progress until it checks for the update. */
  installRequested(lampId: string): void {
    this.#installRequested.add(lampId);
    const lamp = this.domain.lamps.find(lampId);
    if (lamp) this.lampChanged(lamp);
  }

  /** An update check from this MAC: the lamp's firmware state is news. */
  firmwareChecked(mac: string): void {
    const lamp = this.domain.lamps.byMac(mac);
    if (!lamp) return;
    this.#installRequested.delete(lamp.id);
    this.lampChanged(lamp);
  }

  /** Images or assignments changed: every lamp's latest version may have. */
  firmwareChanged(): void {
    if (!this.#session) return;
    for (const lamp of this.domain.lamps.list()) if (lamp.mac !== null) this.lampChanged(lamp);
  }

  syncScenes(): void {
    if (!this.#session) return;
    const scenes = this.domain.scenes.list();
    const ids = new Set(scenes.map((scene) => scene.id));
    for (const sceneId of this.published.ids('scenes')) {
      if (ids.has(sceneId)) continue;
      if (this.discovery) this.#clear(sceneConfigTopics(this.topics, sceneId));
      this.published.delete('scenes', sceneId);
    }
    for (const scene of scenes) {
      if (this.discovery) this.#publishConfig(sceneConfig(this.topics, this.origin, scene));
      this.published.add('scenes', scene.id);
    }
  }

  #firmwareOf(lamp: LampView): LampFirmwareFacts {
    if (lamp.mac === null) return firmwareFacts(lamp.firmwareVersion, null, false);
    const record = this.domain.firmware.lamp(lamp.mac);
    const assigned = this.domain.firmware.assignedImage(lamp.mac)?.version ?? null;
    const inProgress = this.#installRequested.has(lamp.id) || record?.state === 'UPDATE_SENT';
    return firmwareFacts(lamp.firmwareVersion ?? record?.runningVersion ?? null, assigned, inProgress);
  }

  #publishConfig({ topic, config }: DiscoveryConfig): void {
    this.#publish(topic, JSON.stringify(config));
  }

  #clear(topics: readonly string[]): void {
    for (const topic of topics) this.#publish(topic, '');
  }

  #publish(topic: string, payload: string): void {
    const session = this.#session;
    if (!session || this.#sent.get(topic) === payload) return;
    this.#sent.set(topic, payload);
    if (payload === '') this.#sent.delete(topic);
    session.publish(topic, payload, true);
    this.logger.trace({ topic }, 'MQTT published');
  }
}
