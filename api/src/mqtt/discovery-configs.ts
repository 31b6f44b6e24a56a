import type { MqttTopics } from './mqtt-topics.js';
import { LIGHT_EFFECTS } from './room-light-messages.js';

/**
 * Home Assistant MQTT discovery configs, with full key names (no abbreviations). Each is
 * published retained on its `topic`; an empty retained payload there removes the entity.
 */
export interface DiscoveryConfig {
  topic: string;
  config: Record<string, unknown>;
}

/** Who published the configs, shown by Home Assistant. */
export interface DiscoveryOrigin {
  name: 'cloud-cloud';
  sw_version: string;
}

export interface DiscoveryRoom {
  id: string;
  name: string;
}

export interface DiscoveryLamp {
  id: string;
  name: string;
  roomId: string;
  mac: string | null;
  installedVersion: string | null;
}

const MANUFACTURER = 'cloud-cloud';
const MAC_ADDRESS = /^[0-9A-F]{2}(:[0-9A-F]{2}){5}$/i;

export function roomLightConfig(topics: MqttTopics, origin: DiscoveryOrigin, room: DiscoveryRoom): DiscoveryConfig {
  const objectId = `room_${room.id}`;
  return {
    topic: topics.discovery('light', objectId),
    config: {
      schema: 'json',
      unique_id: `${topics.nodeId}_${objectId}`,
      name: null,
      device: { identifiers: [roomDeviceId(topics, room.id)], name: room.name, manufacturer: MANUFACTURER, model: 'Room' },
      origin,
      availability: [{ topic: topics.status }],
      state_topic: topics.roomLight(room.id),
      command_topic: topics.roomLightSet(room.id),
      supported_color_modes: ['rgb'],
      brightness: true,
      brightness_scale: 255,
      effect: true,
      effect_list: LIGHT_EFFECTS,
    },
  };
}

/** The topics of a room's config, for removing it. */
export function roomConfigTopics(topics: MqttTopics, roomId: string): string[] {
  return [topics.discovery('light', `room_${roomId}`)];
}

/** A lamp's connectivity sensor, reset button and (with a MAC) firmware update entity. */
export function lampConfigs(topics: MqttTopics, origin: DiscoveryOrigin, lamp: DiscoveryLamp, roomName: string): DiscoveryConfig[] {
  const device = lampDevice(topics, lamp, roomName);
  const both = [{ topic: topics.status }, { topic: topics.lampAvailability(lamp.id) }];
  const entity = (component: 'binary_sensor' | 'button' | 'update', suffix: string, fields: Record<string, unknown>): DiscoveryConfig => {
    const objectId = `lamp_${lamp.id}_${suffix}`;
    return {
      topic: topics.discovery(component, objectId),
      config: { unique_id: `${topics.nodeId}_${objectId}`, device, origin, ...fields },
    };
  };
  const configs = [
    entity('binary_sensor', 'online', {
      name: 'Connection',
      device_class: 'connectivity',
      entity_category: 'diagnostic',
      state_topic: topics.lampState(lamp.id),
      value_template: "{{ 'ON' if value_json.online else 'OFF' }}",
      availability: [{ topic: topics.status }],
    }),
    entity('button', 'reset', {
      name: 'Reset',
      device_class: 'restart',
      entity_category: 'config',
      command_topic: topics.lampReset(lamp.id),
      payload_press: 'PRESS',
      availability: both,
      availability_mode: 'all',
    }),
  ];
  if (lamp.mac !== null) {
    configs.push(
      entity('update', 'firmware', {
        name: 'Firmware',
        device_class: 'firmware',
        state_topic: topics.lampFirmware(lamp.id),
        command_topic: topics.lampFirmwareInstall(lamp.id),
        payload_install: 'install',
        availability: both,
        availability_mode: 'all',
      }),
    );
  }
  return configs;
}

/** The topics of every config a lamp may have, for removing them. */
export function lampConfigTopics(topics: MqttTopics, lampId: string): string[] {
  return [
    topics.discovery('binary_sensor', `lamp_${lampId}_online`),
    topics.discovery('button', `lamp_${lampId}_reset`),
    topics.discovery('update', `lamp_${lampId}_firmware`),
  ];
}

export function sceneConfig(topics: MqttTopics, origin: DiscoveryOrigin, scene: { id: string; name: string }): DiscoveryConfig {
  const objectId = `scene_${scene.id}`;
  return {
    topic: topics.discovery('scene', objectId),
    config: {
      unique_id: `${topics.nodeId}_${objectId}`,
      name: scene.name,
      device: { identifiers: [`${topics.nodeId}_hub`], name: 'cloud-cloud', manufacturer: MANUFACTURER, model: 'Home' },
      origin,
      availability: [{ topic: topics.status }],
      command_topic: topics.sceneApply(scene.id),
      payload_on: 'ON',
    },
  };
}

export function sceneConfigTopics(topics: MqttTopics, sceneId: string): string[] {
  return [topics.discovery('scene', `scene_${sceneId}`)];
}

function roomDeviceId(topics: MqttTopics, roomId: string): string {
  return `${topics.nodeId}_room_${roomId}`;
}

function lampDevice(topics: MqttTopics, lamp: DiscoveryLamp, roomName: string): Record<string, unknown> {
  const device: Record<string, unknown> = { identifiers: [`${topics.nodeId}_lamp_${lamp.id}`] };
  if (lamp.mac !== null && MAC_ADDRESS.test(lamp.mac)) device.connections = [['mac', lamp.mac]];
  device.name = lamp.name;
  device.manufacturer = MANUFACTURER;
  device.model = 'Cloud lamp';
  if (lamp.installedVersion !== null) device.sw_version = lamp.installedVersion;
  device.suggested_area = roomName;
  device.via_device = roomDeviceId(topics, lamp.roomId);
  return device;
}
