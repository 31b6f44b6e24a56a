import type { FileHandle } from 'node:fs/promises';
import type { Clock } from '../clock.js';
import type { PubSub } from '../events/pubsub.js';
import { hashPassword, verifyPassword } from '../access/secret.js';
import type {
  CheckOutcome,
  FirmwareImageRecord,
  FirmwareStore,
  LampFirmwareRecord,
  UpdateCheckRecord,
  UpdateState,
} from '../store/firmware-store.js';
import { attemptSource, AttemptWindow } from '../access/attempt-window.js';
import { FirmwareFileError, type FirmwareLibrary } from './firmware-library.js';
import { compareFirmwareVersions } from './firmware-version.js';
import type { UpdateRequest } from './update-request.js';

/** What to answer an update check. */
export type UpdateAnswer =
  | { status: 200; image: FirmwareImageRecord; file: FileHandle }
  | { status: 304 }
  | { status: 401 }
  | { status: 429; retryAfterSeconds: number }
  | { status: 500 | 503; image: FirmwareImageRecord; reason: string; code: string | null };

export interface FirmwareCheckEvent {
  lamp: LampFirmwareRecord;
  check: UpdateCheckRecord;
}

/** `firmwareLibrary` only says that images or assignments changed; followers read what they need. */
export type FirmwareEvents = { firmwareCheck: FirmwareCheckEvent; firmwareLibrary: null };

/** Where an update check finds its lamp (see `Lamps.linkUpdateCheck`). */
export interface UpdateCheckLinks {
  linkUpdateCheck(mac: string, address: string, version: string | null): unknown;
}

/**
 * How much the unauthenticated update endpoint lets anyone make the server do and keep. A real
 * lamp checks at boot and when told to, so these are far above what lamps need.
 */
export interface FirmwareLimits {
  /** Update checks (and /firmware.bin downloads) per client address within `checkWindowMs`. */
  checksPerAddress: number;
  checkWindowMs: number;
  /** Update credential checks (each a slow hash) per lamp, and per client address, within `credentialWindowMs`. */
  credentialAttemptsPerLamp: number;
  credentialAttemptsPerAddress: number;
  credentialWindowMs: number;
  /** Lamp records kept; beyond it, the oldest-checked lamps nobody manages are forgotten. */
  maxLampRecords: number;
  /** Lamps nobody manages that have not checked for this long are forgotten. */
  lampRecordMaxAgeMs: number;
}

export const DEFAULT_FIRMWARE_LIMITS: FirmwareLimits = {
  checksPerAddress: 30,
  checkWindowMs: 60_000,
  credentialAttemptsPerLamp: 5,
  credentialAttemptsPerAddress: 10,
  credentialWindowMs: 15 * 60_000,
  maxLampRecords: 1000,
  lampRecordMaxAgeMs: 90 * 24 * 60 * 60_000,
};

/**
 * Answers lamps' update checks and keeps the record a person can trust: every check with what
 * the lamp reported and what it was told, and whether a lamp that was sent an image came back
 * running it.
 */
export class FirmwareUpdates {
  readonly limits: FirmwareLimits;
  readonly #checksByAddress: AttemptWindow;
  readonly #credentialsByLamp: AttemptWindow;
  readonly #credentialsByAddress: AttemptWindow;
  #passwordsVerified = 0;

  constructor(
    private readonly store: FirmwareStore,
    private readonly library: FirmwareLibrary,
    private readonly links: UpdateCheckLinks,
    private readonly pubsub: PubSub<FirmwareEvents>,
    private readonly clock: Clock,
    limits: Partial<FirmwareLimits> = {},
  ) {
    this.limits = { ...DEFAULT_FIRMWARE_LIMITS, ...limits };
    this.#checksByAddress = new AttemptWindow(this.limits.checksPerAddress, this.limits.checkWindowMs);
    this.#credentialsByLamp = new AttemptWindow(this.limits.credentialAttemptsPerLamp, this.limits.credentialWindowMs);
    this.#credentialsByAddress = new AttemptWindow(this.limits.credentialAttemptsPerAddress, this.limits.credentialWindowMs);
  }

  /**
   * Counts a request to the update endpoint from `address`; returns the seconds it must wait
   * when it is over the limit (0: go ahead). Refused requests are not counted and not recorded.
   */
  admitRequest(address: string): number {
    const now = this.clock.now().getTime();
    const source = attemptSource(address);
    const wait = this.#checksByAddress.retryAfterMs(source, now);
    if (wait > 0) return Math.ceil(wait / 1000);
    this.#checksByAddress.count(source, now);
    return 0;
  }

  /** How many update passwords have been checked (each a slow hash) since start. */
  get passwordsVerified(): number {
    return this.#passwordsVerified;
  }

  async answer(request: UpdateRequest, address: string): Promise<UpdateAnswer> {
    const known = this.store.lamp(request.lampId);
    if (known?.passwordHash) {
      const verdict = await this.#checkCredentials(request, known, address);
      if (verdict === 'throttled') return { status: 429, retryAfterSeconds: this.#credentialRetryAfterSeconds(request.lampId, address) };
      if (verdict === 'refused') {
        this.#record(
          known,
          false,
          { outcome: 'UNAUTHORIZED', detail: 'wrong or missing update credentials', firmwareId: null },
          request,
          this.clock.now(),
        );
        return { status: 401 };
      }
    }

    // Read again: the record may have changed while the password was checked.
    const previous = this.store.lamp(request.lampId);
    const now = this.clock.now();
    const lamp: LampFirmwareRecord = {
      mac: request.lampId,
      family: request.family,
      runningVersion: request.version ?? previous?.runningVersion ?? null,
      sketchMd5: request.sketchMd5,
      sdkVersion: request.sdkVersion,
      lastCheckAt: now,
      lastAddress: address,
      state: previous?.state ?? 'NOTHING_ASSIGNED',
      pendingFirmwareId: null,
      pendingVersion: null,
      pendingSketchMd5: null,
      username: previous?.username ?? null,
      passwordHash: previous?.passwordHash ?? null,
    };

    // Did the image sent last time take?
    const confirmation = previous ? confirm(request, previous) : null;
    const decision = this.#decide(request, this.store.assignedTo(request.lampId));
    const confirmed = confirmation ? `${confirmation.detail}; ` : '';

    if (decision.outcome !== 'SENT') {
      lamp.state = confirmation?.state ?? stateAfter(decision.outcome);
      this.#record(
        lamp,
        previous === undefined,
        { outcome: decision.outcome, detail: confirmed + decision.detail, firmwareId: decision.image?.id ?? null },
        request,
        now,
      );
      return { status: 304 };
    }

    // The file is opened before anything is answered or recorded as sent.
    const { image } = decision;
    let file: FileHandle;
    try {
      file = await this.library.open(image);
    } catch (error) {
      if (!(error instanceof FirmwareFileError)) throw error;
      lamp.state = confirmation?.state ?? 'REFUSED';
      const detail = `${confirmed}could not send ${image.version}: ${error.message}; answered ${error.status}`;
      this.#record(lamp, previous === undefined, { outcome: 'FAILED', detail, firmwareId: image.id }, request, now);
      return { status: error.status, image, reason: error.message, code: error.code };
    }
    lamp.state = 'UPDATE_SENT';
    lamp.pendingFirmwareId = image.id;
    lamp.pendingVersion = image.version;
    lamp.pendingSketchMd5 = image.sketchMd5;
    this.#record(
      lamp,
      previous === undefined,
      { outcome: 'SENT', detail: confirmed + decision.detail, firmwareId: image.id },
      request,
      now,
    );
    return { status: 200, image, file };
  }

  /** Requires HTTP Basic credentials from this lamp's update checks, or (null) stops requiring them. */
  async setCredentials(
    mac: string,
    family: 'ESP8266' | 'ESP32',
    credentials: { username: string; password: string } | null,
  ): Promise<void> {
    const stored = credentials ? { username: credentials.username, passwordHash: await hashPassword(credentials.password) } : null;
    this.store.setCredentials(mac, family, stored, this.clock.now());
  }

  /** Every check from now on. */
  events(signal?: AbortSignal): AsyncIterableIterator<FirmwareCheckEvent> {
    return this.pubsub.subscribe('firmwareCheck', signal);
  }

  /** How many `events` streams are open. */
  get eventSubscribers(): number {
    return this.pubsub.subscriberCount('firmwareCheck');
  }

  #decide(
    request: UpdateRequest,
    image: FirmwareImageRecord | undefined,
  ):
    | { outcome: 'SENT'; image: FirmwareImageRecord; detail: string }
    | { outcome: Exclude<CheckOutcome, 'SENT'>; image: FirmwareImageRecord | null; detail: string } {
    if (request.mode !== 'sketch') {
      return { outcome: 'REFUSED', image: null, detail: `asked for a ${request.mode} image; only sketch (application) images are served` };
    }
    if (!image) return { outcome: 'NOTHING_ASSIGNED', image: null, detail: 'no firmware is assigned' };
    const imageFamily = image.target === 'ESP8266' ? 'ESP8266' : image.target?.startsWith('ESP32') ? 'ESP32' : null;
    if (imageFamily && imageFamily !== request.family) {
      return { outcome: 'REFUSED', image, detail: `the assigned image is for ${image.target}; this lamp is an ${request.family}` };
    }
    if (request.sketchMd5 !== null && request.sketchMd5 === image.sketchMd5) {
      return { outcome: 'UP_TO_DATE', image, detail: `runs ${image.version}, the assigned version` };
    }
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

  /**
   * Each password check is a slow hash, so attempts are counted per lamp and per address before
   * hashing (concurrent guesses cannot all get through), and a right one is taken back.
   */
  async #checkCredentials(
    request: UpdateRequest,
    lamp: LampFirmwareRecord,
    remoteAddress: string,
  ): Promise<'ok' | 'refused' | 'throttled'> {
    const match = request.authorization ? /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(request.authorization) : null;
    if (!match) return 'refused';
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon === -1) return 'refused';

    const now = this.clock.now().getTime();
    const address = attemptSource(remoteAddress);
    if (this.#credentialRetryAfterSeconds(lamp.mac, remoteAddress) > 0) return 'throttled';
    this.#credentialsByLamp.count(lamp.mac, now);
    this.#credentialsByAddress.count(address, now);
    this.#passwordsVerified++;
    const passwordOk = await verifyPassword(decoded.slice(colon + 1), lamp.passwordHash!);
    if (passwordOk && decoded.slice(0, colon) === lamp.username) {
      this.#credentialsByLamp.forgive(lamp.mac, now);
      this.#credentialsByAddress.forgive(address, now);
      return 'ok';
    }
    return 'refused';
  }

  #credentialRetryAfterSeconds(mac: string, remoteAddress: string): number {
    const now = this.clock.now().getTime();
    const wait = Math.max(
      this.#credentialsByLamp.retryAfterMs(mac, now),
      this.#credentialsByAddress.retryAfterMs(attemptSource(remoteAddress), now),
    );
    return Math.ceil(wait / 1000);
  }

  #record(
    lamp: LampFirmwareRecord,
    isNew: boolean,
    outcome: { outcome: CheckOutcome; detail: string; firmwareId: string | null },
    request: UpdateRequest,
    at: Date,
  ): void {
    if (outcome.outcome !== 'UNAUTHORIZED') {
      this.store.saveLamp(lamp);
      this.links.linkUpdateCheck(lamp.mac, lamp.lastAddress, request.version);
    }
    const unsaved = { mac: lamp.mac, at, reportedVersion: request.version, ...outcome };
    const check: UpdateCheckRecord = { id: this.store.addCheck(unsaved), ...unsaved };
    // Anyone can make up MACs: a new record makes room by forgetting lamps nobody manages.
    if (isNew) this.store.forgetUnmanagedLamps(new Date(at.getTime() - this.limits.lampRecordMaxAgeMs), this.limits.maxLampRecords);
    this.pubsub.publish('firmwareCheck', { lamp, check });
  }
}

/** Whether a lamp that was sent an image came back running it: by its version, or its sketch MD5. */
function confirm(request: UpdateRequest, lamp: LampFirmwareRecord): { state: 'UPDATED' | 'UPDATE_FAILED'; detail: string } | null {
  const sent = lamp.pendingVersion;
  if (sent === null) return null;
  const sameVersion = request.version !== null && compareFirmwareVersions(sent, request.version) === 'same';
  const md5Known = request.sketchMd5 !== null && lamp.pendingSketchMd5 !== null;
  const sameSketch = md5Known && request.sketchMd5 === lamp.pendingSketchMd5;
  if (sameVersion || sameSketch) {
    // A differing sketch MD5 alone is worth a note, not a failure: builds of one version can differ.
    const note =
      sameVersion && md5Known && !sameSketch
        ? ` (but its sketch MD5 is ${request.sketchMd5}, the image's is ${lamp.pendingSketchMd5})`
        : '';
    return { state: 'UPDATED', detail: `now runs ${sent}, as sent${note}` };
  }
  return { state: 'UPDATE_FAILED', detail: `was sent ${sent} but came back running ${request.version ?? 'an unknown version'}` };
}

function stateAfter(outcome: Exclude<CheckOutcome, 'SENT'>): UpdateState {
  switch (outcome) {
    case 'UP_TO_DATE':
      return 'UP_TO_DATE';
    case 'NOTHING_ASSIGNED':
      return 'NOTHING_ASSIGNED';
    case 'REFUSED':
    case 'UNAUTHORIZED':
    case 'FAILED':
      return 'REFUSED';
  }
}
