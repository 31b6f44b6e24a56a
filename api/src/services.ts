import type { Logger } from 'pino';
import { Authenticator } from './access/authenticator.js';
import { systemClock, type Clock } from './clock.js';
import { CommandDispatch, type CommandEvents } from './commands/command-dispatch.js';
import { LampCommands } from './commands/lamp-commands.js';
import { DeviceRegistry, type DeviceEvents } from './devices/device-registry.js';
import { LampAdmission } from './devices/lamp-admission.js';
import { LampCredentials, resolveDeviceSecret } from './devices/lamp-credentials.js';
import { RegisteredLamps } from './devices/registered-lamps.js';
import { DisplayControl, type DisplayEvents } from './display/display-control.js';
import { PubSub } from './events/pubsub.js';
import { DEFAULT_MAX_FIRMWARE_BYTES, FirmwareLibrary } from './firmware/firmware-library.js';
import { FirmwareManagement } from './firmware/firmware-management.js';
import { FirmwareUpdates, type FirmwareEvents, type FirmwareLimits } from './firmware/firmware-updates.js';
import { CredentialStore } from './store/credential-store.js';
import type { SqliteDatabase } from './store/database.js';
import { FirmwareStore } from './store/firmware-store.js';
import { LampStore } from './store/lamp-store.js';
import { SqliteStateStore } from './store/sqlite-state-store.js';
import { WeatherService, type WeatherEvents } from './weather/weather-service.js';
import type { WeatherSettings } from './weather/weather-settings.js';

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
  /** Weather timing, for tests: first retry delay, display recompute period, fetch timeout. */
  weatherTiming?: { retryBaseMs?: number; recomputeEveryMs?: number; timeoutMs?: number };
}

/**
 * The API's domain services, built once and shared by every request. Each is what one part of
 * the domain offers callers (resolvers, HTTP routes); their stores stay inside them.
 */
export interface ApiServices {
  display: DisplayControl;
  /** Lamp connections as adapters report them. */
  devices: DeviceRegistry;
  /** Adapters' reports of lamps connecting, checked against the lamps' secrets. */
  admission: LampAdmission;
  commands: LampCommands;
  /** Registered lamps and the shared device secret. */
  lamps: RegisteredLamps;
  authenticator: Authenticator;
  weather: WeatherService;
  /** Images, assignments, roll-outs and lamps' update records, as an admin manages them. */
  firmware: FirmwareManagement;
  /** The lamps' side of firmware: answering update checks. */
  firmwareUpdates: FirmwareUpdates;
  /** Firmware image files, for downloads. */
  firmwareLibrary: FirmwareLibrary;
}

type Events = DisplayEvents & DeviceEvents & CommandEvents & WeatherEvents & FirmwareEvents;

/** Builds the domain services on one database, with the pub/sub they publish changes through. */
export function buildServices(options: ServiceOptions): { services: ApiServices; pubsub: PubSub<Events> } {
  const clock = options.clock ?? systemClock;
  const pubsub = new PubSub<Events>(options.maxSubscriberBacklog);
  const state = new SqliteStateStore(options.database);
  const lampStore = new LampStore(options.database);
  const firmwareStore = new FirmwareStore(options.database);

  const display = new DisplayControl(state, pubsub, clock);
  const devices = new DeviceRegistry(pubsub, lampStore, clock);
  const dispatch = new CommandDispatch(pubsub, clock, options.commandConfirmTimeoutMs);
  const credentials = new LampCredentials(resolveDeviceSecret(state, options.deviceSecret), lampStore, clock, state);
  const firmwareLibrary = new FirmwareLibrary(
    firmwareStore,
    options.firmwareDirectory,
    clock,
    options.maxFirmwareBytes ?? DEFAULT_MAX_FIRMWARE_BYTES,
  );
  const firmwareUpdates = new FirmwareUpdates(firmwareStore, firmwareLibrary, pubsub, clock, options.firmwareLimits);

  const services: ApiServices = {
    display,
    devices,
    admission: new LampAdmission(credentials, devices),
    commands: new LampCommands(dispatch, devices, state),
    lamps: new RegisteredLamps(credentials, lampStore, devices, dispatch, options.logger),
    authenticator: new Authenticator(new CredentialStore(options.database), state, {
      adapterToken: options.adapterToken,
      configuredAdminToken: options.apiToken,
      clock,
    }),
    weather: new WeatherService({
      store: state,
      display,
      pubsub,
      clock,
      logger: options.logger,
      defaults: options.weather ?? {},
      ...options.weatherTiming,
    }),
    firmware: new FirmwareManagement(firmwareStore, firmwareLibrary, firmwareUpdates, devices, dispatch, clock),
    firmwareUpdates,
    firmwareLibrary,
  };
  return { services, pubsub };
}
