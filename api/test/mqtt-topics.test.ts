import { describe, expect, it } from 'vitest';
import { retryDelayMs } from '../src/mqtt/broker-connection.js';
import { mqttTopics, nodeIdOf, parseCommandTopic } from '../src/mqtt/mqtt-topics.js';

describe('topics', () => {
  const topics = mqttTopics('home/clouds', 'homeassistant');

  it('makes the node id from the prefix, so installations with different prefixes never clash', () => {
    expect(nodeIdOf('cloud-cloud')).toBe('cloud-cloud');
    expect(nodeIdOf('home/clouds.2 é')).toBe('home_clouds_2__');
    expect(topics.nodeId).toBe('home_clouds');
  });

  it('names the plain and discovery topics', () => {
    expect(topics.status).toBe('home/clouds/status');
    expect(topics.homeAssistantStatus).toBe('homeassistant/status');
    expect(topics.roomState('r1')).toBe('home/clouds/room/r1/state');
    expect(topics.roomLightSet('r1')).toBe('home/clouds/room/r1/light/set');
    expect(topics.lampFirmwareInstall('l1')).toBe('home/clouds/lamp/l1/firmware/install');
    expect(topics.discovery('light', 'room_r1')).toBe('homeassistant/light/home_clouds/room_r1/config');
  });

  it('subscribes to command topics only, never to its own state topics', () => {
    expect(topics.commandFilters).toEqual([
      'home/clouds/room/+/set',
      'home/clouds/room/+/light/set',
      'home/clouds/scene/+/apply',
      'home/clouds/lamp/+/reset',
      'home/clouds/lamp/+/firmware/install',
    ]);
  });

  it('tells which command a topic is', () => {
    expect(parseCommandTopic(topics, 'home/clouds/room/r1/set')).toEqual({ kind: 'roomSet', roomId: 'r1' });
    expect(parseCommandTopic(topics, 'home/clouds/room/r1/light/set')).toEqual({ kind: 'roomLightSet', roomId: 'r1' });
    expect(parseCommandTopic(topics, 'home/clouds/scene/s1/apply')).toEqual({ kind: 'sceneApply', sceneId: 's1' });
    expect(parseCommandTopic(topics, 'home/clouds/lamp/l1/reset')).toEqual({ kind: 'lampReset', lampId: 'l1' });
    expect(parseCommandTopic(topics, 'home/clouds/lamp/l1/firmware/install')).toEqual({ kind: 'lampFirmwareInstall', lampId: 'l1' });
    for (const other of ['home/clouds/room/r1/state', 'home/clouds/room//set', 'other/room/r1/set', 'home/clouds/lamp/l1/firmware']) {
      expect(parseCommandTopic(topics, other)).toBeNull();
    }
  });
});

describe('reconnection delay', () => {
  const timing = { firstRetryMs: 1000, maxRetryMs: 60_000, connectTimeoutMs: 10_000 };

  it('starts at the first delay after a lost connection and doubles with each failed attempt up to the most', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 20].map((failed) => retryDelayMs(timing, failed))).toEqual([
      1000, 1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000,
    ]);
  });
});
