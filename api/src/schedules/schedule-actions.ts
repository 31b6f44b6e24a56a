import type { Command } from '@cloud-cloud/protocol/packet';
import type { CommandTarget, LampCommandResult } from '../commands/lamp-commands.js';
import type { RoomChange } from '../rooms/room-displays.js';
import { MINUTE_MS, type ScheduleAction } from './schedule.js';

/** The parts of the domain a schedule acts through; each is one service's own operation. */
export interface ScheduleEffects {
  roomDisplays: { changeRooms(changes: RoomChange[], options?: { transitionMs?: number }): unknown };
  rooms: { find(roomId: string): { name: string } | undefined };
  commands: { send(command: Command, target?: CommandTarget): Promise<LampCommandResult> };
  /** Absent: schedules cannot apply scenes here. */
  scenes?: {
    apply(sceneId: string, options?: { transitionMs?: number }): unknown;
    find(sceneId: string): { name: string; rooms: readonly { roomId: string }[] } | undefined;
  };
  /** Absent: schedules cannot start wake-up lights or sleep timers here. */
  fades?: {
    wakeUp(roomId: string, options: { durationMs: number; offAfterMs: number | null }): unknown;
    sleepTimer(roomId: string, durationMs: number): unknown;
  };
}

/** What running an action did; a failure is thrown as an Error with its message. */
export interface ActionResult {
  outcome: 'SUCCEEDED' | 'SKIPPED';
  message: string;
}

/** Runs schedules' actions through the domain services, and says what happened in words. */
export class ScheduleActions {
  constructor(private readonly effects: ScheduleEffects) {}

  /** Which action kinds this server can run (scenes and fades may be absent). */
  supports(kind: ScheduleAction['kind']): boolean {
    if (kind === 'applyScene') return this.effects.scenes !== undefined;
    if (kind === 'wakeUp' || kind === 'sleepTimer') return this.effects.fades !== undefined;
    return true;
  }

  /** The rooms a scene sets; none for a scene that is gone. */
  sceneRooms(sceneId: string): string[] {
    return this.effects.scenes?.find(sceneId)?.rooms.map((room) => room.roomId) ?? [];
  }

  /** Runs the action now, as its time has come. */
  async run(what: ScheduleAction): Promise<ActionResult> {
    switch (what.kind) {
      case 'applyScene': {
        const scene = this.#scene(what.sceneId);
        this.#scenes().apply(what.sceneId, { transitionMs: what.transitionSeconds * 1000 });
        return done(`applied scene ${scene.name}`);
      }
      case 'setRooms':
      case 'turnOff': {
        const names = this.#roomNames(what.roomIds);
        const change = what.kind === 'turnOff' ? { mode: 'OFF' as const } : displayChangeOf(what);
        this.effects.roomDisplays.changeRooms(
          what.roomIds.map((roomId) => ({ roomId, change })),
          { transitionMs: what.transitionSeconds * 1000 },
        );
        return done(`${what.kind === 'turnOff' ? 'turned off' : 'set'} ${names}`);
      }
      case 'wakeUp':
        this.#roomNames([what.roomId]);
        this.#fades().wakeUp(what.roomId, {
          durationMs: what.durationMinutes * MINUTE_MS,
          offAfterMs: what.offAfterMinutes === null ? null : what.offAfterMinutes * MINUTE_MS,
        });
        return done(`wake-up light started, full light in ${what.durationMinutes} min`);
      case 'sleepTimer':
        this.#roomNames([what.roomId]);
        this.#fades().sleepTimer(what.roomId, what.durationMinutes * MINUTE_MS);
        return done(`sleep timer started, off in ${what.durationMinutes} min`);
      case 'sendCommand': {
        const result = await this.effects.commands.send(what.command, { roomId: what.roomId, lampIds: what.lampIds });
        const unconfirmed = result.unconfirmedAdapters > 0 ? `; ${result.unconfirmedAdapters} adapter(s) did not confirm` : '';
        return done(`sent ${what.command} to ${result.lampIds.length} lamp(s)${unconfirmed}`);
      }
    }
  }

  /**
   * Brings rooms to what a missed occurrence would have left them showing. A wake-up light
   * still rising finishes on time; one whose alarm has passed is not replayed. A sleep timer
   * finishes its fade, or turns off when it would have ended. A command is not sent late.
   */
  async catchUp(what: ScheduleAction, scheduledFor: Date, now: Date): Promise<ActionResult> {
    const elapsed = now.getTime() - scheduledFor.getTime();
    switch (what.kind) {
      case 'wakeUp': {
        const durationMs = what.durationMinutes * MINUTE_MS;
        if (elapsed >= durationMs) return skipped('missed wake-up light: its alarm time has passed, so it is not replayed');
        this.#roomNames([what.roomId]);
        this.#fades().wakeUp(what.roomId, {
          durationMs: durationMs - elapsed,
          offAfterMs: what.offAfterMinutes === null ? null : what.offAfterMinutes * MINUTE_MS,
        });
        return done(`missed wake-up light resumed, full light in ${Math.ceil((durationMs - elapsed) / MINUTE_MS)} min`);
      }
      case 'sleepTimer': {
        const durationMs = what.durationMinutes * MINUTE_MS;
        if (elapsed < durationMs) {
          this.#roomNames([what.roomId]);
          this.#fades().sleepTimer(what.roomId, durationMs - elapsed);
          return done('missed sleep timer resumed for the time left');
        }
        return this.run({ kind: 'turnOff', roomIds: [what.roomId], transitionSeconds: 0 });
      }
      case 'sendCommand':
        return skipped('missed command: commands are not sent late');
      case 'applyScene':
      case 'setRooms':
      case 'turnOff':
        // The fade it would have made is long over: show its end at once.
        return this.run({ ...what, transitionSeconds: 0 });
    }
  }

  #roomNames(roomIds: readonly string[]): string {
    const names = roomIds.map((roomId) => {
      const room = this.effects.rooms.find(roomId);
      if (!room) throw new Error(`room ${roomId} no longer exists`);
      return room.name;
    });
    return names.join(', ');
  }

  #scene(sceneId: string): { name: string } {
    const scene = this.#scenes().find(sceneId);
    if (!scene) throw new Error(`scene ${sceneId} no longer exists`);
    return scene;
  }

  #scenes(): NonNullable<ScheduleEffects['scenes']> {
    if (!this.effects.scenes) throw new Error('scenes are not available on this server');
    return this.effects.scenes;
  }

  #fades(): NonNullable<ScheduleEffects['fades']> {
    if (!this.effects.fades) throw new Error('wake-up lights and sleep timers are not available on this server');
    return this.effects.fades;
  }
}

function displayChangeOf(what: Extract<ScheduleAction, { kind: 'setRooms' }>): RoomChange['change'] {
  return {
    ...(what.mode !== null ? { mode: what.mode } : {}),
    ...(what.color !== null ? { color: what.color } : {}),
    ...(what.pulse !== null ? { pulse: what.pulse } : {}),
  };
}

function done(message: string): ActionResult {
  return { outcome: 'SUCCEEDED', message };
}

function skipped(message: string): ActionResult {
  return { outcome: 'SKIPPED', message };
}
