import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { DisplayState, DisplayTarget, DisplayTransition } from '../display/display-state.js';
import type { FadeRunner, FadeStart, RoomDisplays } from '../rooms/room-displays.js';
import type { FadeStore, StoredFade } from '../store/fade-store.js';
import {
  canFade,
  displayAt,
  fadePath,
  MAX_TRANSITION_MS,
  MIN_STEP_SPACING_MS,
  stepsOf,
  type FadePath,
  type FadeStep,
} from './fade-plan.js';
import { WAKE_UP_TARGET, wakeUpPath } from './wake-up-curve.js';

/** A fade being stepped: its path, its steps still to come, and the timer for the next. */
interface Running {
  fade: StoredFade;
  path: FadePath;
  durationMs: number;
  /** The steps after the one shown, computed as they come due. */
  steps: Iterator<FadeStep, void> | undefined;
  next: FadeStep | undefined;
  lastStepAt: number;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Steps the rooms' fades, wake-up lights and sleep timers: one timer per fading room, each step
 * shown through RoomDisplays like any change. Every fade is stored when it begins and removed
 * when it ends or is cancelled, so that a restart resumes it on the same path with the time
 * left; one whose end passed while the server was down is shown at its end at once.
 */
export class RoomFades implements FadeRunner {
  readonly #running = new Map<string, Running>();
  #stopped = false;

  constructor(
    private readonly displays: RoomDisplays,
    private readonly store: FadeStore,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    for (const fade of store.list()) {
      if (displays.find(fade.roomId)) this.#running.set(fade.roomId, running(fade));
      else store.delete([fade.roomId]);
    }
    displays.attachFades(this);
  }

  /** Resumes the fades stored before a restart. */
  start(): void {
    this.#stopped = false;
    for (const entry of [...this.#running.values()]) {
      if (entry.timer !== undefined) continue;
      if (entry.steps === undefined) {
        // Where the fade would be now, had the server not stopped; then on from there.
        const elapsed = this.clock.now().getTime() - entry.fade.startedAt.getTime();
        if (elapsed < entry.durationMs) {
          const display = displayAt(entry.path, entry.durationMs, elapsed);
          this.displays.showTransitionStep(entry.fade.roomId, display, transitionOf(entry.fade));
        }
        this.#stepFrom(entry, elapsed);
      }
      this.#step(entry);
    }
  }

  /** Stops every timer; the fades stay stored, to resume on the next start. */
  stop(): void {
    this.#stopped = true;
    for (const entry of this.#running.values()) {
      clearTimeout(entry.timer);
      entry.timer = undefined;
    }
  }

  /** The fade running in this room, if any (a wake-up light waiting to turn off counts). */
  running(roomId: string): StoredFade | undefined {
    return this.#running.get(roomId)?.fade;
  }

  canFade(from: DisplayTarget, to: DisplayTarget): boolean {
    return canFade(from, to);
  }

  cancel(roomIds: readonly string[]): void {
    const ended = roomIds.filter((roomId) => this.#running.has(roomId));
    if (ended.length === 0) return;
    for (const roomId of ended) {
      clearTimeout(this.#running.get(roomId)!.timer);
      this.#running.delete(roomId);
    }
    this.store.delete(ended);
  }

  begin(fades: readonly FadeStart[]): void {
    const stored = fades.map(({ roomId, from, transition }): StoredFade => ({
      roomId,
      kind: transition.kind,
      from,
      target: transition.target,
      startedAt: transition.startedAt,
      endsAt: transition.endsAt,
      offAt: null,
    }));
    this.store.save(stored);
    for (const fade of stored) this.#track(fade);
  }

  /**
   * Starts a wake-up light now: the room goes off, then rises along the wake-up curve to full
   * warm white at now + durationMs, and turns off `offAfterMs` later (never when null).
   */
  wakeUp(roomId: string, o: { durationMs: number; offAfterMs: number | null }): DisplayState {
    checkDuration('durationMs', o.durationMs);
    if (o.offAfterMs !== null && !(o.offAfterMs > 0)) throw new RangeError(`offAfterMs must be positive, got ${o.offAfterMs}`);
    const current = this.#require(roomId);
    this.cancel([roomId]);
    const now = this.clock.now();
    const endsAt = new Date(now.getTime() + o.durationMs);
    const fade: StoredFade = {
      roomId,
      kind: 'WAKE_UP',
      from: targetOf(current),
      target: WAKE_UP_TARGET,
      startedAt: now,
      endsAt,
      offAt: o.offAfterMs === null ? null : new Date(endsAt.getTime() + o.offAfterMs),
    };
    this.store.save([fade]);
    const state = this.displays.showTransitionStep(roomId, wakeUpPath(0), transitionOf(fade));
    this.#track(fade);
    return state;
  }

  /** Fades what the room shows to off over `durationMs` (weather is kept until the end). A room already off stays so. */
  sleepTimer(roomId: string, durationMs: number): DisplayState {
    checkDuration('durationMs', durationMs);
    const current = this.#require(roomId);
    this.cancel([roomId]);
    const from = targetOf(current);
    if (from.mode === 'OFF') return this.displays.showTransitionStep(roomId, from, null);
    const now = this.clock.now();
    const fade: StoredFade = {
      roomId,
      kind: 'SLEEP',
      from,
      target: { ...from, mode: 'OFF' },
      startedAt: now,
      endsAt: new Date(now.getTime() + durationMs),
      offAt: null,
    };
    this.store.save([fade]);
    const state = this.displays.showTransitionStep(roomId, from, transitionOf(fade));
    this.#track(fade);
    return state;
  }

  #require(roomId: string): DisplayState {
    const state = this.displays.find(roomId);
    if (!state) throw new Error(`no room with id ${roomId}`);
    return state;
  }

  #track(fade: StoredFade): void {
    const entry = running(fade);
    entry.lastStepAt = this.clock.now().getTime();
    this.#stepFrom(entry, 0);
    this.#running.set(fade.roomId, entry);
    this.#schedule(entry, 0);
  }

  #stepFrom(entry: Running, elapsed: number): void {
    entry.steps = stepsOf(entry.path, entry.durationMs, elapsed);
    entry.next = nextOf(entry.steps);
  }

  #schedule(entry: Running, delayMs: number): void {
    if (this.#stopped) return;
    entry.timer = setTimeout(() => this.#step(entry), Math.max(0, delayMs));
    entry.timer.unref();
  }

  /** Shows the step due now (skipping any the timer was too late for), then waits for the next. */
  #step(entry: Running): void {
    entry.timer = undefined;
    const { fade } = entry;
    if (this.#stopped || this.#running.get(fade.roomId) !== entry) return;
    try {
      const now = this.clock.now().getTime();
      const elapsed = now - fade.startedAt.getTime();
      if (elapsed >= entry.durationMs) {
        this.#end(entry, now);
        return;
      }
      let due: FadeStep | undefined;
      while (entry.next !== undefined && entry.next.atMs <= elapsed) {
        due = entry.next;
        entry.next = nextOf(entry.steps!);
      }
      if (due !== undefined) {
        this.displays.showTransitionStep(fade.roomId, due.display, transitionOf(fade));
        entry.lastStepAt = now;
      }
      const nextAt = entry.next?.atMs ?? entry.durationMs;
      this.#schedule(entry, Math.max(nextAt - elapsed, entry.lastStepAt + MIN_STEP_SPACING_MS - now));
    } catch (error) {
      this.logger.error({ err: error, roomId: fade.roomId }, 'a fade step failed; the fade is dropped');
      this.cancel([fade.roomId]);
    }
  }

  /** The fade's end: its target; a wake-up light that turns off later waits for that. */
  #end(entry: Running, now: number): void {
    const { fade } = entry;
    const offAt = fade.offAt?.getTime();
    if (offAt !== undefined && now >= offAt) {
      this.#finish(fade.roomId);
      this.displays.showTransitionStep(fade.roomId, { ...fade.target, mode: 'OFF' }, null);
      return;
    }
    this.displays.showTransitionStep(fade.roomId, fade.target, null);
    if (offAt === undefined) this.#finish(fade.roomId);
    else this.#schedule(entry, offAt - now);
  }

  #finish(roomId: string): void {
    this.#running.delete(roomId);
    this.store.delete([roomId]);
  }
}

function running(fade: StoredFade): Running {
  const path = fade.kind === 'WAKE_UP' ? wakeUpPath : fadePath(fade.from, fade.target);
  const durationMs = fade.endsAt.getTime() - fade.startedAt.getTime();
  return { fade, path, durationMs, steps: undefined, next: undefined, lastStepAt: 0, timer: undefined };
}

function nextOf(steps: Iterator<FadeStep, void>): FadeStep | undefined {
  const next = steps.next();
  return next.done ? undefined : next.value;
}

function transitionOf(fade: StoredFade): DisplayTransition {
  return { kind: fade.kind, target: fade.target, startedAt: fade.startedAt, endsAt: fade.endsAt };
}

function targetOf(state: DisplayTarget): DisplayTarget {
  return { mode: state.mode, color: { ...state.color }, pulse: state.pulse };
}

function checkDuration(name: string, ms: number): void {
  if (!(ms > 0 && ms <= MAX_TRANSITION_MS)) throw new RangeError(`${name} must be from 1 to ${MAX_TRANSITION_MS}, got ${ms}`);
}
