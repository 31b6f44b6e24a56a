import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../clock.js';
import type { FirmwareImageRecord, FirmwareStore } from '../store/firmware-store.js';
import { FirmwareImageError, inspectFirmwareImage, TARGETS } from './firmware-image.js';

export const DEFAULT_MAX_FIRMWARE_BYTES = 4 * 1024 * 1024;

/** An upload refused, naming the argument at fault (`file`, `version`, `target`, `notes`). */
export class FirmwareUploadError extends Error {
  override name = 'FirmwareUploadError';
  constructor(
    readonly argument: string,
    message: string,
  ) {
    super(message);
  }
}

export interface UploadRequest {
  bytes: Uint8Array;
  version: string | null;
  target: string | null;
  notes: string | null;
  uploadedBy: string;
}

/**
 * The firmware images kept for lamps: checked before they are accepted, stored by content hash
 * in the data directory with their metadata in SQLite.
 */
export class FirmwareLibrary {
  constructor(
    private readonly store: FirmwareStore,
    private readonly directory: string,
    private readonly clock: Clock,
    readonly maxBytes = DEFAULT_MAX_FIRMWARE_BYTES,
  ) {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
  }

  add(upload: UploadRequest): FirmwareImageRecord {
    const { bytes } = upload;
    if (bytes.length > this.maxBytes) {
      throw new FirmwareUploadError('file', `is ${bytes.length} bytes; the limit is ${this.maxBytes} bytes`);
    }
    let info;
    try {
      info = inspectFirmwareImage(bytes);
    } catch (error) {
      if (error instanceof FirmwareImageError) throw new FirmwareUploadError('file', error.message);
      throw error;
    }

    const given = upload.version?.trim() || null;
    const carried = info.descriptor?.version || null;
    if (given && carried && given !== carried) {
      throw new FirmwareUploadError('version', `is ${JSON.stringify(given)} but the image says ${JSON.stringify(carried)}`);
    }
    const version = given ?? carried;
    if (!version) throw new FirmwareUploadError('version', 'is required: this image does not carry one');
    if (version.length > 64) throw new FirmwareUploadError('version', 'must be at most 64 characters');

    const targetGiven = upload.target?.trim().toUpperCase() || null;
    if (targetGiven && !(TARGETS as readonly string[]).includes(targetGiven)) {
      throw new FirmwareUploadError('target', `must be one of ${TARGETS.join(', ')}`);
    }
    if (targetGiven && info.target && targetGiven !== info.target) {
      throw new FirmwareUploadError('target', `is ${targetGiven} but the image header says ${info.target}`);
    }
    const notes = upload.notes?.trim() || null;
    if (notes && notes.length > 2000) throw new FirmwareUploadError('notes', 'must be at most 2000 characters');

    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const existing = this.store.imageBySha256(sha256);
    if (existing) {
      throw new FirmwareUploadError('file', `is already here: uploaded ${existing.uploadedAt.toISOString()} as version ${existing.version} (id ${existing.id})`);
    }

    const image: FirmwareImageRecord = {
      id: randomUUID(),
      sha256,
      md5: createHash('md5').update(bytes).digest('hex'),
      size: bytes.length,
      version,
      target: targetGiven ?? info.target,
      format: info.format,
      project: info.descriptor?.projectName || null,
      notes,
      uploadedAt: this.clock.now(),
      uploadedBy: upload.uploadedBy,
    };
    // The file first, under a temporary name: a crash leaves no record without its bytes.
    const path = this.path(image);
    const partial = `${path}.${image.id}.partial`;
    writeFileSync(partial, bytes, { mode: 0o600 });
    try {
      renameSync(partial, path);
      this.store.addImage(image);
    } catch (error) {
      rmSync(partial, { force: true });
      rmSync(path, { force: true });
      throw error;
    }
    return image;
  }

  /** Deletes an image that no lamp is assigned any more. */
  delete(id: string): FirmwareImageRecord {
    const image = this.store.image(id);
    if (!image) throw new FirmwareUploadError('firmwareId', `no firmware image with id ${id}`);
    if (this.store.isAssigned(id)) throw new FirmwareUploadError('firmwareId', 'is still assigned; assign another image or unassign it first');
    this.store.deleteImage(id);
    rmSync(this.path(image), { force: true });
    return image;
  }

  path(image: Pick<FirmwareImageRecord, 'sha256'>): string {
    return join(this.directory, `${image.sha256}.bin`);
  }
}
