/**
 * The topic names the bridge publishes and listens on, for one topic prefix (P) and discovery
 * prefix (D). Discovery topics and unique ids use the node id, so two installations with
 * different prefixes on one broker never clash.
 */
export interface MqttTopics {
  readonly prefix: string;
  /** '' when discovery is off. */
  readonly discoveryPrefix: string;
  readonly nodeId: string;
  /** `P/status`: the bridge's availability (`online` / `offline`). */
  readonly status: string;
  /** `D/status`: where Home Assistant announces itself. */
  readonly homeAssistantStatus: string;
  roomState(roomId: string): string;
  roomSet(roomId: string): string;
  roomLight(roomId: string): string;
  roomLightSet(roomId: string): string;
  sceneApply(sceneId: string): string;
  lampState(lampId: string): string;
  lampAvailability(lampId: string): string;
  lampReset(lampId: string): string;
  lampFirmware(lampId: string): string;
  lampFirmwareInstall(lampId: string): string;
  /** `D/<component>/N/<object id>/config` */
  discovery(component: DiscoveryComponent, objectId: string): string;
  /** The filters of every command topic, which is all the bridge subscribes to besides `D/status`. */
  readonly commandFilters: readonly string[];
}

export type DiscoveryComponent = 'light' | 'binary_sensor' | 'button' | 'update' | 'scene';

/** The prefix with every character outside `[A-Za-z0-9_-]` replaced by `_`. */
export function nodeIdOf(prefix: string): string {
  return prefix.replace(/[^A-Za-z0-9_-]/g, '_');
}

export function mqttTopics(prefix: string, discoveryPrefix: string): MqttTopics {
  const nodeId = nodeIdOf(prefix);
  return {
    prefix,
    discoveryPrefix,
    nodeId,
    status: `${prefix}/status`,
    homeAssistantStatus: `${discoveryPrefix}/status`,
    roomState: (id) => `${prefix}/room/${id}/state`,
    roomSet: (id) => `${prefix}/room/${id}/set`,
    roomLight: (id) => `${prefix}/room/${id}/light`,
    roomLightSet: (id) => `${prefix}/room/${id}/light/set`,
    sceneApply: (id) => `${prefix}/scene/${id}/apply`,
    lampState: (id) => `${prefix}/lamp/${id}/state`,
    lampAvailability: (id) => `${prefix}/lamp/${id}/availability`,
    lampReset: (id) => `${prefix}/lamp/${id}/reset`,
    lampFirmware: (id) => `${prefix}/lamp/${id}/firmware`,
    lampFirmwareInstall: (id) => `${prefix}/lamp/${id}/firmware/install`,
    discovery: (component, objectId) => `${discoveryPrefix}/${component}/${nodeId}/${objectId}/config`,
    commandFilters: [
      `${prefix}/room/+/set`,
      `${prefix}/room/+/light/set`,
      `${prefix}/scene/+/apply`,
      `${prefix}/lamp/+/reset`,
      `${prefix}/lamp/+/firmware/install`,
    ],
  };
}

/** What an incoming message on a command topic asks for, and of which room, scene or lamp. */
export type CommandTopic =
  | { kind: 'roomSet' | 'roomLightSet'; roomId: string }
  | { kind: 'sceneApply'; sceneId: string }
  | { kind: 'lampReset' | 'lampFirmwareInstall'; lampId: string };

/** Which command a topic is, or null for a topic the bridge does not take commands on. */
export function parseCommandTopic(topics: MqttTopics, topic: string): CommandTopic | null {
  const start = `${topics.prefix}/`;
  if (!topic.startsWith(start)) return null;
  const levels = topic.slice(start.length).split('/');
  const [kind, id, ...rest] = levels;
  if (!id) return null;
  const tail = rest.join('/');
  if (kind === 'room' && tail === 'set') return { kind: 'roomSet', roomId: id };
  if (kind === 'room' && tail === 'light/set') return { kind: 'roomLightSet', roomId: id };
  if (kind === 'scene' && tail === 'apply') return { kind: 'sceneApply', sceneId: id };
  if (kind === 'lamp' && tail === 'reset') return { kind: 'lampReset', lampId: id };
  if (kind === 'lamp' && tail === 'firmware/install') return { kind: 'lampFirmwareInstall', lampId: id };
  return null;
}
