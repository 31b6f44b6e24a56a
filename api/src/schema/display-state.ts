import { formatHexColor, parseHexColor } from '@cloud-cloud/protocol/color';
import { COLOR_CHANNEL_MAX, PULSE_MAX, type Rgb } from '@cloud-cloud/protocol/packet';
import { DISPLAY_MODES, displayFrame, type DisplayState, type WeatherDisplay } from '../display/display-state.js';
import { builder } from './builder.js';
import { checkArguments, integerFrom } from './arguments.js';
import { invalidArgument } from './errors.js';

export const DisplayModeEnum = builder.enumType('DisplayMode', {
  description: 'What the lamps show: nothing, the weather outside, or a colour of your choice.',
  values: DISPLAY_MODES,
});

const ColorRef = builder.objectRef<Rgb>('Color').implement({
  description: 'An RGB colour, each channel 0-255.',
  fields: (t) => ({
    r: t.exposeInt('r'),
    g: t.exposeInt('g'),
    b: t.exposeInt('b'),
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

export const DisplayStateRef = builder.objectRef<DisplayState>('DisplayState').implement({
  description: 'What every lamp shows now. Colour and pulse are kept while the mode is OFF or WEATHER.',
  fields: (t) => ({
    mode: t.field({ type: DisplayModeEnum, resolve: (s) => s.mode }),
    color: t.field({ type: ColorRef, resolve: (s) => s.color }),
    pulse: t.exposeInt('pulse', { description: 'Light pulsing speed, 0 (steady) to 9.' }),
    weather: t.field({ type: WeatherDisplayRef, resolve: (s) => s.weather }),
    frame: t.string({
      description: 'The exact `[cc:…]` packet lamps receive for this state.',
      resolve: displayFrame,
    }),
    updatedAt: t.field({ type: 'DateTime', resolve: (s) => s.updatedAt }),
  }),
});

const ColorInput = builder.inputType('ColorInput', {
  description: 'Either `r`, `g` and `b` (0-255 each) or `hex` (`#rrggbb` or `#rgb`), not both.',
  fields: (t) => ({
    r: t.int({ required: false }),
    g: t.int({ required: false }),
    b: t.int({ required: false }),
    hex: t.string({ required: false }),
  }),
});

builder.queryField('displayState', (t) =>
  t.field({
    type: DisplayStateRef,
    authScopes: { observe: true },
    resolve: (_root, _args, { display }) => display.current(),
  }),
);

builder.mutationFields((t) => ({
  setMode: t.field({
    type: DisplayStateRef,
    authScopes: { control: true },
    args: { mode: t.arg({ type: DisplayModeEnum, required: true }) },
    resolve: (_root, { mode }, { display }) => display.setMode(mode),
  }),
  setColor: t.field({
    type: DisplayStateRef,
    description: 'Sets the colour and switches to MANUAL.',
    authScopes: { control: true },
    args: { color: t.arg({ type: ColorInput, required: true }) },
    resolve: (_root, args, { display }) => display.setColor(checkArguments(args, { color: parseColorInput }).color),
  }),
  setPulse: t.field({
    type: DisplayStateRef,
    description: 'Sets the pulse (0 steady to 9) and switches to MANUAL.',
    authScopes: { control: true },
    args: { pulse: t.arg.int({ required: true }) },
    resolve: (_root, args, { display }) => display.setPulse(checkArguments(args, { pulse: integerFrom(0, PULSE_MAX) }).pulse),
  }),
}));

builder.subscriptionField('displayState', (t) =>
  t.field({
    type: DisplayStateRef,
    description: 'The current state at once, then every change.',
    authScopes: { observe: true },
    subscribe: (_root, _args, { display, signal }) => display.updates(signal),
    resolve: (state) => state,
  }),
);

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
