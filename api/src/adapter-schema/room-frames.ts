import type { RoomFrame } from '../rooms/room-displays.js';
import { adapterBuilder } from './builder.js';

/*
 * Adapters follow every room's frame rather than a packet per lamp: one message per room
 * change per adapter, however many lamps the room has. The adapter knows which of its lamps
 * are in which room and writes the frame to those only.
 */

const RoomFrameRef = adapterBuilder.objectRef<RoomFrame>('RoomFrame').implement({
  description: "One room's display packet, as its lamps are to show it.",
  fields: (t) => ({
    roomId: t.exposeID('roomId', { description: 'The room.' }),
    frame: t.exposeString('frame', { description: 'The display packet, e.g. `[cc:2:255,65,174:0]`.' }),
    revision: t.exposeInt('revision', {
      description: "Grows with every change of this room's display: of two frames for one room, the higher revision is the newer.",
    }),
  }),
});

adapterBuilder.queryField('roomFrames', (t) =>
  t.field({
    type: [RoomFrameRef],
    description: "Every room's current frame.",
    resolve: (_root, _args, context) => context.roomDisplays.frames(),
  }),
);

adapterBuilder.subscriptionField('roomFrames', (t) =>
  t.field({
    type: RoomFrameRef,
    description:
      "Every room's frame at once, then each change. A reader that falls behind gets the newest frame per room, never a backlog; a frame with a lower revision than one already seen for its room is stale.",
    subscribe: (_root, _args, context) => context.roomDisplays.frameUpdates(context.signal),
    resolve: (frame) => frame,
  }),
);
