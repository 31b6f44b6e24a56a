import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { PubSub } from '../events/pubsub.js';
import { InvalidInput } from '../invalid-input.js';
import type { ScheduleStore } from '../store/schedule-store.js';
import { leadMs, MAX_SCHEDULES, type Schedule, type ScheduleInput, type ScheduleRun } from './schedule.js';
import type { ActionResult, ScheduleActions } from './schedule-actions.js';
import { checkScheduleInput } from './schedule-input.js';
import { isTimeZone, lastOccurrenceBetween, nextOccurrence, type Place, type TimingContext } from './schedule-timing.js';
import { describeSchedule, type ScheduleNames } from './schedule-words.js';
import { catchUpPlan } from './catch-up.js';

/** `schedulesChanged` wakes the list's followers; `scheduleRun` carries each run as it is recorded. */
export type ScheduleEvents = { schedulesChanged: null; scheduleRun: ScheduleRun };

export interface SchedulesOptions {
  store: ScheduleStore;
  actions: ScheduleActions;
  names: ScheduleNames;
  pubsub: PubSub<ScheduleEvents>;
  clock: Clock;
  logger: Logger;
  /** Where sun events happen when a schedule names no place of its own. */
  place: () => Place | null;
  /** The longest a timer sleeps before looking again (clock changes, far-off runs). Default 1 h. */
  maxSleepMs?: number;
}

/** The system's own zone: the default for the home until one is chosen. */
export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/**
 * Schedules as people manage them, and the runner that runs them: a timer set for the next
 * run, set again after each run and after every change. Runs are stored with their outcome.
 * After a restart, `start` first brings each room to what the latest missed run would have set.
 */
export class Schedules {
  readonly #schedules = new Map<string, Schedule>();
  #timeZone: string;
  #timer: NodeJS.Timeout | null = null;
  #started = false;
  /** Runs happen one at a time, in order. */
  #queue: Promise<void> = Promise.resolve();

  constructor(private readonly options: SchedulesOptions) {
    const { schedules, unreadable } = options.store.list();
    for (const schedule of schedules) this.#schedules.set(schedule.id, schedule);
    for (const bad of unreadable)
      options.logger.error({ scheduleId: bad.id, problem: bad.problem }, 'a stored schedule cannot be read; it is not run');
    const stored = options.store.loadTimeZone();
    this.#timeZone = stored !== undefined && isTimeZone(stored) ? stored : systemTimeZone();
  }

  timeZone(): string {
    return this.#timeZone;
  }

  setTimeZone(timeZone: string): string {
    const name = timeZone.trim();
    if (!isTimeZone(name))
      throw new InvalidInput('timeZone', `is not a time zone this server knows (an IANA name such as "Europe/Zurich"), got "${timeZone}"`);
    this.#timeZone = new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
    this.options.store.saveTimeZone(this.#timeZone);
    this.#changed();
    return this.#timeZone;
  }

  list(): Schedule[] {
    return [...this.#schedules.values()];
  }

  find(id: string): Schedule | undefined {
    return this.#schedules.get(id);
  }

  require(id: string, argument = 'scheduleId'): Schedule {
    const schedule = this.find(id);
    if (!schedule) throw new InvalidInput(argument, `no schedule with id ${id}`);
    return schedule;
  }

  create(input: ScheduleInput): Schedule {
    if (this.#schedules.size >= MAX_SCHEDULES) throw new InvalidInput('input', `at most ${MAX_SCHEDULES} schedules`);
    const checked = this.#check(input);
    const now = this.options.clock.now();
    return this.#save({ id: randomUUID(), ...checked, createdAt: now, updatedAt: now, handledUntil: now });
  }

  /** Replaces a schedule's name, timing and action; occurrences before now are not run for it. */
  update(id: string, input: ScheduleInput): Schedule {
    const current = this.require(id);
    const now = this.options.clock.now();
    return this.#save({ ...current, ...this.#check(input), updatedAt: now, handledUntil: now });
  }

  /** A schedule switched back on starts from now: what it missed while off is not caught up. */
  setEnabled(id: string, enabled: boolean): Schedule {
    const current = this.require(id);
    if (current.enabled === enabled) return current;
    const now = this.options.clock.now();
    return this.#save({ ...current, enabled, updatedAt: now, handledUntil: enabled ? now : current.handledUntil });
  }

  delete(id: string): Schedule {
    const schedule = this.require(id);
    this.options.store.delete(id);
    this.#schedules.delete(id);
    this.#changed();
    return schedule;
  }

  /** When its action next starts (for a wake-up, the alarm minus its duration); null when never or disabled. */
  nextRunAt(schedule: Schedule): Date | null {
    if (!schedule.enabled) return null;
    const now = this.options.clock.now();
    try {
      return this.#nextStart(schedule, schedule.handledUntil > now ? schedule.handledUntil : now);
    } catch {
      return null; // a sun schedule whose place is no longer known: it says so when it runs
    }
  }

  describe(schedule: Schedule): string {
    return describeSchedule(schedule.when, schedule.what, this.options.names);
  }

  lastRun(scheduleId: string): ScheduleRun | null {
    return this.options.store.lastRun(scheduleId);
  }

  /** Runs newest first: `limit` of them, older than run `beforeId` when given. */
  runs(scheduleId: string, limit: number, beforeId: number | null): ScheduleRun[] {
    return this.options.store.runs(scheduleId, limit, beforeId);
  }

  /** Runs a schedule's action now, enabled or not; its timing is untouched. */
  runNow(id: string): Promise<ScheduleRun> {
    const schedule = this.require(id);
    return this.#serial(() => this.#execute(schedule, this.options.clock.now(), false));
  }

  /** Catches up what was missed while the server was down, then keeps the timer set. */
  async start(): Promise<void> {
    this.#started = true;
    await this.#serial(() => this.catchUp());
    this.#arm();
  }

  stop(): void {
    this.#started = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /**
   * For each room, applies the latest run that should have happened since each schedule was
   * last handled; the runs it replaces, and commands, are recorded as skipped.
   */
  async catchUp(): Promise<void> {
    const now = this.options.clock.now();
    const missed = this.list().flatMap((schedule) => {
      const scheduledFor = schedule.enabled ? this.#safeLastStart(schedule, now) : null;
      return scheduledFor ? [{ schedule, scheduledFor }] : [];
    });
    const plan = catchUpPlan(missed, (sceneId) => this.options.actions.sceneRooms(sceneId));
    for (const { schedule } of missed) this.#setHandled(schedule, now);
    for (const { entry, apply } of plan) {
      if (apply) await this.#execute(entry.schedule, entry.scheduledFor, true);
      else
        this.#record(entry.schedule, entry.scheduledFor, true, {
          outcome: 'SKIPPED',
          message: 'missed while the server was down; a later run set its rooms',
        });
    }
    if (missed.length > 0) this.#changed();
  }

  /** Runs every schedule whose time has come (the latest occurrence of each, once). */
  async runDue(): Promise<void> {
    const now = this.options.clock.now();
    const due = this.list()
      .flatMap((schedule) => {
        const scheduledFor = schedule.enabled ? this.#safeLastStart(schedule, now) : null;
        return scheduledFor ? [{ schedule, scheduledFor }] : [];
      })
      .sort((a, b) => a.scheduledFor.getTime() - b.scheduledFor.getTime());
    for (const { schedule, scheduledFor } of due) {
      this.#setHandled(schedule, now);
      await this.#execute(schedule, scheduledFor, false);
    }
    if (due.length > 0) this.#changed();
  }

  /** The list at once, then again after every change or run. */
  async *updates(signal?: AbortSignal): AsyncGenerator<Schedule[]> {
    const wakes = this.options.pubsub.latest('schedulesChanged', signal);
    try {
      yield this.list();
      for await (const _wake of wakes) yield this.list();
    } finally {
      await wakes.return?.();
    }
  }

  /** Each run as it is recorded. */
  runEvents(signal?: AbortSignal): AsyncIterableIterator<ScheduleRun> {
    return this.options.pubsub.subscribe('scheduleRun', signal);
  }

  #context(): TimingContext {
    return { timeZone: this.#timeZone, place: this.options.place };
  }

  #check(input: ScheduleInput): ScheduleInput {
    return checkScheduleInput(input, this.#context(), this.options.names, this.options.actions);
  }

  #nextStart(schedule: Schedule, after: Date): Date | null {
    const lead = leadMs(schedule.what);
    const next = nextOccurrence(schedule.when, new Date(after.getTime() + lead), this.#context());
    return next && new Date(next.getTime() - lead);
  }

  /** The latest start in (handledUntil, now]; null when none, or when it cannot be computed (logged). */
  #safeLastStart(schedule: Schedule, now: Date): Date | null {
    const lead = leadMs(schedule.what);
    try {
      const from = new Date(schedule.handledUntil.getTime() + lead);
      const last = lastOccurrenceBetween(schedule.when, from, new Date(now.getTime() + lead), this.#context());
      return last && new Date(last.getTime() - lead);
    } catch (error) {
      this.options.logger.warn({ scheduleId: schedule.id, error: (error as Error).message }, 'cannot compute when a schedule runs');
      return null;
    }
  }

  async #execute(schedule: Schedule, scheduledFor: Date, catchUp: boolean): Promise<ScheduleRun> {
    let result: ActionResult | { outcome: 'FAILED'; message: string };
    try {
      result = catchUp
        ? await this.options.actions.catchUp(schedule.what, scheduledFor, this.options.clock.now())
        : await this.options.actions.run(schedule.what);
    } catch (error) {
      result = { outcome: 'FAILED', message: error instanceof Error ? error.message : String(error) };
    }
    return this.#record(schedule, scheduledFor, catchUp, result);
  }

  #record(
    schedule: Schedule,
    scheduledFor: Date,
    catchUp: boolean,
    result: { outcome: ScheduleRun['outcome']; message: string },
  ): ScheduleRun {
    const message = catchUp ? `catch-up after a restart: ${result.message}` : result.message;
    const run = this.options.store.addRun({
      scheduleId: schedule.id,
      scheduledFor,
      ranAt: this.options.clock.now(),
      outcome: result.outcome,
      message,
      catchUp,
    });
    const log = result.outcome === 'FAILED' ? 'warn' : 'info';
    this.options.logger[log]({ scheduleId: schedule.id, outcome: run.outcome, catchUp }, `schedule run: ${message}`);
    this.options.pubsub.publish('scheduleRun', run);
    this.options.pubsub.publish('schedulesChanged', null);
    return run;
  }

  #setHandled(schedule: Schedule, until: Date): void {
    const current = this.#schedules.get(schedule.id);
    if (!current) return;
    this.options.store.setHandledUntil(schedule.id, until);
    this.#schedules.set(schedule.id, { ...current, handledUntil: until });
  }

  #save(schedule: Schedule): Schedule {
    this.options.store.save(schedule);
    this.#schedules.set(schedule.id, schedule);
    this.#changed();
    return schedule;
  }

  #changed(): void {
    this.options.pubsub.publish('schedulesChanged', null);
    if (this.#started) this.#arm();
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(work);
    this.#queue = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Sets the one timer for the earliest next run; never sleeps longer than `maxSleepMs`. */
  #arm(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (!this.#started) return;
    const now = this.options.clock.now().getTime();
    let earliest = now + (this.options.maxSleepMs ?? 3_600_000);
    for (const schedule of this.#schedules.values()) {
      const next = this.nextRunAt(schedule);
      if (next && next.getTime() < earliest) earliest = next.getTime();
    }
    this.#timer = setTimeout(
      () => {
        this.#timer = null;
        void this.#serial(() => this.runDue()).finally(() => this.#arm());
      },
      Math.max(0, earliest - now),
    );
    // The timer alone must not keep the process alive.
    this.#timer.unref();
  }
}
