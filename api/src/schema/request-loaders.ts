import type { DebugMessage, LampView } from '../lamps/lamp-connections.js';
import type { FirmwareAssignment, FirmwareImageRecord, LampFirmwareRecord, UpdateCheckRecord } from '../store/firmware-store.js';
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
  #lampsByMac: Map<string, LampView> | undefined;
  /** Lookups made together, by kind and how many items per key they want. */
  readonly #checks = new Map<number, Batch<UpdateCheckRecord[]>>();
  readonly #debugLogs = new Map<number, Batch<DebugMessage[]>>();
  readonly #lampFirmware = new Batch<LampFirmwareRecord>((macs) => this.services.firmware.lampsByMac(macs));

  constructor(private readonly services: Pick<ApiServices, 'firmware' | 'lamps'>) {}

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

  /** A lamp's newest `last` debug lines, oldest first; the lamps asked for in one go are looked up together. */
  async debugMessages(lampId: string, last: number): Promise<DebugMessage[]> {
    let batch = this.#debugLogs.get(last);
    if (!batch) {
      batch = new Batch((ids) => this.services.lamps.recentDebugMessagesOf(ids, last));
      this.#debugLogs.set(last, batch);
    }
    return (await batch.get(lampId)) ?? [];
  }

  /** The lamp with this MAC. */
  lampWithMac(mac: string): LampView | undefined {
    this.#lampsByMac ??= new Map(this.services.lamps.list().flatMap((lamp) => (lamp.mac ? [[lamp.mac, lamp] as const] : [])));
    return this.#lampsByMac.get(mac);
  }

  /** The update record of the lamp with this MAC; the records asked for in one go are looked up together. */
  lampFirmware(mac: string): Promise<LampFirmwareRecord | undefined> {
    return this.#lampFirmware.get(mac);
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
