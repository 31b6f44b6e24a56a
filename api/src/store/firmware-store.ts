import type { SqliteDatabase } from './database.js';

export interface FirmwareImageRecord {
  id: string;
  sha256: string;
  /** MD5 of the file as served (the cores' x-MD5). */
  md5: string;
  /**
   * MD5 of the image as flashed, which a lamp running it reports: the file's MD5, or for a
   * gzipped image that of what it unpacks to. Null only for a gzipped image whose file could
   * not be read since this was first kept.
   */
  sketchMd5: string | null;
  size: number;
  version: string;
  target: string | null;
  format: 'esp' | 'gzip';
  project: string | null;
  notes: string | null;
  uploadedAt: Date;
  uploadedBy: string;
}

/** `mac` null is the default for every lamp without an assignment of its own. */
export interface FirmwareAssignment {
  mac: string | null;
  firmwareId: string;
  assignedAt: Date;
}

export type UpdateState = 'UP_TO_DATE' | 'UPDATE_SENT' | 'UPDATED' | 'UPDATE_FAILED' | 'REFUSED' | 'NOTHING_ASSIGNED';
/** FAILED: the image chosen for the lamp could not be sent (its file could not be read). */
export type CheckOutcome = 'UP_TO_DATE' | 'SENT' | 'NOTHING_ASSIGNED' | 'REFUSED' | 'UNAUTHORIZED' | 'FAILED';

export interface LampFirmwareRecord {
  mac: string;
  family: 'ESP8266' | 'ESP32';
  runningVersion: string | null;
  sketchMd5: string | null;
  sdkVersion: string | null;
  lastCheckAt: Date;
  lastAddress: string;
  state: UpdateState;
  /** The image it was sent and has not confirmed; null once that image is deleted. */
  pendingFirmwareId: string | null;
  /** What it was sent, kept here so that it can be confirmed even if the image is deleted meanwhile. */
  pendingVersion: string | null;
  pendingSketchMd5: string | null;
  username: string | null;
  passwordHash: string | null;
}

export interface UpdateCheckRecord {
  /** Grows with every check stored: their order, and a page's cursor. */
  id: number;
  mac: string;
  at: Date;
  reportedVersion: string | null;
  outcome: CheckOutcome;
  firmwareId: string | null;
  detail: string;
}

const DEFAULT_MAC = '*';

/** Firmware images' metadata, assignments, and what each lamp reported when it checked. */
export class FirmwareStore {
  readonly #db: SqliteDatabase;
  readonly #insertImage;
  readonly #imageById;
  readonly #imageBySha256;
  readonly #listImages;
  readonly #imagesWithoutSketchMd5;
  readonly #setSketchMd5;
  readonly #assignmentsOfImage;
  readonly #deleteImage;
  readonly #upsertAssignment;
  readonly #deleteAssignment;
  readonly #listAssignments;
  readonly #assignedImage;
  readonly #lampByMac;
  readonly #lampPage;
  readonly #lampCount;
  readonly #staleUnmanagedLamps;
  readonly #oldestUnmanagedLamps;
  readonly #forgetLamp;
  readonly #saveLamp;
  readonly #setCredentials;
  readonly #addCheck;
  readonly #checksOfLamps;
  readonly #checkPage;
  readonly #lampsByMac;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#insertImage = db.prepare(
      `INSERT INTO firmware_images (id, sha256, md5, sketch_md5, size, version, target, format, project, notes, uploaded_at, uploaded_by)
       VALUES (@id, @sha256, @md5, @sketchMd5, @size, @version, @target, @format, @project, @notes, @uploadedAt, @uploadedBy)`,
    );
    this.#imageById = db.prepare<[string], ImageRow>('SELECT * FROM firmware_images WHERE id = ?');
    this.#imageBySha256 = db.prepare<[string], ImageRow>('SELECT * FROM firmware_images WHERE sha256 = ?');
    this.#listImages = db.prepare<[], ImageRow>('SELECT * FROM firmware_images ORDER BY uploaded_at DESC, id');
    this.#imagesWithoutSketchMd5 = db.prepare<[], ImageRow>('SELECT * FROM firmware_images WHERE sketch_md5 IS NULL');
    const updateSketchMd5 = db.prepare('UPDATE firmware_images SET sketch_md5 = ? WHERE id = ?');
    const updatePendingSketchMd5 = db.prepare(
      'UPDATE lamp_firmware SET pending_sketch_md5 = ? WHERE pending_firmware_id = ? AND pending_sketch_md5 IS NULL',
    );
    this.#setSketchMd5 = db.transaction((id: string, sketchMd5: string) => {
      updateSketchMd5.run(sketchMd5, id);
      updatePendingSketchMd5.run(sketchMd5, id);
    });
    this.#assignmentsOfImage = db.prepare<[string], { mac: string }>(
      'SELECT mac FROM firmware_assignments WHERE firmware_id = ? ORDER BY mac',
    );
    const forgetPendingImage = db.prepare('UPDATE lamp_firmware SET pending_firmware_id = NULL WHERE pending_firmware_id = ?');
    const deleteImage = db.prepare('DELETE FROM firmware_images WHERE id = ?');
    this.#deleteImage = db.transaction((id: string): { deleted: true } | { deleted: false; assignedTo: string[] } => {
      const assignedTo = this.#assignmentsOfImage.all(id).map((row) => row.mac);
      if (assignedTo.length > 0) return { deleted: false, assignedTo };
      forgetPendingImage.run(id);
      deleteImage.run(id);
      return { deleted: true };
    });
    this.#upsertAssignment = db.prepare(
      `INSERT INTO firmware_assignments (mac, firmware_id, assigned_at) VALUES (?, ?, ?)
       ON CONFLICT (mac) DO UPDATE SET firmware_id = excluded.firmware_id, assigned_at = excluded.assigned_at`,
    );
    this.#deleteAssignment = db.prepare('DELETE FROM firmware_assignments WHERE mac = ?');
    this.#listAssignments = db.prepare<[], { mac: string; firmware_id: string; assigned_at: string }>(
      'SELECT * FROM firmware_assignments ORDER BY mac',
    );
    this.#assignedImage = db.prepare<[string, string], ImageRow>(
      `SELECT i.* FROM firmware_assignments a JOIN firmware_images i ON i.id = a.firmware_id
       WHERE a.mac IN (?, ?) ORDER BY a.mac = '*' LIMIT 1`,
    );
    this.#lampByMac = db.prepare<[string], LampRow>('SELECT * FROM lamp_firmware WHERE mac = ?');
    this.#lampPage = db.prepare<[string, number], LampRow>('SELECT * FROM lamp_firmware WHERE mac > ? ORDER BY mac LIMIT ?');
    this.#lampCount = db.prepare<[], { count: number }>('SELECT COUNT(*) AS count FROM lamp_firmware');
    const unmanaged = 'password_hash IS NULL AND mac NOT IN (SELECT mac FROM firmware_assignments)';
    this.#staleUnmanagedLamps = db.prepare<[string], { mac: string }>(
      `SELECT mac FROM lamp_firmware WHERE last_check_at < ? AND ${unmanaged}`,
    );
    this.#oldestUnmanagedLamps = db.prepare<[string, number], { mac: string }>(
      `SELECT mac FROM lamp_firmware WHERE last_check_at >= ? AND ${unmanaged} ORDER BY last_check_at, rowid LIMIT ?`,
    );
    const forgetLampRecord = db.prepare('DELETE FROM lamp_firmware WHERE mac = ?');
    const forgetChecks = db.prepare('DELETE FROM update_checks WHERE mac = ?');
    this.#forgetLamp = (mac: string) => {
      forgetLampRecord.run(mac);
      forgetChecks.run(mac);
    };
    this.#saveLamp = db.prepare(
      `INSERT INTO lamp_firmware (mac, family, running_version, sketch_md5, sdk_version, last_check_at, last_address, state,
         pending_firmware_id, pending_version, pending_sketch_md5)
       VALUES (@mac, @family, @runningVersion, @sketchMd5, @sdkVersion, @lastCheckAt, @lastAddress, @state,
         (SELECT id FROM firmware_images WHERE id = @pendingFirmwareId), @pendingVersion, @pendingSketchMd5)
       ON CONFLICT (mac) DO UPDATE SET family = excluded.family, running_version = excluded.running_version,
         sketch_md5 = excluded.sketch_md5, sdk_version = excluded.sdk_version, last_check_at = excluded.last_check_at,
         last_address = excluded.last_address, state = excluded.state, pending_firmware_id = excluded.pending_firmware_id,
         pending_version = excluded.pending_version, pending_sketch_md5 = excluded.pending_sketch_md5`,
    );
    this.#setCredentials = db.prepare(
      `INSERT INTO lamp_firmware (mac, family, last_check_at, last_address, state, username, password_hash)
       VALUES (?, ?, ?, '', 'NOTHING_ASSIGNED', ?, ?)
       ON CONFLICT (mac) DO UPDATE SET username = excluded.username, password_hash = excluded.password_hash`,
    );
    const insertCheck = db.prepare(
      'INSERT INTO update_checks (mac, at, reported_version, outcome, firmware_id, detail) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const trimChecks = db.prepare(
      `DELETE FROM update_checks WHERE mac = @mac AND id <= (
         SELECT id FROM update_checks WHERE mac = @mac ORDER BY id DESC LIMIT 1 OFFSET @keep)`,
    );
    this.#addCheck = db.transaction((check: Omit<UpdateCheckRecord, 'id'>, keepPerLamp: number): number => {
      const { lastInsertRowid } = insertCheck.run(
        check.mac,
        check.at.toISOString(),
        check.reportedVersion,
        check.outcome,
        check.firmwareId,
        check.detail,
      );
      trimChecks.run({ mac: check.mac, keep: keepPerLamp });
      return Number(lastInsertRowid);
    });
    this.#checkPage = db.prepare<[string, number, number], CheckRow>(
      'SELECT * FROM update_checks WHERE mac = ? AND id < ? ORDER BY id DESC LIMIT ?',
    );
    this.#lampsByMac = db.prepare<[string], LampRow>('SELECT * FROM lamp_firmware WHERE mac IN (SELECT value FROM json_each(?))');
    // The newest checks of several lamps at once: one query for a whole page of lamps.
    this.#checksOfLamps = db.prepare<[string, number], CheckRow>(
      `SELECT id, mac, at, reported_version, outcome, firmware_id, detail FROM (
         SELECT *, ROW_NUMBER() OVER (PARTITION BY mac ORDER BY id DESC) AS newness
         FROM update_checks WHERE mac IN (SELECT value FROM json_each(?)))
       WHERE newness <= ? ORDER BY mac, id DESC`,
    );
  }

  addImage(image: FirmwareImageRecord): void {
    this.#insertImage.run({ ...image, uploadedAt: image.uploadedAt.toISOString() });
  }

  image(id: string): FirmwareImageRecord | undefined {
    const row = this.#imageById.get(id);
    return row && toImage(row);
  }

  imageBySha256(sha256: string): FirmwareImageRecord | undefined {
    const row = this.#imageBySha256.get(sha256);
    return row && toImage(row);
  }

  images(): FirmwareImageRecord[] {
    return this.#listImages.all().map(toImage);
  }

  /** Images whose sketch MD5 is not known yet (gzipped images kept before it was recorded). */
  imagesWithoutSketchMd5(): FirmwareImageRecord[] {
    return this.#imagesWithoutSketchMd5.all().map(toImage);
  }

  /** Records an image's sketch MD5, also on the records of lamps it was sent to. */
  setSketchMd5(id: string, sketchMd5: string): void {
    this.#setSketchMd5(id, sketchMd5);
  }

  /**
   * Deletes an image unless it is assigned (then returns the MACs it is assigned to, '*' for the
   * default). Lamps it was sent to keep what they need to confirm it on their record.
   */
  deleteUnassignedImage(id: string): { deleted: true } | { deleted: false; assignedTo: string[] } {
    return this.#deleteImage(id);
  }

  assign(firmwareId: string, macs: string[] | null, at: Date): void {
    this.#inTransaction(() => {
      for (const mac of macs ?? [DEFAULT_MAC]) this.#upsertAssignment.run(mac, firmwareId, at.toISOString());
    });
  }

  unassign(macs: string[] | null): void {
    this.#inTransaction(() => {
      for (const mac of macs ?? [DEFAULT_MAC]) this.#deleteAssignment.run(mac);
    });
  }

  assignments(): FirmwareAssignment[] {
    return this.#listAssignments.all().map((row) => ({
      mac: row.mac === DEFAULT_MAC ? null : row.mac,
      firmwareId: row.firmware_id,
      assignedAt: new Date(row.assigned_at),
    }));
  }

  /** The image a lamp should run: its own assignment, else the default. */
  assignedTo(mac: string): FirmwareImageRecord | undefined {
    const row = this.#assignedImage.get(mac, DEFAULT_MAC);
    return row && toImage(row);
  }

  lamp(mac: string): LampFirmwareRecord | undefined {
    const row = this.#lampByMac.get(mac);
    return row && toLamp(row);
  }

  /** Lamp records by MAC, `first` of them after the MAC `after`. */
  lamps(page: { first: number; after: string | null }): LampFirmwareRecord[] {
    return this.#lampPage.all(page.after ?? '', page.first).map(toLamp);
  }

  lampCount(): number {
    return this.#lampCount.get()!.count;
  }

  /**
   * Forgets lamps nobody manages (no assignment of their own, no update credentials) that have
   * not checked since `staleBefore`, then the oldest-checked of them while there are more than
   * `maxRecords` records in all; with their check history. Returns how many were forgotten.
   */
  forgetUnmanagedLamps(staleBefore: Date, maxRecords: number): number {
    return this.#inTransaction(() => {
      const stale = this.#staleUnmanagedLamps.all(staleBefore.toISOString());
      const excess = this.lampCount() - stale.length - maxRecords;
      const oldest = excess > 0 ? this.#oldestUnmanagedLamps.all(staleBefore.toISOString(), excess) : [];
      for (const { mac } of [...stale, ...oldest]) this.#forgetLamp(mac);
      return stale.length + oldest.length;
    });
  }

  /**
   * Writes what a check learnt. A pending image deleted since it was chosen is kept by version
   * and sketch MD5 only, never as a dangling reference.
   */
  saveLamp(lamp: Omit<LampFirmwareRecord, 'username' | 'passwordHash'>): void {
    this.#saveLamp.run({
      mac: lamp.mac,
      family: lamp.family,
      runningVersion: lamp.runningVersion,
      sketchMd5: lamp.sketchMd5,
      sdkVersion: lamp.sdkVersion,
      lastCheckAt: lamp.lastCheckAt.toISOString(),
      lastAddress: lamp.lastAddress,
      state: lamp.state,
      pendingFirmwareId: lamp.pendingFirmwareId,
      pendingVersion: lamp.pendingVersion,
      pendingSketchMd5: lamp.pendingSketchMd5,
    });
  }

  setCredentials(mac: string, family: 'ESP8266' | 'ESP32', credentials: { username: string; passwordHash: string } | null, at: Date): void {
    this.#setCredentials.run(mac, family, at.toISOString(), credentials?.username ?? null, credentials?.passwordHash ?? null);
  }

  /** Stores a check; returns its id. */
  addCheck(check: Omit<UpdateCheckRecord, 'id'>, keepPerLamp = 100): number {
    return this.#addCheck(check, keepPerLamp);
  }

  /** Up to `limit` of a lamp's checks older than the check `beforeId` (null: the newest), newest first. */
  checkPage(mac: string, limit: number, beforeId: number | null): UpdateCheckRecord[] {
    return this.#checkPage.all(mac, beforeId ?? Number.MAX_SAFE_INTEGER, limit).map(toCheck);
  }

  /** The records of these lamps, by MAC. */
  lampsByMac(macs: readonly string[]): Map<string, LampFirmwareRecord> {
    return new Map(this.#lampsByMac.all(JSON.stringify(macs)).map((row) => [row.mac, toLamp(row)]));
  }

  /** The newest `limit` checks of each of these lamps, newest first; lamps without checks are left out. */
  checksOf(macs: readonly string[], limit: number): Map<string, UpdateCheckRecord[]> {
    const checks = new Map<string, UpdateCheckRecord[]>();
    for (const row of this.#checksOfLamps.all(JSON.stringify(macs), limit)) {
      const check = toCheck(row);
      const ofLamp = checks.get(row.mac);
      if (ofLamp) ofLamp.push(check);
      else checks.set(row.mac, [check]);
    }
    return checks;
  }

  #inTransaction<T>(work: () => T): T {
    return this.#db.transaction(work)();
  }
}

interface ImageRow {
  id: string;
  sha256: string;
  md5: string;
  sketch_md5: string | null;
  size: number;
  version: string;
  target: string | null;
  format: 'esp' | 'gzip';
  project: string | null;
  notes: string | null;
  uploaded_at: string;
  uploaded_by: string;
}

interface LampRow {
  mac: string;
  family: 'ESP8266' | 'ESP32';
  running_version: string | null;
  sketch_md5: string | null;
  sdk_version: string | null;
  last_check_at: string;
  last_address: string;
  state: UpdateState;
  pending_firmware_id: string | null;
  pending_version: string | null;
  pending_sketch_md5: string | null;
  username: string | null;
  password_hash: string | null;
}

interface CheckRow {
  id: number;
  mac: string;
  at: string;
  reported_version: string | null;
  outcome: CheckOutcome;
  firmware_id: string | null;
  detail: string;
}

function toCheck(row: CheckRow): UpdateCheckRecord {
  return {
    id: row.id,
    mac: row.mac,
    at: new Date(row.at),
    reportedVersion: row.reported_version,
    outcome: row.outcome,
    firmwareId: row.firmware_id,
    detail: row.detail,
  };
}

function toImage(row: ImageRow): FirmwareImageRecord {
  return {
    id: row.id,
    sha256: row.sha256,
    md5: row.md5,
    sketchMd5: row.sketch_md5,
    size: row.size,
    version: row.version,
    target: row.target,
    format: row.format,
    project: row.project,
    notes: row.notes,
    uploadedAt: new Date(row.uploaded_at),
    uploadedBy: row.uploaded_by,
  };
}

function toLamp(row: LampRow): LampFirmwareRecord {
  return {
    mac: row.mac,
    family: row.family,
    runningVersion: row.running_version,
    sketchMd5: row.sketch_md5,
    sdkVersion: row.sdk_version,
    lastCheckAt: new Date(row.last_check_at),
    lastAddress: row.last_address,
    state: row.state,
    pendingFirmwareId: row.pending_firmware_id,
    pendingVersion: row.pending_version,
    pendingSketchMd5: row.pending_sketch_md5,
    username: row.username,
    passwordHash: row.password_hash,
  };
}
