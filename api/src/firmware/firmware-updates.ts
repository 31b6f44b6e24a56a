import type { Clock } from '../clock.js';
import type { PubSub } from '../events/pubsub.js';
import { hashPassword, verifyPassword } from '../access/secret.js';
import type {
  CheckOutcome, FirmwareImageRecord, FirmwareStore, LampFirmwareRecord, UpdateCheckRecord, UpdateState,
} from '../store/firmware-store.js';
import { compareFirmwareVersions } from './firmware-version.js';
import type { UpdateRequest } from './update-request.js';

/** What to answer an update check. */
export type UpdateAnswer =
  | { status: 200; image: FirmwareImageRecord }
  | { status: 304 }
  | { status: 401 };

export interface FirmwareCheckEvent {
  lamp: LampFirmwareRecord;
  check: UpdateCheckRecord;
}

export type FirmwareEvents = { firmwareCheck: FirmwareCheckEvent };

/**
 * Answers lamps' update checks and keeps the record a person can trust: every check with what
 * the lamp reported and what it was told, and whether a lamp that was sent an image came back
 * running it.
 */
export class FirmwareUpdates {
  constructor(
    private readonly store: FirmwareStore,
    private readonly pubsub: PubSub<FirmwareEvents>,
    private readonly clock: Clock,
  ) {}

  async answer(request: UpdateRequest, address: string): Promise<UpdateAnswer> {
    const now = this.clock.now();
    const previous = this.store.lamp(request.lampId);
    if (previous?.passwordHash && !(await this.#authorized(request.authorization, previous))) {
      this.#record(previous, { outcome: 'UNAUTHORIZED', detail: 'wrong or missing update credentials', firmwareId: null }, request, now);
      return { status: 401 };
    }

    const lamp: LampFirmwareRecord = {
      mac: request.lampId,
      family: request.family,
      runningVersion: request.version ?? previous?.runningVersion ?? null,
      sketchMd5: request.sketchMd5,
      sdkVersion: request.sdkVersion,
      lastCheckAt: now,
      lastAddress: address,
      state: previous?.state ?? 'NOTHING_ASSIGNED',
      pendingFirmwareId: previous?.pendingFirmwareId ?? null,
      username: previous?.username ?? null,
      passwordHash: previous?.passwordHash ?? null,
    };

    // Did the image sent last time take?
    let confirmed: UpdateState | null = null;
    const pending = lamp.pendingFirmwareId ? this.store.image(lamp.pendingFirmwareId) : undefined;
    if (pending) {
      confirmed = this.#runs(request, pending) ? 'UPDATED' : 'UPDATE_FAILED';
      lamp.pendingFirmwareId = null;
    }

    const decision = this.#decide(request, this.store.assignedTo(request.lampId));
    if (decision.outcome === 'SENT') {
      lamp.state = 'UPDATE_SENT';
      lamp.pendingFirmwareId = decision.image.id;
    } else {
      lamp.state = confirmed ?? stateAfter(decision.outcome);
    }
    const detail =
      confirmed === 'UPDATED'
        ? `now runs ${pending!.version}, as sent; ${decision.detail}`
        : confirmed === 'UPDATE_FAILED'
          ? `was sent ${pending!.version} but came back running ${request.version ?? 'an unknown version'}; ${decision.detail}`
          : decision.detail;
    this.#record(lamp, { outcome: decision.outcome, detail, firmwareId: decision.image?.id ?? null }, request, now);
    return decision.outcome === 'SENT' ? { status: 200, image: decision.image } : { status: 304 };
  }

  /** Requires HTTP Basic credentials from this lamp's update checks, or (null) stops requiring them. */
  async setCredentials(mac: string, family: 'ESP8266' | 'ESP32', credentials: { username: string; password: string } | null): Promise<void> {
    const stored = credentials ? { username: credentials.username, passwordHash: await hashPassword(credentials.password) } : null;
    this.store.setCredentials(mac, family, stored, this.clock.now());
  }

  /** Every check from now on. */
  events(signal?: AbortSignal): AsyncIterableIterator<FirmwareCheckEvent> {
    return this.pubsub.subscribe('firmwareCheck', signal);
  }

  #decide(
    request: UpdateRequest,
    image: FirmwareImageRecord | undefined,
  ): { outcome: 'SENT'; image: FirmwareImageRecord; detail: string } | { outcome: Exclude<CheckOutcome, 'SENT'>; image: FirmwareImageRecord | null; detail: string } {
    if (request.mode !== 'sketch') {
      return { outcome: 'REFUSED', image: null, detail: `asked for a ${request.mode} image; only sketch (application) images are served` };
    }
    if (!image) return { outcome: 'NOTHING_ASSIGNED', image: null, detail: 'no firmware is assigned' };
    const imageFamily = image.target === 'ESP8266' ? 'ESP8266' : image.target?.startsWith('ESP32') ? 'ESP32' : null;
    if (imageFamily && imageFamily !== request.family) {
      return { outcome: 'REFUSED', image, detail: `the assigned image is for ${image.target}; this lamp is an ${request.family}` };
    }
    if (this.#runs(request, image)) return { outcome: 'UP_TO_DATE', image, detail: `runs ${image.version}, the assigned version` };
    if (request.version) {
      const order = compareFirmwareVersions(image.version, request.version);
      if (order === 'same') return { outcome: 'UP_TO_DATE', image, detail: `runs ${image.version}, the assigned version` };
      if (order === 'older') {
        return { outcome: 'UP_TO_DATE', image, detail: `runs ${request.version}, newer than the assigned ${image.version}` };
      }
    }
    if (request.freeSpace !== null && image.size > request.freeSpace) {
      return { outcome: 'REFUSED', image, detail: `the image needs ${image.size} bytes; the lamp has ${request.freeSpace} free` };
    }
    return { outcome: 'SENT', image, detail: `sent ${image.version}` };
  }

  /** The lamp runs `image` if its sketch MD5 matches, or (without one) its version is the same. */
  #runs(request: UpdateRequest, image: FirmwareImageRecord): boolean {
    if (request.sketchMd5) return request.sketchMd5 === image.md5;
    return request.version !== null && compareFirmwareVersions(image.version, request.version) === 'same';
  }

  async #authorized(header: string | null, lamp: LampFirmwareRecord): Promise<boolean> {
    const match = header ? /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header) : null;
    if (!match) return false;
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon === -1) return false;
    const username = decoded.slice(0, colon);
    const passwordOk = await verifyPassword(decoded.slice(colon + 1), lamp.passwordHash!);
    return passwordOk && username === lamp.username;
  }

  #record(
    lamp: LampFirmwareRecord,
    outcome: { outcome: CheckOutcome; detail: string; firmwareId: string | null },
    request: UpdateRequest,
    at: Date,
  ): void {
    const check: UpdateCheckRecord = { mac: lamp.mac, at, reportedVersion: request.version, ...outcome };
    if (outcome.outcome !== 'UNAUTHORIZED') this.store.saveLamp(lamp);
    this.store.addCheck(check);
    this.pubsub.publish('firmwareCheck', { lamp, check });
  }
}

function stateAfter(outcome: Exclude<CheckOutcome, 'SENT'>): UpdateState {
  switch (outcome) {
    case 'UP_TO_DATE':
      return 'UP_TO_DATE';
    case 'NOTHING_ASSIGNED':
      return 'NOTHING_ASSIGNED';
    case 'REFUSED':
    case 'UNAUTHORIZED':
      return 'REFUSED';
  }
}
