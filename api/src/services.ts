import type { Logger } from 'pino';
import { Authenticator } from './access/authenticator.js';
import { systemClock, type Clock } from './clock.js';
import { CommandDispatch, type CommandEvents } from './commands/command-dispatch.js';
import { LampCommands } from './commands/lamp-commands.js';
import { PubSub } from './events/pubsub.js';
import { RoomFades } from './fades/room-fades.js';
import { DEFAULT_MAX_FIRMWARE_BYTES, FirmwareLibrary } from './firmware/firmware-library.js';
import { FirmwareManagement } from './firmware/firmware-management.js';
import { FirmwareUpdates, type FirmwareEvents, type FirmwareLimits } from './firmware/firmware-updates.js';
import { LampAdmission } from './lamps/lamp-admission.js';
import { LampConnections, type LampEvents } from './lamps/lamp-connections.js';
import { LampCredentials, resolveDeviceSecret } from './lamps/lamp-credentials.js';
import { LampRecognition } from './lamps/lamp-identity.js';
import { LampRecords } from './lamps/lamp-records.js';
import { MqttBridge, type MqttBridgeEvents } from './mqtt/mqtt-bridge.js';
import type { MqttSettings } from './mqtt/mqtt-settings.js';
import type { BrokerRetryTiming } from './mqtt/broker-connection.js';
import { Lamps } from './lamps/lamps.js';
import { RoomDisplays, type DisplayEvents } from './rooms/room-displays.js';
import { Rooms } from './rooms/rooms.js';
import { ScheduleActions } from './schedules/schedule-actions.js';
import { Schedules, type ScheduleEvents } from './schedules/schedules.js';
import { FavoriteColors, type FavoriteColorEvents } from './scenes/favorite-colors.js';
import { Scenes, type SceneEvents } from './scenes/scenes.js';
import { CredentialStore } from './store/credential-store.js';
import { FadeStore } from './store/fade-store.js';
import type { SqliteDatabase } from './store/database.js';
import { durabilityOf, type Durability, type SyncFile } from './store/durability.js';
import { FavoriteColorStore } from './store/favorite-color-store.js';
import { FirmwareStore } from './store/firmware-store.js';
import { LampStore } from './store/lamp-store.js';
import { RoomStore } from './store/room-store.js';
import { ScheduleStore } from './store/schedule-store.js';
import { SceneStore } from './store/scene-store.js';
import { SqliteStateStore } from './store/sqlite-state-store.js';
import { WeatherService, type WeatherEvents } from './weather/weather-service.js';
import type { WeatherSettings } from './weather/weather-settings.js';
import { weatherPlace } from './schedules/weather-place.js';

export interface ServiceOptions {
  /** The open, migrated database (see `openDatabase`). */
  database: SqliteDatabase;
  /** Where firmware images are kept (by content hash). */
  firmwareDirectory: string;
  /** Largest firmware image accepted. Default 4 MiB. */
  maxFirmwareBytes?: number;
  /** Limits on the lamps' update endpoint (checks per address, credential attempts, records kept). */
  firmwareLimits?: Partial<FirmwareLimits>;
  logger: Logger;
  /** The bearer token device adapters authenticate with. */
  adapterToken: string;
  /** The shared lamp secret (CC_DEVICE_SECRET); stored or generated when omitted. */
  deviceSecret?: string | undefined;
  /** An extra admin API token (CC_API_TOKEN). */
  apiToken?: string | undefined;
  clock?: Clock;
  /** How long `sendCommand` waits for adapters to confirm delivery. Default 3000 ms. */
  commandConfirmTimeoutMs?: number;
  /** Events a subscriber may leave unread before its stream is ended. Default 1000. */
  maxSubscriberBacklog?: number;
  /** Weather settings from the environment; changes made through the API override them. */
  weather?: Partial<WeatherSettings>;
  /** MQTT bridge settings from the environment; changes made through the API override them. */
  mqtt?: Partial<MqttSettings>;
  /** MQTT bridge timing, for tests: reconnection backoff, connect timeout, firmware assignment polling. */
  mqttTiming?: Partial<BrokerRetryTiming> & { firmwarePollMs?: number };
  /** Weather timing, for tests: first retry delay, display recompute period, fetch timeout. */
  weatherTiming?: { retryBaseMs?: number; recomputeEveryMs?: number; timeoutMs?: number };
  /** How the write-ahead log is synced to disk, for tests; `fdatasync` on libuv's thread pool by default. */
  syncFile?: SyncFile;
}

/**
 * The API's domain services, built once and shared by every request. Each is what one part of
 * the domain offers callers (resolvers, HTTP routes); their stores stay inside them.
 */
export interface ApiServices {
  /** Rooms: create, rename, reorder, delete. */
  rooms: Rooms;
  /** Each room's display state, and the frames adapters follow. */
  roomDisplays: RoomDisplays;
  /** Fades, wake-up lights and sleep timers running in rooms (started on `start`, stopped on `stop`). */
  fades: RoomFades;
  /** Saved looks of rooms, applied with one call. */
  scenes: Scenes;
  /** The colours offered for one-tap picking. */
  favoriteColors: FavoriteColors;
  /** Lamps as people manage them, and the shared device secret. */
  lamps: Lamps;
  /** Which lamps are online, on which connection, as adapters report them. */
  lampConnections: LampConnections;
  /** Adapters' reports of lamps connecting: which lamp each is, if its secret lets it in. */
  admission: LampAdmission;
  commands: LampCommands;
  authenticator: Authenticator;
  weather: WeatherService;
  /** Images, assignments, roll-outs and lamps' update records, as an admin manages them. */
  firmware: FirmwareManagement;
  /** The lamps' side of firmware: answering update checks. */
  firmwareUpdates: FirmwareUpdates;
  /** Firmware image files, for downloads. */
  firmwareLibrary: FirmwareLibrary;
  /** Schedules, their runs, and the home's time zone they run in. */
  schedules: Schedules;
  /** The bridge to an MQTT broker: Home Assistant discovery and plain topics (off unless configured). */
  mqtt: MqttBridge;
  /** What every mutation awaits before it answers: its changes synced to disk. */
  durability: Durability;
}

type Events = DisplayEvents &
  LampEvents &
  CommandEvents &
  WeatherEvents &
  FirmwareEvents &
  SceneEvents &
  FavoriteColorEvents &
  ScheduleEvents &
  MqttBridgeEvents;

/** Builds the domain services on one database, with the pub/sub they publish changes through. */
export function buildServices(options: ServiceOptions): { services: ApiServices; pubsub: PubSub<Events> } {
  const clock = options.clock ?? systemClock;
  const pubsub = new PubSub<Events>(options.maxSubscriberBacklog);
  // Before any store: it sees every statement they prepare.
  const durability = durabilityOf(options.database, options.logger, options.syncFile);
  const state = new SqliteStateStore(options.database);
  const roomStore = new RoomStore(options.database);
  const firmwareStore = new FirmwareStore(options.database);

  const storedRooms = roomStore.list();
  const roomDisplays = new RoomDisplays(storedRooms, roomStore, state, pubsub, clock, durability);
  const fades = new RoomFades(roomDisplays, new FadeStore(options.database), clock, options.logger);
  const records = new LampRecords(new LampStore(options.database));
  const dispatch = new CommandDispatch(pubsub, clock, options.commandConfirmTimeoutMs);
  const lampConnections = new LampConnections(records, dispatch, pubsub, clock);
  const credentials = new LampCredentials(resolveDeviceSecret(state, options.deviceSecret), state);
  const rooms = new Rooms(storedRooms, roomStore, roomDisplays, records, lampConnections, dispatch, pubsub, clock);
  const lamps = new Lamps(records, lampConnections, rooms, credentials, dispatch, clock, options.logger);
  const firmwareLibrary = new FirmwareLibrary(
    firmwareStore,
    options.firmwareDirectory,
    clock,
    options.maxFirmwareBytes ?? DEFAULT_MAX_FIRMWARE_BYTES,
  );
  const firmwareUpdates = new FirmwareUpdates(firmwareStore, firmwareLibrary, lamps, pubsub, clock, options.firmwareLimits);
  const commands = new LampCommands(dispatch, lampConnections, records, rooms, state, clock);

  const weather = new WeatherService({
    store: state,
    display: roomDisplays,
    pubsub,
    clock,
    logger: options.logger,
    defaults: options.weather ?? {},
    ...options.weatherTiming,
  });
  const scenes = new Scenes(new SceneStore(options.database), rooms, roomDisplays, pubsub, clock);
  const schedules = new Schedules({
    store: new ScheduleStore(options.database),
    actions: new ScheduleActions({ roomDisplays, rooms, commands, fades, scenes }),
    names: { room: (roomId) => rooms.find(roomId)?.name, scene: (sceneId) => scenes.find(sceneId)?.name },
    pubsub,
    clock,
    logger: options.logger,
    place: () => weatherPlace(weather.snapshot()),
  });

  const firmware = new FirmwareManagement(firmwareStore, firmwareLibrary, firmwareUpdates, lamps, commands, clock, pubsub);
  const { firmwarePollMs, ...mqttTiming } = options.mqttTiming ?? {};
  const mqtt = new MqttBridge({
    store: state,
    defaults: options.mqtt ?? {},
    pubsub,
    clock,
    logger: options.logger,
    domain: { rooms, roomDisplays, lamps, scenes, firmware, commands },
    timing: mqttTiming,
    ...(firmwarePollMs !== undefined && { firmwarePollMs }),
  });

  const services: ApiServices = {
    rooms,
    roomDisplays,
    fades,
    scenes,
    favoriteColors: new FavoriteColors(new FavoriteColorStore(options.database), pubsub),
    lamps,
    lampConnections,
    admission: new LampAdmission(new LampRecognition(credentials, records, lampConnections, clock), records, lampConnections, roomDisplays),
    commands,
    authenticator: new Authenticator(new CredentialStore(options.database), state, {
      adapterToken: options.adapterToken,
      configuredAdminToken: options.apiToken,
      clock,
    }),
    weather,
    firmware,
    firmwareUpdates,
    firmwareLibrary,
    schedules,
    mqtt,
    durability,
  };
  return { services, pubsub };
}
