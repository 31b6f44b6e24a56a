import type { SqliteDatabase } from './database.js';

export interface FirmwareImageRecord {
  id: string;
  sha256: string;
  md5: string;
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
export type CheckOutcome = 'UP_TO_DATE' | 'SENT' | 'NOTHING_ASSIGNED' | 'REFUSED' | 'UNAUTHORIZED';

export interface LampFirmwareRecord {
  mac: string;
  family: 'ESP8266' | 'ESP32';
  runningVersion: string | null;
  sketchMd5: string | null;
  sdkVersion: string | null;
  lastCheckAt: Date;
  lastAddress: string;
  state: UpdateState;
  pendingFirmwareId: string | null;
  username: string | null;
  passwordHash: string | null;
}

export interface UpdateCheckRecord {
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

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  addImage(image: FirmwareImageRecord): void {
    this.#db
      .prepare(
        `INSERT INTO firmware_images (id, sha256, md5, size, version, target, format, project, notes, uploaded_at, uploaded_by)
         VALUES (@id, @sha256, @md5, @size, @version, @target, @format, @project, @notes, @uploadedAt, @uploadedBy)`,
      )
      .run({ ...image, uploadedAt: image.uploadedAt.toISOString() });
  }

  image(id: string): FirmwareImageRecord | undefined {
    const row = this.#db.prepare<[string], ImageRow>('SELECT * FROM firmware_images WHERE id = ?').get(id);
    return row && toImage(row);
  }

  imageBySha256(sha256: string): FirmwareImageRecord | undefined {
    const row = this.#db.prepare<[string], ImageRow>('SELECT * FROM firmware_images WHERE sha256 = ?').get(sha256);
    return row && toImage(row);
  }

  images(): FirmwareImageRecord[] {
    return this.#db.prepare<[], ImageRow>('SELECT * FROM firmware_images ORDER BY uploaded_at DESC, id').all().map(toImage);
  }

  deleteImage(id: string): void {
    this.#db.prepare('DELETE FROM firmware_images WHERE id = ?').run(id);
  }

  assign(firmwareId: string, macs: string[] | null, at: Date): void {
    const upsert = this.#db.prepare(
      `INSERT INTO firmware_assignments (mac, firmware_id, assigned_at) VALUES (?, ?, ?)
       ON CONFLICT (mac) DO UPDATE SET firmware_id = excluded.firmware_id, assigned_at = excluded.assigned_at`,
    );
    this.#db.transaction(() => {
      for (const mac of macs ?? [DEFAULT_MAC]) upsert.run(mac, firmwareId, at.toISOString());
    })();
  }

  unassign(macs: string[] | null): void {
    const remove = this.#db.prepare('DELETE FROM firmware_assignments WHERE mac = ?');
    this.#db.transaction(() => {
      for (const mac of macs ?? [DEFAULT_MAC]) remove.run(mac);
    })();
  }

  assignments(): FirmwareAssignment[] {
    return this.#db
      .prepare<[], { mac: string; firmware_id: string; assigned_at: string }>('SELECT * FROM firmware_assignments ORDER BY mac')
      .all()
      .map((row) => ({ mac: row.mac === DEFAULT_MAC ? null : row.mac, firmwareId: row.firmware_id, assignedAt: new Date(row.assigned_at) }));
  }

  /** The image a lamp should run: its own assignment, else the default. */
  assignedTo(mac: string): FirmwareImageRecord | undefined {
    const row = this.#db
      .prepare<[string, string], ImageRow>(
        `SELECT i.* FROM firmware_assignments a JOIN firmware_images i ON i.id = a.firmware_id
         WHERE a.mac IN (?, ?) ORDER BY a.mac = '*' LIMIT 1`,
      )
      .get(mac, DEFAULT_MAC);
    return row && toImage(row);
  }

  isAssigned(firmwareId: string): boolean {
    return this.#db.prepare('SELECT 1 FROM firmware_assignments WHERE firmware_id = ? LIMIT 1').get(firmwareId) !== undefined;
  }

  lamp(mac: string): LampFirmwareRecord | undefined {
    const row = this.#db.prepare<[string], LampRow>('SELECT * FROM lamp_firmware WHERE mac = ?').get(mac);
    return row && toLamp(row);
  }

  lamps(): LampFirmwareRecord[] {
    return this.#db.prepare<[], LampRow>('SELECT * FROM lamp_firmware ORDER BY mac').all().map(toLamp);
  }

  lampAt(address: string): LampFirmwareRecord | undefined {
    const row = this.#db
      .prepare<[string], LampRow>('SELECT * FROM lamp_firmware WHERE last_address = ? ORDER BY last_check_at DESC LIMIT 1')
      .get(address);
    return row && toLamp(row);
  }

  saveLamp(lamp: Omit<LampFirmwareRecord, 'username' | 'passwordHash'>): void {
    this.#db
      .prepare(
        `INSERT INTO lamp_firmware (mac, family, running_version, sketch_md5, sdk_version, last_check_at, last_address, state, pending_firmware_id)
         VALUES (@mac, @family, @runningVersion, @sketchMd5, @sdkVersion, @lastCheckAt, @lastAddress, @state, @pendingFirmwareId)
         ON CONFLICT (mac) DO UPDATE SET family = excluded.family, running_version = excluded.running_version,
           sketch_md5 = excluded.sketch_md5, sdk_version = excluded.sdk_version, last_check_at = excluded.last_check_at,
           last_address = excluded.last_address, state = excluded.state, pending_firmware_id = excluded.pending_firmware_id`,
      )
      .run({ ...lamp, lastCheckAt: lamp.lastCheckAt.toISOString() });
  }

  setCredentials(mac: string, family: 'ESP8266' | 'ESP32', credentials: { username: string; passwordHash: string } | null, at: Date): void {
    this.#db
      .prepare(
        `INSERT INTO lamp_firmware (mac, family, last_check_at, last_address, state, username, password_hash)
         VALUES (?, ?, ?, '', 'NOTHING_ASSIGNED', ?, ?)
         ON CONFLICT (mac) DO UPDATE SET username = excluded.username, password_hash = excluded.password_hash`,
      )
      .run(mac, family, at.toISOString(), credentials?.username ?? null, credentials?.passwordHash ?? null);
  }

  addCheck(check: UpdateCheckRecord, keepPerLamp = 100): void {
    this.#db.transaction(() => {
      this.#db
        .prepare('INSERT INTO update_checks (mac, at, reported_version, outcome, firmware_id, detail) VALUES (?, ?, ?, ?, ?, ?)')
        .run(check.mac, check.at.toISOString(), check.reportedVersion, check.outcome, check.firmwareId, check.detail);
      this.#db
        .prepare(
          `DELETE FROM update_checks WHERE mac = @mac AND id <= (
             SELECT id FROM update_checks WHERE mac = @mac ORDER BY id DESC LIMIT 1 OFFSET @keep)`,
        )
        .run({ mac: check.mac, keep: keepPerLamp });
    })();
  }

  checks(mac: string, limit: number): UpdateCheckRecord[] {
    return this.#db
      .prepare<[string, number], CheckRow>('SELECT * FROM update_checks WHERE mac = ? ORDER BY id DESC LIMIT ?')
      .all(mac, limit)
      .map((row) => ({
        mac: row.mac,
        at: new Date(row.at),
        reportedVersion: row.reported_version,
        outcome: row.outcome,
        firmwareId: row.firmware_id,
        detail: row.detail,
      }));
  }
}

interface ImageRow {
  id: string;
  sha256: string;
  md5: string;
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
  username: string | null;
  password_hash: string | null;
}

interface CheckRow {
  mac: string;
  at: string;
  reported_version: string | null;
  outcome: CheckOutcome;
  firmware_id: string | null;
  detail: string;
}

function toImage(row: ImageRow): FirmwareImageRecord {
  return {
    id: row.id,
    sha256: row.sha256,
    md5: row.md5,
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
    username: row.username,
    passwordHash: row.password_hash,
  };
}
