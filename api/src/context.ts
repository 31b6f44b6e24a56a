import type { Logger } from 'pino';
import type { Access, Principal } from './access/principal.js';
import type { Clock } from './clock.js';
import type { CommandDispatch } from './commands/command-dispatch.js';
import type { DeviceRegistry } from './devices/device-registry.js';
import type { LampCredentials } from './devices/lamp-credentials.js';
import type { DisplayControl } from './display/display-control.js';
import type { StateStore } from './store/state-store.js';

/** The API's parts, built once and shared by every request. */
export interface ApiServices {
  display: DisplayControl;
  devices: DeviceRegistry;
  commands: CommandDispatch;
  lampCredentials: LampCredentials;
  store: StateStore;
  clock: Clock;
  logger: Logger;
}

export interface ApiContext {
  services: ApiServices;
  principal: Principal;
  access: Access;
  /** Set when the operation came over an adapter's graphql-ws link. */
  adapterId: string | null;
}
