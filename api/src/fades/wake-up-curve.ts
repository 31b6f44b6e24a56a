import type { Rgb } from '@cloud-cloud/protocol/packet';
import type { DisplayTarget } from '../display/display-state.js';
import type { FadePath } from './fade-plan.js';

/** Where a wake-up light ends: a warm white (about 3000 K) at full brightness, steady. */
export const WAKE_UP_TARGET: DisplayTarget = { mode: 'MANUAL', color: { r: 255, g: 190, b: 120 }, pulse: 0 };

/**
 * The hue of the light along the way, at full brightness: deep red for the first third, orange
 * by two thirds, warm white at the end. Each channel only rises, so with a rising brightness
 * every channel of the packet only rises too: the light never gets darker.
 */
const HUES: readonly { at: number; color: Rgb }[] = [
  { at: 0, color: { r: 255, g: 12, b: 0 } },
  { at: 0.35, color: { r: 255, g: 30, b: 0 } },
  { at: 0.7, color: { r: 255, g: 110, b: 12 } },
  { at: 1, color: WAKE_UP_TARGET.color },
];

/**
 * Brightness as a share of full: `progress` cubed, as a sunrise and the wake-up lights that copy
 * it do, very dim for long and most of the brightening late (an eighth at half time, half at 80 %).
 * LEDs give light in proportion to the channel value, so this is the light's output.
 */
export function wakeUpBrightness(progress: number): number {
  const p = Math.min(1, Math.max(0, progress));
  return p * p * p;
}

/** The hue at full brightness, for `progress` from 0 to 1 (straight between the key hues). */
export function wakeUpHue(progress: number): Rgb {
  const p = Math.min(1, Math.max(0, progress));
  const upper = HUES.findIndex((hue) => hue.at >= p);
  if (upper <= 0) return HUES[0]!.color;
  const a = HUES[upper - 1]!;
  const b = HUES[upper]!;
  const t = (p - a.at) / (b.at - a.at);
  const mix = (x: number, y: number) => x + (y - x) * t;
  return { r: mix(a.color.r, b.color.r), g: mix(a.color.g, b.color.g), b: mix(a.color.b, b.color.b) };
}

/**
 * The wake-up light: off at the start, then the dimmest deep red the lamps can show (one step of
 * 255), rising through orange to WAKE_UP_TARGET at the end.
 */
export const wakeUpPath: FadePath = (progress) => {
  if (progress >= 1) return WAKE_UP_TARGET;
  if (progress <= 0) return { ...WAKE_UP_TARGET, mode: 'OFF' };
  const hue = wakeUpHue(progress);
  const brightness = wakeUpBrightness(progress);
  // Rounded down, so that full light comes at the end and not a moment before.
  const red = Math.max(1, Math.floor(hue.r * brightness));
  const color = { r: red, g: Math.floor(hue.g * brightness), b: Math.floor(hue.b * brightness) };
  return { mode: 'MANUAL', color, pulse: 0 };
};
