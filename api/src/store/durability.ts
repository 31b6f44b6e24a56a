import { open, stat, type FileHandle } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { SqliteDatabase } from './database.js';

/** Makes what was written to `file` so far durable, off the event loop; `close` lets go of the file. */
export type SyncFile = ((file: string) => Promise<void>) & { close?(): Promise<void> };

/** The write-ahead log could not be synced: changes committed before it may not survive a power cut. */
export class StorageNotSynced extends Error {
  override name = 'StorageNotSynced';
}

/** How long after a failed sync nobody waited for it (or a failed deferred write) is tried again. */
const BACKGROUND_RETRY_MS = 5_000;

/**
 * A commit put off to the end of the turn (`Durability.deferWrite`). It writes what is current
 * when it runs, so making it again, or once for several changes, is right; it throws when the
 * database refused it.
 */
export type DeferredWrite = () => void;

interface DurabilityOptions {
  /** Rows changed through the connection since it opened (SQLite's `total_changes()`). */
  changes(): number;
  /** Whether a transaction is open on the connection (its changes are counted, not yet committed). */
  inTransaction(): boolean;
  /** The database's write-ahead log; null for a database in memory. */
  walFile: string | null;
  syncFile: SyncFile;
  logger: Logger;
}

/**
 * The durability barrier. The database commits without waiting for the disk (WAL with
 * `synchronous = NORMAL`), so a commit costs the event loop no fsync; `synced()` then syncs
 * the write-ahead log on libuv's thread pool, and its promise settles once every commit made
 * before the call is on disk. Callers share syncs (group commit): those of one event-loop turn
 * share the sync that starts after it; one that arrives while a sync runs rides on it if that
 * sync already covers every change so far, and otherwise waits for the next one, which starts
 * as soon as the running one ends and covers all who queued for it.
 */
export class Durability {
  readonly #options: DurabilityOptions;
  /** Changes (by the connection's count) known to be on disk; -1 before the first sync. */
  #syncedChanges = -1;
  #running: { covers: number; done: Promise<void> } | null = null;
  #queued: { done: Promise<void>; settle(outcome: Promise<void>): void } | null = null;
  #requested = false;
  #retry: NodeJS.Timeout | undefined;
  #disposed = false;
  /** The writes deferred in this turn, and what the syncs asked for meanwhile wait on. */
  #deferred: { writes: Set<DeferredWrite>; done: Promise<void> } | null = null;
  /** Deferred writes that failed, to be made again later. */
  readonly #failedWrites = new Set<DeferredWrite>();
  #writeRetry: NodeJS.Timeout | undefined;

  constructor(options: DurabilityOptions) {
    this.#options = options;
  }

  /**
   * Resolves once every change committed or deferred before the call is on disk; rejects with
   * `StorageNotSynced` if a deferred write or the sync failed.
   */
  synced(): Promise<void> {
    if (this.#deferred) return this.#deferred.done.then(() => this.synced());
    const target = this.#options.changes();
    if (target <= this.#syncedChanges) return Promise.resolve();
    if (this.#running && this.#running.covers >= target) return this.#running.done;
    if (!this.#queued) {
      let settle!: (outcome: Promise<void>) => void;
      const done = new Promise<void>((resolve) => (settle = resolve));
      this.#queued = { done, settle };
      // With nothing running, the sync starts once this turn of the event loop is over: what
      // the change set off in this turn (a room's frame on its way to the lamps) goes first,
      // and every commit of the turn rides on the one sync.
      if (!this.#running) setImmediate(() => this.#startQueued());
    }
    return this.#queued.done;
  }

  /**
   * Something was just written. Made by a mutation, its `synced()` call covers it already;
   * made outside any (a schedule, a fade, the lamps' last-seen times), it is synced right after
   * this turn of the event loop with nobody waiting. A failure is logged and tried again later.
   */
  changed(): void {
    if (this.#requested || this.#disposed) return;
    this.#requested = true;
    setImmediate(() => {
      this.#requested = false;
      if (this.#disposed) return;
      this.synced().catch(() => {
        this.#retry ??= setTimeout(() => {
          this.#retry = undefined;
          this.changed();
        }, BACKGROUND_RETRY_MS).unref();
      });
    });
  }

  /**
   * Makes `write` once the microtasks of this turn have run, and before the sync that follows:
   * what a change sets off in this turn (its room's frame on the way to the lamps) does not wait
   * for the database, while `synced()` still waits for the write. The same write deferred again
   * in the turn is made once. One that fails is logged and made again later, and the syncs
   * waiting on it fail with `StorageNotSynced`.
   */
  deferWrite(write: DeferredWrite): void {
    if (this.#deferred) {
      this.#deferred.writes.add(write);
      return;
    }
    const writes = new Set([write]);
    const done = new Promise<void>((resolve, reject) => {
      setImmediate(() => {
        this.#deferred = null;
        const failure = this.#makeWrites(writes);
        if (failure) reject(failure);
        else resolve();
      });
    });
    // Nobody may be waiting (a fade's step): the failure is logged by #makeWrites, not left unhandled.
    done.catch(() => {});
    this.#deferred = { writes, done };
  }

  #makeWrites(writes: Iterable<DeferredWrite>): Error | null {
    let failure: Error | null = null;
    for (const write of writes) {
      try {
        write();
      } catch (error) {
        this.#options.logger.error({ err: error }, 'could not store a change in the database');
        failure ??= new StorageNotSynced(`could not store the change in the database: ${(error as Error).message}`);
        this.#failedWrites.add(write);
      }
    }
    if (this.#failedWrites.size > 0 && !this.#disposed) {
      this.#writeRetry ??= setTimeout(() => {
        this.#writeRetry = undefined;
        const failed = [...this.#failedWrites];
        this.#failedWrites.clear();
        for (const write of failed) this.deferWrite(write);
      }, BACKGROUND_RETRY_MS).unref();
    }
    return failure;
  }

  #start(): Promise<void> {
    // Inside an open transaction the count includes changes not yet committed: claim none of them.
    const covers = this.#options.inTransaction() ? this.#syncedChanges : this.#options.changes();
    const { walFile, syncFile, logger } = this.#options;
    const done = (async () => {
      try {
        if (walFile) await syncFile(walFile);
      } catch (error) {
        logger.error({ err: error }, 'could not sync the database to disk');
        throw new StorageNotSynced(`could not sync the database to disk: ${(error as Error).message}`);
      }
      this.#syncedChanges = Math.max(this.#syncedChanges, covers);
    })().finally(() => {
      this.#running = null;
      this.#startQueued();
    });
    this.#running = { covers, done };
    return done;
  }

  #startQueued(): void {
    const queued = this.#queued;
    if (!queued || this.#running) return;
    this.#queued = null;
    queued.settle(this.#start());
  }

  /** Stops syncing in the background and lets go of the log (the database is about to close). */
  async dispose(): Promise<void> {
    this.#disposed = true;
    clearTimeout(this.#retry);
    this.#retry = undefined;
    clearTimeout(this.#writeRetry);
    this.#writeRetry = undefined;
    // Writes still deferred, or waiting to be tried again, get their last chance now.
    await this.#deferred?.done.catch(() => {});
    const failed = [...this.#failedWrites];
    this.#failedWrites.clear();
    this.#makeWrites(failed);
    // A sync queued for after this turn still runs: its callers were promised one.
    while (this.#running || this.#queued) await (this.#running?.done ?? this.#queued?.done)?.catch(() => {});
    await this.#options.syncFile.close?.();
  }
}

/**
 * `fdatasync` of a write-ahead log through a handle kept open: each sync is then one trip to
 * the thread pool, which matters when the event loop is busy. SQLite resets the log in place
 * (same file); should the file at the path ever be another one (recreated) or gone (checkpointed
 * into the database, which SQLite syncs itself), a `stat` made beside the sync notices, and the
 * new file is opened and synced. A newly opened log's directory is synced too, so that its entry
 * survives.
 */
export function walFileSync(): SyncFile & { close(): Promise<void> } {
  let held: { handle: FileHandle; ino: number } | null = null;
  let closed = false;
  const openLog = async (file: string) => {
    let handle;
    try {
      handle = await open(file, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    try {
      await handle.datasync();
      const directory = await open(dirname(file), 'r');
      await directory.sync().finally(() => directory.close());
      return { handle, ino: (await handle.stat()).ino };
    } catch (error) {
      await handle.close();
      throw error;
    }
  };
  const sync = async (file: string) => {
    if (held) {
      const [, current] = await Promise.all([held.handle.datasync(), stat(file).catch(missing)]);
      if (current?.ino === held.ino) return;
      await held.handle.close();
      held = null;
      if (!current) return;
    }
    held = await openLog(file);
    if (closed) await close();
  };
  const close = async () => {
    closed = true;
    const handle = held?.handle;
    held = null;
    await handle?.close();
  };
  return Object.assign(sync, { close });
}

function missing(error: NodeJS.ErrnoException): null {
  if (error.code === 'ENOENT') return null;
  throw error;
}

/**
 * The barrier for `db`. Every statement that can write, prepared on `db` from now on, asks for
 * a sync right after it runs (`changed`): the one place that sees every write, whoever makes it.
 * Stores must therefore be built after this.
 */
export function durabilityOf(db: SqliteDatabase, logger: Logger, syncFile: SyncFile = walFileSync()): Durability {
  const totalChanges = db.prepare<[], number>('SELECT total_changes()').pluck();
  const durability = new Durability({
    // Closing checkpointed the log into the database file and synced it: nothing left to sync.
    changes: () => (db.open ? totalChanges.get()! : -1),
    inTransaction: () => db.inTransaction,
    walFile: db.memory ? null : `${resolve(db.name)}-wal`,
    syncFile,
    logger,
  });
  // The class's own methods, called on whatever `this` the caller has: a wrapper around the
  // connection (a Proxy counting statements, say) keeps working and is not called back.
  const prepare = (on: SqliteDatabase, source: string) => Database.prototype.prepare.call(on, source);
  const exec = (on: SqliteDatabase, source: string) => Database.prototype.exec.call(on, source);
  db.prepare = function (this: SqliteDatabase, source: string) {
    const statement = prepare(this, source);
    if (statement.readonly) return statement;
    // RETURNING statements write through get/all/iterate too.
    for (const method of ['run', 'get', 'all', 'iterate'] as const) {
      const original = statement[method].bind(statement) as (...params: unknown[]) => unknown;
      (statement as unknown as Record<string, unknown>)[method] = (...params: unknown[]) => {
        const result = original(...params);
        durability.changed();
        return result;
      };
    }
    return statement;
  } as typeof db.prepare;
  db.exec = function (this: SqliteDatabase, source: string) {
    exec(this, source);
    durability.changed();
    return this;
  };
  return durability;
}
