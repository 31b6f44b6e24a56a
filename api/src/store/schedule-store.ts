import { StoredAction, StoredWhen, type RunOutcome, type Schedule, type ScheduleRun } from '../schedules/schedule.js';
import type { SqliteDatabase } from './database.js';

interface ScheduleRow {
  id: string;
  name: string | null;
  enabled: 0 | 1;
  when_json: string;
  what_json: string;
  created_at: string;
  updated_at: string;
  handled_until: string;
}

interface RunRow {
  id: number;
  schedule_id: string;
  scheduled_for: string;
  ran_at: string;
  outcome: RunOutcome;
  message: string;
  catch_up: 0 | 1;
}

/** A stored schedule that could not be read back, with why. */
export interface UnreadableSchedule {
  id: string;
  problem: string;
}

const TIME_ZONE_KEY = 'home_time_zone';

/** Schedules, their runs, and the home's time zone. */
export class ScheduleStore {
  readonly #list;
  readonly #upsert;
  readonly #setHandled;
  readonly #delete;
  readonly #insertRun;
  readonly #runs;
  readonly #lastRun;
  readonly #readSetting;
  readonly #writeSetting;

  constructor(db: SqliteDatabase) {
    this.#list = db.prepare<[], ScheduleRow>('SELECT * FROM schedules ORDER BY created_at, id');
    this.#upsert = db.prepare(
      `INSERT INTO schedules (id, name, enabled, when_json, what_json, created_at, updated_at, handled_until)
       VALUES (@id, @name, @enabled, @when_json, @what_json, @created_at, @updated_at, @handled_until)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, enabled = excluded.enabled, when_json = excluded.when_json,
         what_json = excluded.what_json, updated_at = excluded.updated_at, handled_until = excluded.handled_until`,
    );
    this.#setHandled = db.prepare<[string, string]>('UPDATE schedules SET handled_until = ? WHERE id = ?');
    this.#delete = db.prepare<[string]>('DELETE FROM schedules WHERE id = ?');
    this.#insertRun = db.prepare<[string, string, string, RunOutcome, string, number], RunRow>(
      `INSERT INTO schedule_runs (schedule_id, scheduled_for, ran_at, outcome, message, catch_up) VALUES (?, ?, ?, ?, ?, ?)
       RETURNING *`,
    );
    this.#runs = db.prepare<[string, number, number], RunRow>(
      'SELECT * FROM schedule_runs WHERE schedule_id = ? AND id < ? ORDER BY id DESC LIMIT ?',
    );
    this.#lastRun = db.prepare<[string], RunRow>('SELECT * FROM schedule_runs WHERE schedule_id = ? ORDER BY id DESC LIMIT 1');
    this.#readSetting = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
    this.#writeSetting = db.prepare<[string, string]>(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
  }

  /** Every schedule that reads back whole, and those that do not (kept, not run). */
  list(): { schedules: Schedule[]; unreadable: UnreadableSchedule[] } {
    const schedules: Schedule[] = [];
    const unreadable: UnreadableSchedule[] = [];
    for (const row of this.#list.all()) {
      const when = StoredWhen.safeParse(safeJson(row.when_json));
      const what = StoredAction.safeParse(safeJson(row.what_json));
      if (!when.success || !what.success) {
        unreadable.push({ id: row.id, problem: (when.error ?? what.error)?.message ?? 'unreadable' });
        continue;
      }
      schedules.push({
        id: row.id,
        name: row.name,
        enabled: row.enabled === 1,
        when: when.data,
        what: what.data,
        createdAt: new Date(row.created_at),
        updatedAt: new Date(row.updated_at),
        handledUntil: new Date(row.handled_until),
      });
    }
    return { schedules, unreadable };
  }

  save(schedule: Schedule): void {
    this.#upsert.run({
      id: schedule.id,
      name: schedule.name,
      enabled: schedule.enabled ? 1 : 0,
      when_json: JSON.stringify(schedule.when),
      what_json: JSON.stringify(schedule.what),
      created_at: schedule.createdAt.toISOString(),
      updated_at: schedule.updatedAt.toISOString(),
      handled_until: schedule.handledUntil.toISOString(),
    });
  }

  setHandledUntil(id: string, until: Date): void {
    this.#setHandled.run(until.toISOString(), id);
  }

  /** Deletes the schedule and its runs. */
  delete(id: string): void {
    this.#delete.run(id);
  }

  addRun(run: Omit<ScheduleRun, 'id'>): ScheduleRun {
    const row = this.#insertRun.get(
      run.scheduleId,
      run.scheduledFor.toISOString(),
      run.ranAt.toISOString(),
      run.outcome,
      run.message,
      run.catchUp ? 1 : 0,
    )!;
    return runOf(row);
  }

  /** Runs newest first, `limit` of them, older than the run `beforeId` when given. */
  runs(scheduleId: string, limit: number, beforeId: number | null): ScheduleRun[] {
    return this.#runs.all(scheduleId, beforeId ?? Number.MAX_SAFE_INTEGER, limit).map(runOf);
  }

  lastRun(scheduleId: string): ScheduleRun | null {
    const row = this.#lastRun.get(scheduleId);
    return row ? runOf(row) : null;
  }

  loadTimeZone(): string | undefined {
    return this.#readSetting.get(TIME_ZONE_KEY)?.value;
  }

  saveTimeZone(timeZone: string): void {
    this.#writeSetting.run(TIME_ZONE_KEY, timeZone);
  }
}

function runOf(row: RunRow): ScheduleRun {
  return {
    id: String(row.id),
    scheduleId: row.schedule_id,
    scheduledFor: new Date(row.scheduled_for),
    ranAt: new Date(row.ran_at),
    outcome: row.outcome,
    message: row.message,
    catchUp: row.catch_up === 1,
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
