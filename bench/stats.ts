/** Percentiles, rounding and waiting, as every part of the benchmark uses them. */

export interface Spread {
  p50: number;
  p99: number;
  max: number;
}

export const round2 = (n: number) => Math.round(n * 100) / 100;

export function spread(samples: number[]): Spread {
  if (samples.length === 0) return { p50: NaN, p99: NaN, max: NaN };
  const sorted = [...samples].sort((a, b) => a - b);
  // Nearest rank: p99 of 50 rounds is the 50th value, i.e. the worst round.
  const rank = (p: number) => sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1]!;
  return { p50: round2(rank(50)), p99: round2(rank(99)), max: round2(sorted[sorted.length - 1]!) };
}

export const median = (samples: number[]) =>
  samples.length === 0 ? null : [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
