import type { DebugMessage, Device } from '../devices/device-registry.js';
import type { FirmwareAssignment, FirmwareImageRecord, UpdateCheckRecord } from '../store/firmware-store.js';
import type { RegisteredLamp } from '../store/lamp-store.js';
import type { ApiServices } from '../services.js';

interface FirmwareView {
  revision: number;
  images: Map<string, FirmwareImageRecord>;
  assignments: FirmwareAssignment[];
}

/**
 * Lookups of one kind made together: the keys asked for while graphql resolves a list's items
 * (in one pass) are loaded with one call once that pass is over.
 */
class Batch<V> {
  #keys = new Set<string>();
  #loaded: Promise<Map<string, V>> | undefined;

  constructor(private readonly load: (keys: string[]) => Map<string, V>) {}

  async get(key: string): Promise<V | undefined> {
    this.#keys.add(key);
    this.#loaded ??= new Promise<void>((resolve) => process.nextTick(resolve)).then(() => {
      const keys = [...this.#keys];
      this.#keys = new Set();
      this.#loaded = undefined;
      return this.load(keys);
    });
    return (await this.#loaded).get(key);
  }
}

/**
 * What the fields of a list share within one request, so that a list of N items costs one
 * query, not one per item. Each is read on first use; the firmware view is read again when
 * firmware changed since (a mutation earlier in the same request).
 */
export class RequestLoaders {
  #firmware: FirmwareView | undefined;
  #lamps: Map<string, RegisteredLamp> | undefined;
  #onlineLampIds: Set<string> | undefined;
  #devicesByAddress: Map<string, Device> | undefined;
  /** Lookups made together, by kind and how many items per key they want. */
  readonly #checks = new Map<number, Batch<UpdateCheckRecord[]>>();
  readonly #debugLogs = new Map<number, Batch<DebugMessage[]>>();

  constructor(private readonly services: Pick<ApiServices, 'firmware' | 'lamps' | 'devices'>) {}

  image(id: string): FirmwareImageRecord | undefined {
    return this.#firmwareView().images.get(id);
  }

  /** The MACs an image is assigned to, '*' standing for the default. */
  assignedTo(imageId: string): string[] {
    return this.#firmwareView()
      .assignments.filter((a) => a.firmwareId === imageId)
      .map((a) => a.mac ?? '*');
  }

  /** The image a lamp should run: its own assignment, else the default. */
  assignedImage(mac: string): FirmwareImageRecord | undefined {
    const { assignments, images } = this.#firmwareView();
    const assignment = assignments.find((a) => a.mac === mac) ?? assignments.find((a) => a.mac === null);
    return assignment && images.get(assignment.firmwareId);
  }

  /** A lamp's newest `last` update checks; the lamps asked for in one go are looked up together. */
  async checks(mac: string, last: number): Promise<UpdateCheckRecord[]> {
    let batch = this.#checks.get(last);
    if (!batch) {
      batch = new Batch((macs) => this.services.firmware.checks(macs, last));
      this.#checks.set(last, batch);
    }
    return (await batch.get(mac)) ?? [];
  }

  /** The newest `last` lines of a debug log (a registered lamp's, or a connection's: see `debugLogKey`). */
  async debugMessages(logKey: string, last: number): Promise<DebugMessage[]> {
    let batch = this.#debugLogs.get(last);
    if (!batch) {
      batch = new Batch((keys) => this.services.devices.debugLogs(keys, last));
      this.#debugLogs.set(last, batch);
    }
    return (await batch.get(logKey)) ?? [];
  }

  registeredLamp(id: string): RegisteredLamp | undefined {
    this.#lamps ??= new Map(this.services.lamps.list().map((lamp) => [lamp.id, lamp]));
    return this.#lamps.get(id);
  }

  lampOnline(lampId: string): boolean {
    this.#onlineLampIds ??= this.services.lamps.onlineIds();
    return this.#onlineLampIds.has(lampId);
  }

  /** The connection from this address (the longest connected, if several share it). */
  deviceAt(address: string): Device | undefined {
    if (!this.#devicesByAddress) {
      this.#devicesByAddress = new Map();
      for (const device of this.services.devices.list()) {
        if (!this.#devicesByAddress.has(device.remoteAddress)) this.#devicesByAddress.set(device.remoteAddress, device);
      }
    }
    return this.#devicesByAddress.get(address);
  }

  #firmwareView(): FirmwareView {
    const { firmware } = this.services;
    if (this.#firmware?.revision !== firmware.revision) {
      this.#firmware = {
        revision: firmware.revision,
        images: new Map(firmware.images().map((image) => [image.id, image])),
        assignments: firmware.assignments(),
      };
    }
    return this.#firmware;
  }
}
