import type { Rgb } from '@cloud-cloud/protocol/packet';
import { interpolate, rgb, type Color } from 'culori';
import type { DisplayTarget } from '../display/display-state.js';

/** The lamp protocol has no fade: packets are stepped, at most this often per room (4 a second). */
export const MIN_STEP_SPACING_MS = 250;
export { MAX_TRANSITION_MS } from '../rooms/room-displays.js';

/** What a room shows at a moment of a transition, from its start (0) to its end (1). */
export type FadePath = (progress: number) => DisplayTarget;

/** One packet of a fade: shown `atMs` after the fade started. */
export interface FadeStep {
  atMs: number;
  display: DisplayTarget;
}

const BLACK: Rgb = { r: 0, g: 0, b: 0 };

/** Whether lamps get the same packet for both (off is off whatever colour is kept; weather is drawn by the lamp). */
export function samePacket(a: DisplayTarget, b: DisplayTarget): boolean {
  if (a.mode !== b.mode) return false;
  if (a.mode !== 'MANUAL') return true;
  return a.pulse === b.pulse && a.color.r === b.color.r && a.color.g === b.color.g && a.color.b === b.color.b;
}

/** How many moments of a transition are looked at: one per MIN_STEP_SPACING_MS, at least the end. */
function gridCount(durationMs: number): number {
  return Math.max(1, Math.floor(durationMs / MIN_STEP_SPACING_MS));
}

/** The last moment of the grid at or before `atMs`, as an index. */
function gridIndexAt(durationMs: number, atMs: number): number {
  const count = gridCount(durationMs);
  if (durationMs <= 0) return count;
  return Math.min(count, Math.max(0, Math.floor((atMs / durationMs) * count)));
}

/**
 * What the room shows `atMs` into a transition along `path`: the same packet as the last step
 * of the plan at or before then, so a fade resumed after a restart shows where it would be.
 */
export function displayAt(path: FadePath, durationMs: number, atMs: number): DisplayTarget {
  return path(gridIndexAt(durationMs, atMs) / gridCount(durationMs));
}

/**
 * The steps of a transition along `path` over `durationMs`, lazily, after `fromMs`: on a grid no
 * finer than MIN_STEP_SPACING_MS, keeping only the moments whose packet differs from the one
 * before, the last being `path(1)`'s packet (at `durationMs` unless reached a moment early).
 * Computed from the path and the time alone, so a fade resumed after a restart takes the same
 * steps; lazily, so that starting many long fades at once costs little.
 */
export function* stepsOf(path: FadePath, durationMs: number, fromMs = 0): Generator<FadeStep, void, undefined> {
  const count = gridCount(durationMs);
  let i = gridIndexAt(durationMs, fromMs);
  let previous = path(i / count);
  for (i++; i <= count; i++) {
    const display = path(i / count);
    if (samePacket(display, previous)) continue;
    yield { atMs: i === count ? durationMs : Math.round((durationMs * i) / count), display };
    previous = display;
  }
}

/** Every step of a transition from its start (see `stepsOf`). */
export function planSteps(path: FadePath, durationMs: number): FadeStep[] {
  return [...stepsOf(path, durationMs)];
}

/**
 * Whether a room can be stepped between these two displays: only when the colour it shows
 * changes (black when off). Weather mode has no colour to step from or to, and a change of
 * pulse alone has nothing to step; those are made at once.
 */
export function canFade(from: DisplayTarget, to: DisplayTarget): boolean {
  if (from.mode === 'WEATHER' || to.mode === 'WEATHER') return false;
  const a = shownColor(from);
  const b = shownColor(to);
  return a.r !== b.r || a.g !== b.g || a.b !== b.b;
}

function shownColor(display: DisplayTarget): Rgb {
  return display.mode === 'MANUAL' ? display.color : BLACK;
}

/**
 * A perceptual fade: the colour is interpolated in OKLab, where equal steps look equal, from what
 * the room shows (black when it is off) to the target's colour (black when going off). The
 * room shows OFF while the colour is black, so a fade from or to off starts or ends dark without
 * a black MANUAL packet. Pulse takes the target's value with the first lit step. Weather at
 * either end holds the start until the end.
 */
export function fadePath(from: DisplayTarget, to: DisplayTarget): FadePath {
  const between = interpolate([toCulori(shownColor(from)), toCulori(shownColor(to))], 'oklab');
  const weather = from.mode === 'WEATHER' || to.mode === 'WEATHER';
  return (progress) => {
    if (progress >= 1) return to;
    if (progress <= 0 || weather) return from;
    const color = fromCulori(between(progress));
    if (isBlack(color) && (from.mode === 'OFF' || to.mode === 'OFF')) return from.mode === 'OFF' ? from : to;
    return { mode: 'MANUAL', color, pulse: to.mode === 'MANUAL' ? to.pulse : from.pulse };
  };
}

function isBlack(color: Rgb): boolean {
  return color.r === 0 && color.g === 0 && color.b === 0;
}

function toCulori(color: Rgb): Color {
  return { mode: 'rgb', r: color.r / 255, g: color.g / 255, b: color.b / 255 };
}

function fromCulori(color: Color): Rgb {
  const { r, g, b } = rgb(color);
  return { r: channel(r), g: channel(g), b: channel(b) };
}

/** OKLab paths between sRGB colours can leave the gamut by a hair: clamp, then round. */
function channel(value: number): number {
  return Math.round(Math.min(1, Math.max(0, value)) * 255);
}
