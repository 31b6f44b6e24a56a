import type { Logger } from 'pino';
import type { Authenticator } from './access/authenticator.js';
import type { Access, Principal } from './access/principal.js';
import type { Clock } from './clock.js';
import type { CommandDispatch } from './commands/command-dispatch.js';
import type { DeviceRegistry } from './devices/device-registry.js';
import type { LampCredentials } from './devices/lamp-credentials.js';
import type { DisplayControl } from './display/display-control.js';
import type { LampStore } from './store/lamp-store.js';
import type { StateStore } from './store/state-store.js';
import type { WeatherService } from './weather/weather-service.js';
import type { FirmwareLibrary } from './firmware/firmware-library.js';
import type { FirmwareUpdates } from './firmware/firmware-updates.js';
import type { FirmwareStore } from './store/firmware-store.js';

/** The API's parts, built once and shared by every request. */
export interface ApiServices {
  display: DisplayControl;
  devices: DeviceRegistry;
  commands: CommandDispatch;
  lampCredentials: LampCredentials;
  lamps: LampStore;
  authenticator: Authenticator;
  weather: WeatherService;
  firmware: { store: FirmwareStore; library: FirmwareLibrary; updates: FirmwareUpdates };
  store: StateStore;
  clock: Clock;
  logger: Logger;
}

/** Where a request came from, as far as the API can tell (see `trustProxy`). */
export interface RequestOrigin {
  remoteAddress: string;
  /** Reached over HTTPS (through a trusted proxy): cookies get `Secure`. */
  secure: boolean;
}

export interface ApiContext {
  services: ApiServices;
  /** What carries the operation: HTTP (including server-sent events) or a graphql-ws connection. */
  transport: 'http' | 'graphql-ws';
  principal: Principal;
  access: Access;
  /** Set when the operation came over an adapter's graphql-ws link. */
  adapterId: string | null;
  origin: RequestOrigin;
  /** `Set-Cookie` values for the HTTP response; null over graphql-ws, where none can be set. */
  responseCookies: string[] | null;
  /**
   * Set for subscriptions: aborts when the stream must end (credentials revoked, client gone).
   * Subscription resolvers pass it to the event source so that it stops listening at once.
   */
  signal?: AbortSignal;
}
