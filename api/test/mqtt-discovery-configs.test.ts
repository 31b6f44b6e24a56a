import { describe, expect, it } from 'vitest';
import { lampConfigs, lampConfigTopics, roomLightConfig, sceneConfig, type DiscoveryOrigin } from '../src/mqtt/discovery-configs.js';
import { mqttTopics } from '../src/mqtt/mqtt-topics.js';

const topics = mqttTopics('cloud-cloud', 'homeassistant');
const origin: DiscoveryOrigin = { name: 'cloud-cloud', sw_version: '1.2.3' };

describe('room light config', () => {
  it('is a JSON-schema RGB light named after its room device, with the effects', () => {
    const { topic, config } = roomLightConfig(topics, origin, { id: 'room-a', name: 'Living room' });
    expect(topic).toBe('homeassistant/light/cloud-cloud/room_room-a/config');
    expect(config).toEqual({
      schema: 'json',
      unique_id: 'cloud-cloud_room_room-a',
      name: null,
      device: { identifiers: ['cloud-cloud_room_room-a'], name: 'Living room', manufacturer: 'cloud-cloud', model: 'Room' },
      origin,
      availability: [{ topic: 'cloud-cloud/status' }],
      state_topic: 'cloud-cloud/room/room-a/light',
      command_topic: 'cloud-cloud/room/room-a/light/set',
      supported_color_modes: ['rgb'],
      brightness: true,
      brightness_scale: 255,
      effect: true,
      effect_list: ['Steady', 'Pulse 1', 'Pulse 2', 'Pulse 3', 'Pulse 4', 'Pulse 5', 'Pulse 6', 'Pulse 7', 'Pulse 8', 'Pulse 9', 'Weather'],
    });
  });

  it('uses the node id in unique ids and topics', () => {
    const other = roomLightConfig(mqttTopics('flat/2', 'ha'), origin, { id: 'home', name: 'Home' });
    expect(other.topic).toBe('ha/light/flat_2/room_home/config');
    expect(other.config.unique_id).toBe('flat_2_room_home');
    expect(other.config.state_topic).toBe('flat/2/room/home/light');
  });
});

describe('lamp configs', () => {
  const lamp = { id: 'lamp-1', name: 'Desk', roomId: 'room-a', mac: '5C:CF:7F:12:34:56', installedVersion: '1.4.0' };

  it('are a connectivity sensor, a reset button and an update entity on the lamp device', () => {
    const [online, reset, firmware, ...more] = lampConfigs(topics, origin, lamp, 'Living room');
    expect(more).toEqual([]);
    const device = {
      identifiers: ['cloud-cloud_lamp_lamp-1'],
      connections: [['mac', '5C:CF:7F:12:34:56']],
      name: 'Desk',
      manufacturer: 'cloud-cloud',
      model: 'Cloud lamp',
      sw_version: '1.4.0',
      suggested_area: 'Living room',
      via_device: 'cloud-cloud_room_room-a',
    };
    const both = [{ topic: 'cloud-cloud/status' }, { topic: 'cloud-cloud/lamp/lamp-1/availability' }];
    expect(online).toEqual({
      topic: 'homeassistant/binary_sensor/cloud-cloud/lamp_lamp-1_online/config',
      config: {
        unique_id: 'cloud-cloud_lamp_lamp-1_online',
        device,
        origin,
        name: 'Connection',
        device_class: 'connectivity',
        entity_category: 'diagnostic',
        state_topic: 'cloud-cloud/lamp/lamp-1/state',
        value_template: "{{ 'ON' if value_json.online else 'OFF' }}",
        availability: [{ topic: 'cloud-cloud/status' }],
      },
    });
    expect(reset!.topic).toBe('homeassistant/button/cloud-cloud/lamp_lamp-1_reset/config');
    expect(reset!.config).toMatchObject({
      unique_id: 'cloud-cloud_lamp_lamp-1_reset',
      name: 'Reset',
      device_class: 'restart',
      entity_category: 'config',
      command_topic: 'cloud-cloud/lamp/lamp-1/reset',
      payload_press: 'PRESS',
      availability: both,
      availability_mode: 'all',
    });
    expect(firmware!.topic).toBe('homeassistant/update/cloud-cloud/lamp_lamp-1_firmware/config');
    expect(firmware!.config).toMatchObject({
      unique_id: 'cloud-cloud_lamp_lamp-1_firmware',
      name: 'Firmware',
      device_class: 'firmware',
      state_topic: 'cloud-cloud/lamp/lamp-1/firmware',
      command_topic: 'cloud-cloud/lamp/lamp-1/firmware/install',
      payload_install: 'install',
      availability: both,
      availability_mode: 'all',
    });
  });

  it('give a lamp without a MAC no update entity and no connections', () => {
    const configs = lampConfigs(topics, origin, { ...lamp, mac: null, installedVersion: null }, 'Home');
    expect(configs.map((c) => c.topic.split('/')[1])).toEqual(['binary_sensor', 'button']);
    expect(configs[0]!.config.device).not.toHaveProperty('connections');
    expect(configs[0]!.config.device).not.toHaveProperty('sw_version');
  });

  it('keep an update entity, but no MAC connection, for a lamp known by its chip id', () => {
    const configs = lampConfigs(topics, origin, { ...lamp, mac: 'ESP8266-00a1b2' }, 'Home');
    expect(configs).toHaveLength(3);
    expect(configs[0]!.config.device).not.toHaveProperty('connections');
  });

  it('lists every config topic a lamp may have, for its removal', () => {
    expect(lampConfigTopics(topics, 'lamp-1')).toEqual(lampConfigs(topics, origin, lamp, 'x').map((c) => c.topic));
  });
});

describe('scene config', () => {
  it('is a scene on the hub device', () => {
    expect(sceneConfig(topics, origin, { id: 'scene-1', name: 'Evening' })).toEqual({
      topic: 'homeassistant/scene/cloud-cloud/scene_scene-1/config',
      config: {
        unique_id: 'cloud-cloud_scene_scene-1',
        name: 'Evening',
        device: { identifiers: ['cloud-cloud_hub'], name: 'cloud-cloud', manufacturer: 'cloud-cloud', model: 'Home' },
        origin,
        availability: [{ topic: 'cloud-cloud/status' }],
        command_topic: 'cloud-cloud/scene/scene-1/apply',
        payload_on: 'ON',
      },
    });
  });
});
