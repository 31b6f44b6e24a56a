import { DEFAULT_ROOM_ID } from '../rooms/rooms.js';
import { builder } from './builder.js';
import { checkArguments, integerFrom } from './arguments.js';
import { DisplayStateRef } from './display-state.js';

const MINUTE_MS = 60_000;

builder.mutationFields((t) => ({
  startWakeUpLight: t.field({
    type: DisplayStateRef,
    description:
      'Starts a wake-up light now in a room (the default room when roomId is omitted): off, then very dim deep red, orange, and full warm white after durationMinutes, most of the brightening late. It stays on until the room is changed or offAfterMinutes pass. Any change to the room ends it.',
    authScopes: { control: true },
    args: {
      roomId: t.arg.id({ required: false, description: 'The room; the default room when omitted.' }),
      durationMinutes: t.arg.int({ defaultValue: 30, description: 'From off to full light, 5 to 120 minutes.' }),
      offAfterMinutes: t.arg.int({
        required: false,
        description: 'Turn the room off this many minutes after full light, 1 to 720; stays on when omitted.',
      }),
    },
    resolve: (_root, args, { rooms, fades }) => {
      const { roomId, durationMinutes, offAfterMinutes } = checkArguments(args, {
        durationMinutes: integerFrom(5, 120),
        offAfterMinutes: integerFrom(1, 720),
      });
      return fades.wakeUp(rooms.require(roomId ?? DEFAULT_ROOM_ID).id, {
        durationMs: (durationMinutes ?? 30) * MINUTE_MS,
        offAfterMs: offAfterMinutes == null ? null : offAfterMinutes * MINUTE_MS,
      });
    },
  }),
  startSleepTimer: t.field({
    type: DisplayStateRef,
    description:
      'Fades what a room shows to off over durationMinutes (the default room when roomId is omitted; weather mode stays until the end). A room already off stays off. Any change to the room ends it.',
    authScopes: { control: true },
    args: {
      roomId: t.arg.id({ required: false, description: 'The room; the default room when omitted.' }),
      durationMinutes: t.arg.int({ required: true, description: 'Until off, 1 to 120 minutes.' }),
    },
    resolve: (_root, args, { rooms, fades }) => {
      const { roomId, durationMinutes } = checkArguments(args, { durationMinutes: integerFrom(1, 120) });
      return fades.sleepTimer(rooms.require(roomId ?? DEFAULT_ROOM_ID).id, durationMinutes * MINUTE_MS);
    },
  }),
}));
