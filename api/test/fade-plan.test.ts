import { formatDisplayPacket } from '@cloud-cloud/protocol/packet';
import { converter, differenceEuclidean, wcagLuminance } from 'culori';
import { describe, expect, it } from 'vitest';
import type { DisplayTarget } from '../src/display/display-state.js';
import { canFade, displayAt, fadePath, MIN_STEP_SPACING_MS, planSteps, stepsOf, type FadeStep } from '../src/fades/fade-plan.js';
import { WAKE_UP_TARGET, wakeUpBrightness, wakeUpPath } from '../src/fades/wake-up-curve.js';

const manual = (r: number, g: number, b: number, pulse = 0): DisplayTarget => ({ mode: 'MANUAL', color: { r, g, b }, pulse });
const off = (r = 255, g = 255, b = 255): DisplayTarget => ({ mode: 'OFF', color: { r, g, b }, pulse: 0 });

function packet(display: DisplayTarget): string {
  return display.mode === 'OFF'
    ? formatDisplayPacket({ mode: 'off' })
    : formatDisplayPacket({ mode: 'manual', color: display.color, pulse: display.pulse });
}

/** What every plan must be: spaced, each packet new, ending at the target's packet at the end. */
function expectWellFormed(steps: FadeStep[], from: DisplayTarget, to: DisplayTarget, durationMs: number): void {
  expect(steps.length).toBeGreaterThan(0);
  expect(steps.length).toBeLessThanOrEqual(Math.floor(durationMs / MIN_STEP_SPACING_MS));
  let previousAt = 0;
  let previous = packet(from);
  for (const step of steps) {
    expect(step.atMs - previousAt).toBeGreaterThanOrEqual(MIN_STEP_SPACING_MS - 1);
    expect(packet(step.display)).not.toBe(previous);
    previousAt = step.atMs;
    previous = packet(step.display);
  }
  expect(packet(steps.at(-1)!.display)).toBe(packet(to));
  expect(steps.at(-1)!.atMs).toBeLessThanOrEqual(durationMs);
}

const oklab = converter('oklab');
const toCulori = ({ r, g, b }: { r: number; g: number; b: number }) => ({ mode: 'rgb' as const, r: r / 255, g: g / 255, b: b / 255 });

describe('a fade plan', () => {
  it('steps a colour change at most 4 times a second, every packet new, ending exactly at the target', () => {
    const from = manual(0, 0, 255);
    const to = manual(255, 136, 0, 3);
    const steps = planSteps(fadePath(from, to), 10_000);
    expectWellFormed(steps, from, to, 10_000);
    expect(steps).toHaveLength(40);
    expect(steps.at(-1)).toEqual({ atMs: 10_000, display: to });
    // Pulse takes its new value with the first step.
    expect(steps.every((step) => step.display.pulse === 3)).toBe(true);
  });

  it('takes perceptually even steps (OKLab), not straight RGB ones', () => {
    const from = manual(0, 0, 255);
    const to = manual(255, 255, 0);
    const steps = planSteps(fadePath(from, to), 5_000);
    const distances = [from, ...steps.map((s) => s.display)]
      .map((d) => oklab(toCulori(d.color)))
      .slice(1)
      .map((c, i, all) => (i === 0 ? null : differenceEuclidean('oklab')(all[i - 1]!, c)))
      .filter((d): d is number => d !== null);
    const mean = distances.reduce((a, b) => a + b, 0) / distances.length;
    for (const d of distances) expect(Math.abs(d - mean)).toBeLessThan(mean * 0.25);
    // Half way in OKLab is not the RGB average (127, 127, 127) a naive fade would show.
    const half = steps.find((s) => s.atMs === 2_500)!.display.color;
    expect(Math.abs(half.r - 127) + Math.abs(half.g - 127) + Math.abs(half.b - 127)).toBeGreaterThan(30);
  });

  it('never repeats a packet when the colours are close: fewer steps, same end', () => {
    const from = manual(100, 100, 100);
    const to = manual(103, 100, 100);
    const steps = planSteps(fadePath(from, to), 60_000);
    expectWellFormed(steps, from, to, 60_000);
    expect(steps.length).toBeLessThanOrEqual(3);
  });

  it('fades to off through dimmer colours and ends OFF, keeping the colour to come back to', () => {
    const from = manual(255, 136, 0);
    const to: DisplayTarget = { ...from, mode: 'OFF' };
    const steps = planSteps(fadePath(from, to), 4_000);
    expectWellFormed(steps, from, to, 4_000);
    expect(steps.at(-1)!.display).toEqual(to);
    const lit = steps.slice(0, -1).map((s) => wcagLuminance(toCulori(s.display.color)));
    for (let i = 1; i < lit.length; i++) expect(lit[i]!).toBeLessThanOrEqual(lit[i - 1]!);
    expect(steps.slice(0, -1).every((s) => s.display.mode === 'MANUAL')).toBe(true);
  });

  it('comes on from off starting dark, with no black MANUAL packet', () => {
    const from = off();
    const to = manual(255, 0, 0);
    const steps = planSteps(fadePath(from, to), 3_000);
    expectWellFormed(steps, from, to, 3_000);
    expect(steps.some((s) => s.display.mode === 'MANUAL' && packet(s.display) === '[cc:2:0,0,0:0]')).toBe(false);
    expect(steps[0]!.display.mode).toBe('MANUAL');
  });

  it('is the same plan when computed again (a resumed fade takes the same steps)', () => {
    const from = manual(10, 200, 30);
    const to = manual(200, 10, 90);
    expect(planSteps(fadePath(from, to), 90_000)).toEqual(planSteps(fadePath(from, to), 90_000));
  });

  it('resumed at any moment, shows what the fade showed then and takes the rest of the same steps', () => {
    const from = manual(10, 200, 30);
    const to: DisplayTarget = { mode: 'OFF', color: { r: 10, g: 200, b: 30 }, pulse: 0 };
    for (const path of [fadePath(from, to), wakeUpPath]) {
      const plan = planSteps(path, 30_000);
      for (const atMs of [0, 1, 249, 250, 7_777, 15_000, 29_999, 30_000]) {
        const shown = plan.filter((step) => step.atMs <= atMs).at(-1)?.display ?? path(0);
        expect(packet(displayAt(path, 30_000, atMs)), `at ${atMs}`).toBe(packet(shown));
        expect([...stepsOf(path, 30_000, atMs)].map((s) => [s.atMs, packet(s.display)])).toEqual(
          plan.filter((step) => step.atMs > atMs).map((s) => [s.atMs, packet(s.display)]),
        );
      }
    }
  });

  it('cannot step from or to weather, nor when the colour shown does not change', () => {
    expect(canFade({ mode: 'WEATHER', color: { r: 1, g: 2, b: 3 }, pulse: 0 }, manual(1, 2, 3))).toBe(false);
    expect(canFade(manual(1, 2, 3), { mode: 'WEATHER', color: { r: 1, g: 2, b: 3 }, pulse: 0 })).toBe(false);
    expect(canFade(off(1, 2, 3), off(9, 9, 9))).toBe(false);
    expect(canFade(manual(1, 2, 3), manual(1, 2, 4))).toBe(true);
    expect(canFade(manual(1, 2, 3), manual(1, 2, 3, 5))).toBe(false);
    expect(canFade(manual(0, 0, 0), off())).toBe(false);
    expect(canFade(off(), manual(9, 0, 0))).toBe(true);
    // A sleep timer in weather mode holds the weather, then switches off at the end: one step.
    const weather: DisplayTarget = { mode: 'WEATHER', color: { r: 1, g: 2, b: 3 }, pulse: 0 };
    expect(planSteps(fadePath(weather, { ...weather, mode: 'OFF' }), 60_000)).toEqual([
      { atMs: 60_000, display: { ...weather, mode: 'OFF' } },
    ]);
  });

  it('spreads a two-hour fade over the whole time without exceeding the rate', () => {
    const from = off();
    const to = manual(255, 255, 255);
    const steps = planSteps(fadePath(from, to), 7_200_000);
    expectWellFormed(steps, from, to, 7_200_000);
    // OKLab's lightness reaches the lamps' dimmest level (1 of 255) about 5 % along.
    expect(steps[0]!.atMs).toBeLessThan(7_200_000 * 0.06);
    expect(steps.at(-1)!.atMs).toBeGreaterThan(7_200_000 * 0.99);
    const gaps = steps.slice(1).map((step, i) => step.atMs - steps[i]!.atMs);
    // The widest gaps are near black, where one level of 255 is a big step in lightness.
    expect(Math.max(...gaps)).toBeLessThan(7_200_000 * 0.03);
  });
});

describe('the wake-up curve', () => {
  const durationMs = 30 * 60_000;
  const steps = planSteps(wakeUpPath, durationMs);

  it('starts off, begins with the dimmest deep red and ends at full warm white at the end', () => {
    expect(wakeUpPath(0).mode).toBe('OFF');
    expectWellFormed(steps, wakeUpPath(0), WAKE_UP_TARGET, durationMs);
    expect(steps[0]!.display.color).toEqual({ r: 1, g: 0, b: 0 });
    expect(steps.at(-1)).toEqual({ atMs: durationMs, display: WAKE_UP_TARGET });
    expect(Math.max(WAKE_UP_TARGET.color.r, WAKE_UP_TARGET.color.g, WAKE_UP_TARGET.color.b)).toBe(255);
  });

  it('only ever gets brighter: no channel falls, so neither does the luminance', () => {
    for (let i = 1; i < steps.length; i++) {
      const a = steps[i - 1]!.display.color;
      const b = steps[i]!.display.color;
      expect(b.r >= a.r && b.g >= a.g && b.b >= a.b, `${JSON.stringify(a)} -> ${JSON.stringify(b)}`).toBe(true);
      expect(wcagLuminance(toCulori(b))).toBeGreaterThan(wcagLuminance(toCulori(a)));
    }
  });

  it('does most of its brightening late: red and dim for the first half, orange before white', () => {
    const at = (share: number) => wakeUpPath(share).color;
    expect(wakeUpBrightness(0.5)).toBeLessThan(0.2);
    expect(at(0.3)).toMatchObject({ g: 0, b: 0 });
    expect(at(0.5).r).toBeLessThan(40);
    const orange = at(0.75);
    expect(orange.r).toBeGreaterThan(orange.g);
    expect(orange.g).toBeGreaterThan(orange.b);
    const luminanceAt = (share: number) => wcagLuminance(toCulori(at(share)));
    expect(luminanceAt(0.75) - luminanceAt(0)).toBeLessThan((luminanceAt(1) - luminanceAt(0)) / 2);
  });
});
