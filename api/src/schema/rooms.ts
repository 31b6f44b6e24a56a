import { MAX_ROOMS, ROOM_NAME_MAX, type DeletedRoom, type Room } from '../rooms/rooms.js';
import { builder } from './builder.js';
import { checkArguments, eachOf, trimmedText } from './arguments.js';
import { displayChange, DisplayInput, DisplayStateRef, TRANSITION_SECONDS, transitionOptions } from './display-state.js';
import { LampPageRef, lampPage } from './lamps.js';

export const RoomRef = builder.objectRef<Room>('Room');

RoomRef.implement({
  description: 'A named group of lamps with its own display state. Every lamp is in exactly one room.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable id; the default room is `home`.' }),
    name: t.exposeString('name', { description: 'Unique among rooms, case-insensitively; the default room is "Home" until renamed.' }),
    position: t.exposeInt('position', { description: 'Its place in the list of rooms, 0 first.' }),
    isDefault: t.exposeBoolean('isDefault', {
      description: 'Whether this is the default room: it holds every lamp not placed elsewhere and is never deleted.',
    }),
    displayState: t.field({
      type: DisplayStateRef,
      description: "What the room's lamps show now.",
      resolve: (room, _args, { roomDisplays }) => roomDisplays.find(room.id) ?? null!,
    }),
    lampCount: t.int({
      description: 'How many lamps are in the room.',
      resolve: (room, _args, { lamps }) => lamps.list({ roomId: room.id }).length,
    }),
    onlineLampCount: t.int({
      description: 'How many of its lamps are online now.',
      resolve: (room, _args, { lamps }) => lamps.list({ roomId: room.id, online: true }).length,
    }),
    lamps: t.field({
      type: LampPageRef,
      description: 'Its lamps by name, a page at a time.',
      args: {
        first: t.arg.int({ defaultValue: 100, description: 'How many lamps per page (1-500).' }),
        after: t.arg.string({ required: false, description: 'The `endCursor` of the page before.' }),
      },
      resolve: (room, args, { lamps }) => lampPage(lamps.list({ roomId: room.id }), args),
    }),
  }),
});

const DeletedRoomRef = builder.objectRef<DeletedRoom>('DeletedRoom').implement({
  description: 'What deleting a room did.',
  fields: (t) => ({
    roomId: t.exposeID('roomId', { description: 'The room that was deleted.' }),
    movedLampIds: t.idList({ description: 'Its lamps, now in the default room.', resolve: (d) => d.movedLampIds }),
    defaultRoom: t.field({ type: RoomRef, description: 'The default room, with the lamps it received.', resolve: (d) => d.defaultRoom }),
  }),
});

const roomName = trimmedText(ROOM_NAME_MAX, { printable: true, showAllowed: true });

builder.queryFields((t) => ({
  rooms: t.field({
    type: [RoomRef],
    description: 'Every room, by position.',
    authScopes: { observe: true },
    resolve: (_root, _args, { rooms }) => rooms.list(),
  }),
  room: t.field({
    type: RoomRef,
    nullable: true,
    description: 'One room; null when there is none with this id.',
    authScopes: { observe: true },
    args: { roomId: t.arg.id({ required: true, description: 'The room.' }) },
    resolve: (_root, { roomId }, { rooms }) => rooms.find(roomId) ?? null,
  }),
}));

builder.mutationFields((t) => ({
  setAllRooms: t.field({
    type: [RoomRef],
    description: 'Makes the same change in every room at once; each room changes (and is published) once. Answers every room, by position.',
    authScopes: { control: true },
    args: {
      display: t.arg({ type: DisplayInput, required: true, description: 'The change: at least one of mode, color and pulse.' }),
      transitionSeconds: t.arg.float({ required: false, description: TRANSITION_SECONDS }),
    },
    resolve: (_root, args, { rooms, roomDisplays }) => {
      const { display } = checkArguments(args, { display: displayChange });
      roomDisplays.changeAll(display, transitionOptions(args.transitionSeconds));
      return rooms.list();
    },
  }),
  createRoom: t.field({
    type: RoomRef,
    description: `Creates a room, last in the list, showing nothing (OFF) until set. At most ${MAX_ROOMS} rooms.`,
    authScopes: { manage: true },
    args: { name: t.arg.string({ required: true, description: `1-${ROOM_NAME_MAX} printable characters, unique among rooms.` }) },
    resolve: (_root, args, { rooms }) => rooms.create(checkArguments(args, { name: roomName }).name),
  }),
  renameRoom: t.field({
    type: RoomRef,
    description: 'Renames a room (the default room too).',
    authScopes: { manage: true },
    args: {
      roomId: t.arg.id({ required: true, description: 'The room.' }),
      name: t.arg.string({ required: true, description: `1-${ROOM_NAME_MAX} printable characters, unique among rooms.` }),
    },
    resolve: (_root, args, { rooms }) => {
      const { roomId, name } = checkArguments(args, { name: roomName });
      return rooms.rename(roomId, name);
    },
  }),
  reorderRooms: t.field({
    type: [RoomRef],
    description: 'Puts the rooms in a new order. Answers every room, by position.',
    authScopes: { manage: true },
    args: { roomIds: t.arg.idList({ required: true, description: 'Every room id once, in the new order.' }) },
    resolve: (_root, args, { rooms }) => rooms.reorder(checkArguments(args, { roomIds: eachOf((id: string) => id) }).roomIds),
  }),
  deleteRoom: t.field({
    type: DeletedRoomRef,
    description: 'Deletes a room; its lamps move to the default room and get its packet at once. The default room cannot be deleted.',
    authScopes: { manage: true },
    args: { roomId: t.arg.id({ required: true, description: 'The room.' }) },
    resolve: (_root, { roomId }, { rooms }) => rooms.delete(roomId),
  }),
}));

builder.subscriptionField('rooms', (t) =>
  t.field({
    type: [RoomRef],
    description:
      'Every room at once, then the whole list again after every change: a room created, renamed, reordered or deleted, a display change, a lamp moved, online or offline. A slow reader gets the newest list.',
    authScopes: { observe: true },
    subscribe: (_root, _args, { rooms, signal }) => rooms.updates(signal),
    resolve: (list) => list,
  }),
);
