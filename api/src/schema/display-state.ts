import { formatHexColor, parseHexColor } from '@cloud-cloud/protocol/color';
import { COLOR_CHANNEL_MAX, PULSE_MAX, type Rgb } from '@cloud-cloud/protocol/packet';
import {
  DISPLAY_MODES,
  displayFrame,
  TRANSITION_KINDS,
  type DisplayMode,
  type DisplayState,
  type DisplayTarget,
  type DisplayTransition,
  type WeatherDisplay,
} from '../display/display-state.js';
import { DEFAULT_ROOM_ID } from '../rooms/rooms.js';
import { MAX_TRANSITION_MS, type DisplayChange, type TransitionOptions } from '../rooms/room-displays.js';
import { builder } from './builder.js';
import { checkArguments, integerFrom, numberFrom, type ArgumentRule } from './arguments.js';
import { invalidArgument } from './errors.js';

export const DisplayModeEnum = builder.enumType('DisplayMode', {
  description: "What a room's lamps show: nothing, the weather outside, or a colour of your choice.",
  values: {
    OFF: { description: 'The lamps are dark.' },
    WEATHER: { description: 'The lamps show the weather outside (the one weather source, the same in every room).' },
    MANUAL: { description: 'The lamps show the chosen colour and pulse.' },
  } as const satisfies Record<(typeof DISPLAY_MODES)[number], unknown>,
});

export const ColorRef = builder.objectRef<Rgb>('Color').implement({
  description: 'An RGB colour, each channel 0-255.',
  fields: (t) => ({
    r: t.exposeInt('r', { description: 'Red, 0-255.' }),
    g: t.exposeInt('g', { description: 'Green, 0-255.' }),
    b: t.exposeInt('b', { description: 'Blue, 0-255.' }),
    hex: t.string({ description: 'The colour as `#rrggbb`, lower case.', resolve: formatHexColor }),
  }),
});

export const WeatherDisplayRef = builder.objectRef<WeatherDisplay>('WeatherDisplay').implement({
  description: 'What weather mode shows: the weather state (1-9) and its intensity.',
  fields: (t) => ({
    state: t.exposeInt('state', {
      description: '1 sunrise, 2 sunset, 3 clear sky, 4 cloudy, 5 rain, 6 storm, 7 snow, 8 mist/smoke/dust, 9 wind.',
    }),
    intensity: t.exposeFloat('intensity', {
      description: '0-9; during sunrise and sunset ramps a decimal from 0 to 10.',
    }),
  }),
});

const TransitionKindEnum = builder.enumType('TransitionKind', {
  description: 'What is taking a room to its target.',
  values: {
    FADE: { description: 'A change made with `transitionSeconds`.' },
    WAKE_UP: { description: 'A wake-up light: from off through deep red and orange to full warm white.' },
    SLEEP: { description: 'A sleep timer: what the room showed, fading to off.' },
  } as const satisfies Record<(typeof TRANSITION_KINDS)[number], unknown>,
});

const DisplayTargetRef = builder.objectRef<DisplayTarget & { weather: WeatherDisplay }>('DisplayTarget').implement({
  description: 'What a room will show when its transition ends.',
  fields: (t) => ({
    mode: t.field({ type: DisplayModeEnum, description: 'The mode it will show.', resolve: (s) => s.mode }),
    color: t.field({ type: ColorRef, description: 'The colour MANUAL mode will show.', resolve: (s) => s.color }),
    pulse: t.exposeInt('pulse', { description: 'The pulse MANUAL mode will show, 0 (steady) to 9.' }),
    frame: t.string({ description: "The `[cc:…]` packet the room's lamps will receive at the end.", resolve: displayFrame }),
  }),
});

const DisplayTransitionRef = builder.objectRef<DisplayTransition & { weather: WeatherDisplay }>('DisplayTransition').implement({
  description:
    "A room on its way somewhere: the server steps the lamps' colour (at most a few packets a second) and shows `target` from `endsAt`. Any other change to the room ends it.",
  fields: (t) => ({
    kind: t.field({ type: TransitionKindEnum, description: 'A fade, a wake-up light or a sleep timer.', resolve: (s) => s.kind }),
    target: t.field({
      type: DisplayTargetRef,
      description: 'What the room will show at the end.',
      resolve: (s) => ({ ...s.target, weather: s.weather }),
    }),
    startedAt: t.field({ type: 'DateTime', description: 'When it began.', resolve: (s) => s.startedAt }),
    endsAt: t.field({ type: 'DateTime', description: 'When the room shows the target.', resolve: (s) => s.endsAt }),
  }),
});

export const DisplayStateRef = builder.objectRef<DisplayState>('DisplayState').implement({
  description: "What one room's lamps show now. Colour and pulse are kept while the mode is OFF or WEATHER.",
  fields: (t) => ({
    roomId: t.exposeID('roomId', { description: 'The room this is the state of.' }),
    mode: t.field({ type: DisplayModeEnum, description: 'What the lamps show.', resolve: (s) => s.mode }),
    color: t.field({ type: ColorRef, description: 'The colour MANUAL mode shows.', resolve: (s) => s.color }),
    pulse: t.exposeInt('pulse', { description: 'Light pulsing speed in MANUAL mode, 0 (steady) to 9.' }),
    weather: t.field({
      type: WeatherDisplayRef,
      description: 'What WEATHER mode shows (the same in every room).',
      resolve: (s) => s.weather,
    }),
    frame: t.string({
      description: "The exact `[cc:…]` packet the room's lamps receive for this state.",
      resolve: displayFrame,
    }),
    updatedAt: t.field({ type: 'DateTime', description: 'When this state last changed.', resolve: (s) => s.updatedAt }),
    transition: t.field({
      type: DisplayTransitionRef,
      nullable: true,
      description: 'Where a running fade, wake-up light or sleep timer is taking the room; null when none is.',
      resolve: (s) => (s.transition ? { ...s.transition, weather: s.weather } : null),
    }),
  }),
});

/** What `transitionSeconds` means, on every display change that takes it. */
export const TRANSITION_SECONDS = `Fade to the new look over this many seconds, 0 (at once, the default) to ${MAX_TRANSITION_MS / 1000}. Weather mode, to or from, is switched at once.`;

/** Checks `transitionSeconds` and gives it as RoomDisplays takes it. */
export function transitionOptions(transitionSeconds: number | null | undefined): TransitionOptions {
  if (transitionSeconds == null) return {};
  const seconds = numberFrom(0, MAX_TRANSITION_MS / 1000)(transitionSeconds, 'transitionSeconds');
  return { transitionMs: Math.round(seconds * 1000) };
}

export const ColorInput = builder.inputType('ColorInput', {
  description:
    'Either `r`, `g` and `b` (0-255 each) or `hex` (`#rrggbb` or `#rgb`), not both. Not a @oneOf input: r, g and b come together, and clients written before @oneOf existed send this shape.',
  fields: (t) => ({
    r: t.int({ required: false, description: 'Red, 0-255 (with g and b).' }),
    g: t.int({ required: false, description: 'Green, 0-255 (with r and b).' }),
    b: t.int({ required: false, description: 'Blue, 0-255 (with r and g).' }),
    hex: t.string({ required: false, description: '`#rrggbb` or `#rgb` (instead of r, g and b).' }),
  }),
});

const DisplayInput = builder.inputType('DisplayInput', {
  description: 'A change to a display state: at least one field. A colour or a pulse without a mode also switches to MANUAL.',
  fields: (t) => ({
    mode: t.field({ type: DisplayModeEnum, required: false, description: 'The mode to show.' }),
    color: t.field({ type: ColorInput, required: false, description: 'The colour for MANUAL mode.' }),
    pulse: t.int({ required: false, description: `The pulse for MANUAL mode, 0 (steady) to ${PULSE_MAX}.` }),
  }),
});

builder.queryField('displayState', (t) =>
  t.field({
    type: DisplayStateRef,
    description: "A room's display state; the default room's when roomId is omitted.",
    authScopes: { observe: true },
    args: { roomId: t.arg.id({ required: false, description: 'The room; the default room when omitted.' }) },
    resolve: (_root, { roomId }, { rooms, roomDisplays }) => roomDisplays.find(rooms.require(roomId ?? DEFAULT_ROOM_ID).id)!,
  }),
);

builder.mutationFields((t) => ({
  setMode: t.field({
    type: DisplayStateRef,
    description: "Sets a room's mode; the default room's when roomId is omitted.",
    authScopes: { control: true },
    args: {
      mode: t.arg({ type: DisplayModeEnum, required: true, description: 'The mode to show.' }),
      roomId: t.arg.id({ required: false, description: 'The room; the default room when omitted.' }),
      transitionSeconds: t.arg.float({ required: false, description: TRANSITION_SECONDS }),
    },
    resolve: (_root, { mode, roomId, transitionSeconds }, { rooms, roomDisplays }) => {
      const options = transitionOptions(transitionSeconds);
      return roomDisplays.change(rooms.require(roomId ?? DEFAULT_ROOM_ID).id, { mode }, options);
    },
  }),
  setColor: t.field({
    type: DisplayStateRef,
    description: "Sets a room's colour and switches it to MANUAL; the default room's when roomId is omitted.",
    authScopes: { control: true },
    args: {
      color: t.arg({ type: ColorInput, required: true, description: 'The colour.' }),
      roomId: t.arg.id({ required: false, description: 'The room; the default room when omitted.' }),
      transitionSeconds: t.arg.float({ required: false, description: TRANSITION_SECONDS }),
    },
    resolve: (_root, args, { rooms, roomDisplays }) => {
      const { color, roomId } = checkArguments(args, { color: parseColorInput });
      const options = transitionOptions(args.transitionSeconds);
      return roomDisplays.change(rooms.require(roomId ?? DEFAULT_ROOM_ID).id, { mode: 'MANUAL', color }, options);
    },
  }),
  setPulse: t.field({
    type: DisplayStateRef,
    description: `Sets a room's pulse (0 steady to ${PULSE_MAX}) and switches it to MANUAL; the default room's when roomId is omitted.`,
    authScopes: { control: true },
    args: {
      pulse: t.arg.int({ required: true, description: `0 (steady) to ${PULSE_MAX}.` }),
      roomId: t.arg.id({ required: false, description: 'The room; the default room when omitted.' }),
    },
    resolve: (_root, args, { rooms, roomDisplays }) => {
      const { pulse, roomId } = checkArguments(args, { pulse: integerFrom(0, PULSE_MAX) });
      return roomDisplays.setPulse(rooms.require(roomId ?? DEFAULT_ROOM_ID).id, pulse);
    },
  }),
}));

builder.subscriptionField('displayState', (t) =>
  t.field({
    type: DisplayStateRef,
    description:
      "A room's display state at once, then every change; the default room's when roomId is omitted. Ends when the room is deleted.",
    authScopes: { observe: true },
    args: { roomId: t.arg.id({ required: false, description: 'The room; the default room when omitted.' }) },
    subscribe: (_root, { roomId }, { rooms, roomDisplays, signal }) =>
      roomDisplays.updates(rooms.require(roomId ?? DEFAULT_ROOM_ID).id, signal),
    resolve: (state) => state,
  }),
);

/** A display change as given: at least one field, each checked. */
export const displayChange: ArgumentRule<
  { mode?: DisplayMode | null; color?: ColorArgument | null; pulse?: number | null },
  DisplayChange
> = (input, argument) => {
  if (input.mode == null && input.color == null && input.pulse == null)
    throw invalidArgument(argument, 'give at least one of mode, color and pulse');
  const change: DisplayChange = {};
  if (input.color != null || input.pulse != null) change.mode = 'MANUAL';
  if (input.mode != null) change.mode = input.mode;
  if (input.color != null) change.color = parseColorInput(input.color);
  if (input.pulse != null) change.pulse = integerFrom(0, PULSE_MAX)(input.pulse, `${argument}.pulse`);
  return change;
};

export { DisplayInput };

interface ColorArgument {
  r?: number | null;
  g?: number | null;
  b?: number | null;
  hex?: string | null;
}

export function parseColorInput(input: ColorArgument): Rgb {
  const channels = (['r', 'g', 'b'] as const).filter((c) => input[c] != null);
  const hasHex = input.hex != null;
  if (hasHex && channels.length > 0) {
    throw invalidArgument('color', 'give either hex or r, g and b, not both');
  }
  if (hasHex) return parseHex(input.hex!);
  if (channels.length === 0) throw invalidArgument('color', 'give either hex or r, g and b');
  const rgb = {} as Rgb;
  for (const channel of ['r', 'g', 'b'] as const) {
    const value = input[channel];
    if (value == null) {
      throw invalidArgument(
        `color.${channel}`,
        `is missing: give r, g and b together, each an integer from 0 to ${COLOR_CHANNEL_MAX}`,
        `0-${COLOR_CHANNEL_MAX}`,
      );
    }
    rgb[channel] = integerFrom(0, COLOR_CHANNEL_MAX)(value, `color.${channel}`);
  }
  return rgb;
}

function parseHex(hex: string): Rgb {
  const rgb = parseHexColor(hex);
  if (!rgb) throw invalidArgument('color.hex', `must be a colour like #ff8800, got ${JSON.stringify(hex)}`, '#rrggbb');
  return rgb;
}
