import { open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { SqliteDatabase } from './database.js';

/** Makes what was written to `file` so far durable; runs off the event loop. */
export type SyncFile = (file: string) => Promise<void>;

/** The write-ahead log could not be synced: changes committed before it may not survive a power cut. */
export class StorageNotSynced extends Error {
  override name = 'StorageNotSynced';
}

/** How long after a failed sync nobody waited for it is tried again. */
const BACKGROUND_RETRY_MS = 5_000;

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
 * before the call is on disk. Callers share syncs (group commit): one that arrives while a sync
 * runs rides on it if that sync already covers every change so far, and otherwise waits for the
 * next one, which starts as soon as the running one ends and covers all who queued for it.
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

  constructor(options: DurabilityOptions) {
    this.#options = options;
  }

  /** Resolves once every change committed before the call is on disk; rejects with `StorageNotSynced` if the sync failed. */
  synced(): Promise<void> {
    const target = this.#options.changes();
    if (target <= this.#syncedChanges) return Promise.resolve();
    if (!this.#running) return this.#start();
    if (this.#running.covers >= target) return this.#running.done;
    if (!this.#queued) {
      let settle!: (outcome: Promise<void>) => void;
      const done = new Promise<void>((resolve) => (settle = resolve));
      this.#queued = { done, settle };
    }
    return this.#queued.done;
  }

  /**
   * Something was just written outside any mutation (a schedule, a fade, an adapter's report
   * of a lamp going offline): it is synced right after this turn of the event loop, with
   * nobody waiting. A failure is logged and tried again a little later.
   */
  changed(): void {
    if (this.#requested || this.#disposed) return;
    this.#requested = true;
    setImmediate(() => {
      this.#requested = false;
      this.synced().catch(() => {
        this.#retry ??= setTimeout(() => {
          this.#retry = undefined;
          this.changed();
        }, BACKGROUND_RETRY_MS).unref();
      });
    });
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
      const queued = this.#queued;
      this.#queued = null;
      if (queued) queued.settle(this.#start());
    });
    this.#running = { covers, done };
    return done;
  }

  /** Stops syncing in the background (the database is about to close); `synced()` still works. */
  dispose(): void {
    this.#disposed = true;
    clearTimeout(this.#retry);
    this.#retry = undefined;
  }
}

/**
 * `fdatasync` of a write-ahead log, opened afresh each time: SQLite may reset or recreate the
 * file, and a log that is gone has been checkpointed into the database, which SQLite syncs itself.
 * The first sync of a log file syncs its directory too, so the file's entry survives.
 */
export function walFileSync(): SyncFile {
  let directorySynced = false;
  return async (file) => {
    let handle;
    try {
      handle = await open(file, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      directorySynced = false; // the next log is a new file
      return;
    }
    try {
      await handle.datasync();
    } finally {
      // Nobody waits for the close: the data is on disk once datasync is done.
      handle.close().catch(() => {});
    }
    if (directorySynced) return;
    const directory = await open(dirname(file), 'r');
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
    directorySynced = true;
  };
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
  const prepare = db.prepare.bind(db);
  db.prepare = ((source: string) => {
    const statement = prepare(source);
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
  }) as typeof db.prepare;
  const exec = db.exec.bind(db);
  db.exec = (source: string) => {
    exec(source);
    durability.changed();
    return db;
  };
  return durability;
}
