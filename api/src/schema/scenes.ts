import { displayFrame } from '../display/display-state.js';
import { FAVORITE_COLOR_NAME_MAX, MAX_FAVORITE_COLORS, type FavoriteColor } from '../scenes/favorite-colors.js';
import { MAX_SCENES, SCENE_NAME_MAX, type Scene, type SceneRoom } from '../scenes/scenes.js';
import { builder } from './builder.js';
import { checkArguments, trimmedText } from './arguments.js';
import {
  ColorInput,
  ColorRef,
  DisplayModeEnum,
  DisplayStateRef,
  parseColorInput,
  TRANSITION_SECONDS,
  transitionOptions,
} from './display-state.js';
import { RoomRef } from './rooms.js';

const SceneRoomRef = builder.objectRef<SceneRoom>('SceneRoom').implement({
  description: 'What a scene sets in one room.',
  fields: (t) => ({
    room: t.field({
      type: RoomRef,
      description: 'The room.',
      // A scene lists only rooms that exist: a deleted room's part is dropped with it.
      resolve: (part, _args, { rooms }) => rooms.require(part.roomId),
    }),
    mode: t.field({ type: DisplayModeEnum, description: 'The mode the room is set to.', resolve: (part) => part.mode }),
    color: t.field({ type: ColorRef, description: 'The colour the room is set to (shown in MANUAL mode).', resolve: (part) => part.color }),
    pulse: t.exposeInt('pulse', { description: 'The pulse the room is set to, 0 (steady) to 9 (shown in MANUAL mode).' }),
    frame: t.string({
      description: "The `[cc:…]` packet the room's lamps receive once the scene is applied (in WEATHER mode, for the weather now).",
      resolve: (part, _args, { roomDisplays }) => displayFrame({ ...part, weather: roomDisplays.weather() }),
    }),
  }),
});

const SceneRef = builder.objectRef<Scene>('Scene').implement({
  description: 'A named look for one or more rooms: the mode, colour and pulse of each. Applying it is one change per room.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable id.' }),
    name: t.exposeString('name', { description: `Unique among scenes, case-insensitively; 1-${SCENE_NAME_MAX} characters.` }),
    position: t.exposeInt('position', { description: 'Its place in the list of scenes, 0 first.' }),
    rooms: t.field({
      type: [SceneRoomRef],
      description:
        'What it sets in each of its rooms, by room position. A deleted room leaves every scene; a scene left with no room is kept, and applying it changes nothing.',
      resolve: (scene) => scene.rooms,
    }),
  }),
});

const FavoriteColorRef = builder.objectRef<FavoriteColor>('FavoriteColor').implement({
  description: 'A colour kept to be picked with one tap; every client offers the same ones.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable id.' }),
    name: t.exposeString('name', {
      description: `Unique among favourite colours, case-insensitively; 1-${FAVORITE_COLOR_NAME_MAX} characters.`,
    }),
    color: t.field({ type: ColorRef, description: 'The colour.', resolve: (favorite) => favorite.color }),
    position: t.exposeInt('position', { description: 'Its place in the list, 0 first.' }),
  }),
});

const sceneName = trimmedText(SCENE_NAME_MAX, { printable: true, showAllowed: true });
const favoriteName = trimmedText(FAVORITE_COLOR_NAME_MAX, { printable: true, showAllowed: true });

builder.queryFields((t) => ({
  scenes: t.field({
    type: [SceneRef],
    description: 'Every scene, by position.',
    authScopes: { observe: true },
    resolve: (_root, _args, { scenes }) => scenes.list(),
  }),
  favoriteColors: t.field({
    type: [FavoriteColorRef],
    description: 'The favourite colours, by position.',
    authScopes: { observe: true },
    resolve: (_root, _args, { favoriteColors }) => favoriteColors.list(),
  }),
}));

const roomIdsArgument = 'The rooms whose look it keeps, each once; every room when omitted.';

builder.mutationFields((t) => ({
  saveScene: t.field({
    type: SceneRef,
    description: `Saves what the rooms show now as a new scene, last in the list. At most ${MAX_SCENES} scenes.`,
    authScopes: { manage: true },
    args: {
      name: t.arg.string({ required: true, description: `1-${SCENE_NAME_MAX} printable characters, unique among scenes.` }),
      roomIds: t.arg.idList({ required: false, description: roomIdsArgument }),
    },
    resolve: (_root, args, { scenes }) => {
      const { name, roomIds } = checkArguments(args, { name: sceneName });
      return scenes.save(name, roomIds ?? null);
    },
  }),
  updateSceneFromRooms: t.field({
    type: SceneRef,
    description: 'Replaces what a scene sets with what the rooms show now.',
    authScopes: { manage: true },
    args: {
      sceneId: t.arg.id({ required: true, description: 'The scene.' }),
      roomIds: t.arg.idList({ required: false, description: roomIdsArgument }),
    },
    resolve: (_root, { sceneId, roomIds }, { scenes }) => scenes.updateFromRooms(sceneId, roomIds ?? null),
  }),
  renameScene: t.field({
    type: SceneRef,
    description: 'Renames a scene.',
    authScopes: { manage: true },
    args: {
      sceneId: t.arg.id({ required: true, description: 'The scene.' }),
      name: t.arg.string({ required: true, description: `1-${SCENE_NAME_MAX} printable characters, unique among scenes.` }),
    },
    resolve: (_root, args, { scenes }) => {
      const { sceneId, name } = checkArguments(args, { name: sceneName });
      return scenes.rename(sceneId, name);
    },
  }),
  reorderScenes: t.field({
    type: [SceneRef],
    description: 'Puts the scenes in a new order. Answers every scene, by position.',
    authScopes: { manage: true },
    args: { sceneIds: t.arg.idList({ required: true, description: 'Every scene id once, in the new order.' }) },
    resolve: (_root, { sceneIds }, { scenes }) => scenes.reorder(sceneIds),
  }),
  deleteScene: t.field({
    type: SceneRef,
    description: 'Deletes a scene. Answers it as it was.',
    authScopes: { manage: true },
    args: { sceneId: t.arg.id({ required: true, description: 'The scene.' }) },
    resolve: (_root, { sceneId }, { scenes }) => scenes.delete(sceneId),
  }),
  applyScene: t.field({
    type: [DisplayStateRef],
    description:
      "Shows a scene: one change per room, stored together, each room published once. Answers the display state of each of the scene's rooms (none when all its rooms were deleted).",
    authScopes: { control: true },
    args: {
      sceneId: t.arg.id({ required: true, description: 'The scene.' }),
      transitionSeconds: t.arg.float({ required: false, description: TRANSITION_SECONDS }),
    },
    resolve: (_root, { sceneId, transitionSeconds }, { scenes }) => scenes.apply(sceneId, transitionOptions(transitionSeconds)),
  }),
  addFavoriteColor: t.field({
    type: FavoriteColorRef,
    description: `Adds a favourite colour, last in the list. Each colour is a favourite once; at most ${MAX_FAVORITE_COLORS}.`,
    authScopes: { manage: true },
    args: {
      color: t.arg({ type: ColorInput, required: true, description: 'The colour.' }),
      name: t.arg.string({
        required: false,
        description: `1-${FAVORITE_COLOR_NAME_MAX} printable characters, unique among favourites; the colour's hex code when omitted.`,
      }),
    },
    resolve: (_root, args, { favoriteColors }) => {
      const { color, name } = checkArguments(args, { color: parseColorInput, name: favoriteName });
      return favoriteColors.add(color, name ?? null);
    },
  }),
  renameFavoriteColor: t.field({
    type: FavoriteColorRef,
    description: 'Renames a favourite colour.',
    authScopes: { manage: true },
    args: {
      favoriteColorId: t.arg.id({ required: true, description: 'The favourite colour.' }),
      name: t.arg.string({
        required: true,
        description: `1-${FAVORITE_COLOR_NAME_MAX} printable characters, unique among favourites.`,
      }),
    },
    resolve: (_root, args, { favoriteColors }) => {
      const { favoriteColorId, name } = checkArguments(args, { name: favoriteName });
      return favoriteColors.rename(favoriteColorId, name);
    },
  }),
  removeFavoriteColor: t.field({
    type: FavoriteColorRef,
    description: 'Removes a favourite colour. Answers it as it was.',
    authScopes: { manage: true },
    args: { favoriteColorId: t.arg.id({ required: true, description: 'The favourite colour.' }) },
    resolve: (_root, { favoriteColorId }, { favoriteColors }) => favoriteColors.remove(favoriteColorId),
  }),
  reorderFavoriteColors: t.field({
    type: [FavoriteColorRef],
    description: 'Puts the favourite colours in a new order. Answers every one, by position.',
    authScopes: { manage: true },
    args: { favoriteColorIds: t.arg.idList({ required: true, description: 'Every favourite colour id once, in the new order.' }) },
    resolve: (_root, { favoriteColorIds }, { favoriteColors }) => favoriteColors.reorder(favoriteColorIds),
  }),
}));

builder.subscriptionFields((t) => ({
  scenes: t.field({
    type: [SceneRef],
    description:
      'Every scene at once, then the whole list again after every change: a scene saved, updated, renamed, reordered or deleted, or one of its rooms renamed or deleted. A slow reader gets the newest list.',
    authScopes: { observe: true },
    subscribe: (_root, _args, { scenes, signal }) => scenes.updates(signal),
    resolve: (list) => list,
  }),
  favoriteColors: t.field({
    type: [FavoriteColorRef],
    description: 'The favourite colours at once, then the whole list again after every change. A slow reader gets the newest list.',
    authScopes: { observe: true },
    subscribe: (_root, _args, { favoriteColors, signal }) => favoriteColors.updates(signal),
    resolve: (list) => list,
  }),
}));
