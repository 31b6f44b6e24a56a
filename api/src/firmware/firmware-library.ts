import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../clock.js';
import { InvalidInput } from '../invalid-input.js';
import type { FirmwareImageRecord, FirmwareStore } from '../store/firmware-store.js';
import { FirmwareImageError, inspectFirmwareImage, TARGETS } from './firmware-image.js';

export const DEFAULT_MAX_FIRMWARE_BYTES = 4 * 1024 * 1024;

/** An upload or deletion refused, naming the argument at fault (`file`, `version`, `target`, `notes`, `firmwareId`). */
export class FirmwareUploadError extends InvalidInput {
  override name = 'FirmwareUploadError';
}

/**
 * A kept image whose file cannot be served: 500 when it is gone or damaged (it stays so until
 * someone acts), 503 when the system is short of resources for the moment.
 */
export class FirmwareFileError extends Error {
  override name = 'FirmwareFileError';
  constructor(
    readonly status: 500 | 503,
    message: string,
    readonly code: string | null,
  ) {
    super(message);
  }
}

const TRANSIENT_OPEN_ERRORS = new Set(['EMFILE', 'ENFILE', 'EAGAIN', 'EBUSY', 'EINTR', 'ENOMEM']);

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
    this.#recordSketchMd5s();
  }

  add(upload: UploadRequest): FirmwareImageRecord {
    const { bytes } = upload;
    if (bytes.length > this.maxBytes) {
      throw new FirmwareUploadError('file', `is ${bytes.length} bytes; the limit is ${this.maxBytes} bytes`);
    }
    let info;
    try {
      info = inspectFirmwareImage(bytes, this.maxBytes);
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
      throw new FirmwareUploadError(
        'file',
        `is already here: uploaded ${existing.uploadedAt.toISOString()} as version ${existing.version} (id ${existing.id})`,
      );
    }

    const image: FirmwareImageRecord = {
      id: randomUUID(),
      sha256,
      md5: createHash('md5').update(bytes).digest('hex'),
      sketchMd5: createHash('md5').update(info.sketch).digest('hex'),
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

  /**
   * Deletes an image that no lamp is assigned any more. Lamps it was already sent to keep its
   * version and sketch MD5 on their record, so their next check still confirms the update.
   */
  delete(id: string): FirmwareImageRecord {
    const image = this.store.image(id);
    if (!image) throw new FirmwareUploadError('firmwareId', `no firmware image with id ${id}`);
    const result = this.store.deleteUnassignedImage(id);
    if (!result.deleted)
      throw new FirmwareUploadError(
        'firmwareId',
        `is still assigned (${describeAssignment(result.assignedTo)}); assign another image or unassign it first`,
      );
    rmSync(this.path(image), { force: true });
    return image;
  }

  /**
   * Opens an image's file to serve it, checking it is all there, before any answer is sent: a
   * file that cannot be read must become an error status, not a truncated download.
   */
  async open(image: FirmwareImageRecord): Promise<FileHandle> {
    let file: FileHandle;
    try {
      file = await open(this.path(image), 'r');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? null;
      if (code && TRANSIENT_OPEN_ERRORS.has(code))
        throw new FirmwareFileError(503, `the file of firmware ${image.version} cannot be opened right now (${code})`, code);
      throw new FirmwareFileError(
        500,
        `the file of firmware ${image.version} cannot be read (${code === 'ENOENT' ? 'it is missing' : (code ?? 'error')})`,
        code,
      );
    }
    try {
      const { size } = await file.stat();
      if (size !== image.size)
        throw new FirmwareFileError(
          500,
          `the file of firmware ${image.version} is damaged: it has ${size} bytes, ${image.size} were kept`,
          null,
        );
      return file;
    } catch (error) {
      await file.close();
      if (error instanceof FirmwareFileError) throw error;
      throw new FirmwareFileError(
        500,
        `the file of firmware ${image.version} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        null,
      );
    }
  }

  path(image: Pick<FirmwareImageRecord, 'sha256'>): string {
    return join(this.directory, `${image.sha256}.bin`);
  }

  /** Gzipped images kept before their sketch MD5 was recorded get it from their file, once. */
  #recordSketchMd5s(): void {
    for (const image of this.store.imagesWithoutSketchMd5()) {
      try {
        const { sketch } = inspectFirmwareImage(readFileSync(this.path(image)), Math.max(this.maxBytes, image.size));
        this.store.setSketchMd5(image.id, createHash('md5').update(sketch).digest('hex'));
      } catch {
        // Unreadable: lamps are then confirmed by the version they report alone.
      }
    }
  }
}

function describeAssignment(macs: string[]): string {
  const lamps = macs.filter((mac) => mac !== '*').length;
  const parts = [
    ...(macs.includes('*') ? ['as the default for all lamps'] : []),
    ...(lamps > 0 ? [`to ${lamps} lamp${lamps === 1 ? '' : 's'}`] : []),
  ];
  return parts.join(', and ');
}
