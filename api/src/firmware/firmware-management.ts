import type { Clock } from '../clock.js';
import type { LampCommands } from '../commands/lamp-commands.js';
import type { Lamps } from '../lamps/lamps.js';
import { InvalidInput } from '../invalid-input.js';
import type {
  FirmwareAssignment,
  FirmwareImageRecord,
  FirmwareStore,
  LampFirmwareRecord,
  UpdateCheckRecord,
} from '../store/firmware-store.js';
import type { FirmwareLibrary, UploadRequest } from './firmware-library.js';
import type { PubSub } from '../events/pubsub.js';
import type { FirmwareCheckEvent, FirmwareEvents, FirmwareUpdates } from './firmware-updates.js';

/** What a roll-out did: the image, whom it was assigned to (null: the default), the lamps told to update. */
export interface FirmwareRollout {
  firmware: FirmwareImageRecord;
  macs: string[] | null;
  lampIds: string[];
}

export type LampFamily = LampFirmwareRecord['family'];

/**
 * What an admin does with firmware: the images, which lamp gets which, roll-outs, and the
 * lamps' update records. Lamps are known here by their MAC (`macs` null stands for the default
 * every lamp without an assignment of its own gets); the update endpoint's side is
 * `FirmwareUpdates`.
 */
export class FirmwareManagement {
  #revision = 0;

  constructor(
    private readonly store: FirmwareStore,
    private readonly library: FirmwareLibrary,
    private readonly updates: FirmwareUpdates,
    private readonly lampDirectory: Lamps,
    private readonly commands: LampCommands,
    private readonly clock: Clock,
    private readonly pubsub: PubSub<FirmwareEvents>,
  ) {}

  /** Increases with every change to images or assignments, so that a reader can tell its copy is stale. */
  get revision(): number {
    return this.#revision;
  }

  /** The largest image accepted, in bytes. */
  get maxBytes(): number {
    return this.library.maxBytes;
  }

  /** Newest first. */
  images(): FirmwareImageRecord[] {
    return this.store.images();
  }

  image(id: string): FirmwareImageRecord | undefined {
    return this.store.image(id);
  }

  /** By MAC; the default (`mac` null) first. */
  assignments(): FirmwareAssignment[] {
    return this.store.assignments();
  }

  /** The image a lamp should run: its own assignment, else the default. */
  assignedImage(mac: string): FirmwareImageRecord | undefined {
    return this.store.assignedTo(mac);
  }

  /** The image assigned to every lamp without an assignment of its own. */
  defaultImage(): FirmwareImageRecord | undefined {
    return this.store.assignedTo('*');
  }

  lamp(mac: string): LampFirmwareRecord | undefined {
    return this.store.lamp(mac);
  }

  /** Lamp records by MAC, `first` of them after the MAC `after`. */
  lamps(page: { first: number; after: string | null }): LampFirmwareRecord[] {
    return this.store.lamps(page);
  }

  /** The records of these lamps, by MAC. */
  lampsByMac(macs: readonly string[]): Map<string, LampFirmwareRecord> {
    return this.store.lampsByMac(macs);
  }

  /** Up to `limit` of a lamp's update checks older than the check `beforeId` (null: the newest), newest first. */
  checkPage(mac: string, limit: number, beforeId: number | null): UpdateCheckRecord[] {
    return this.store.checkPage(mac, limit, beforeId);
  }

  lampCount(): number {
    return this.store.lampCount();
  }

  /** The newest `last` update checks of each of these lamps, newest first. */
  checks(macs: readonly string[], last: number): Map<string, UpdateCheckRecord[]> {
    return this.store.checksOf(macs, last);
  }

  upload(upload: UploadRequest): FirmwareImageRecord {
    const image = this.library.add(upload);
    this.#changed();
    return image;
  }

  delete(id: string): FirmwareImageRecord {
    const image = this.library.delete(id);
    this.#changed();
    return image;
  }

  assign(firmwareId: string, macs: string[] | null): FirmwareImageRecord {
    const image = this.#requireImage(firmwareId);
    this.store.assign(image.id, macs, this.clock.now());
    this.#changed();
    return image;
  }

  unassign(macs: string[] | null): void {
    this.store.unassign(macs);
    this.#changed();
  }

  /**
   * Assigns an image and tells the lamps concerned to update (`[cc:u:?:?]`): every connected
   * lamp for the default, else the lamps with these MACs that are online. A MAC no lamp has yet
   * is linked as an update check would be: to the one online lamp without a MAC at the address
   * of that MAC's last check, if there is exactly one.
   */
  async rollOut(firmwareId: string, macs: string[] | null): Promise<FirmwareRollout> {
    const firmware = this.assign(firmwareId, macs);
    if (macs === null) return { firmware, macs, lampIds: (await this.commands.send('update')).lampIds };
    const targets = macs.flatMap((mac) => {
      const lastAddress = this.store.lamp(mac)?.lastAddress;
      const lamp = this.lampDirectory.byMac(mac) ?? (lastAddress ? this.lampDirectory.linkUpdateCheck(mac, lastAddress, null) : undefined);
      return lamp?.online ? [lamp.id] : [];
    });
    if (targets.length === 0) return { firmware, macs, lampIds: [] };
    return { firmware, macs, lampIds: (await this.commands.send('update', { lampIds: targets })).lampIds };
  }

  /**
   * Requires HTTP Basic credentials on this lamp's update checks, or (null) stops requiring
   * them. A lamp that has not checked yet gets a record, its family guessed from its MAC.
   */
  async setLampCredentials(mac: string, credentials: { username: string; password: string } | null): Promise<LampFirmwareRecord> {
    await this.updates.setCredentials(mac, this.store.lamp(mac)?.family ?? familyOfLampId(mac), credentials);
    return this.store.lamp(mac)!;
  }

  /** Every update check from now on. */
  checkEvents(signal?: AbortSignal): AsyncIterableIterator<FirmwareCheckEvent> {
    return this.updates.events(signal);
  }

  #changed(): void {
    this.#revision++;
    this.pubsub.publish('firmwareLibrary', null);
  }

  #requireImage(id: string): FirmwareImageRecord {
    const image = this.store.image(id);
    if (!image) throw new InvalidInput('firmwareId', `no firmware image with id ${id}`);
    return image;
  }
}

/**
 * The chip family of a lamp known only by its id: the ESP8266 core names lamps that send no MAC
 * `ESP8266-<chip id>`; every other id is a MAC, which ESP32 lamps always send.
 */
export function familyOfLampId(lampId: string): LampFamily {
  return lampId.startsWith('ESP8266-') ? 'ESP8266' : 'ESP32';
}
