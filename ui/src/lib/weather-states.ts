/** The nine weather animations lamps know, as people call them. */
export const WEATHER_STATES: Record<number, { name: string; symbol: string }> = {
  // Text-style symbols (U+FE0E): they render without an emoji font.
  1: { name: 'Sunrise', symbol: '\u2600\uFE0E\u2191' },
  2: { name: 'Sunset', symbol: '\u2600\uFE0E\u2193' },
  3: { name: 'Clear sky', symbol: '\u2600\uFE0E' },
  4: { name: 'Cloudy', symbol: '\u2601\uFE0E' },
  5: { name: 'Rain', symbol: '\u2602\uFE0E' },
  6: { name: 'Storm', symbol: '\u03DF' },
  7: { name: 'Snow', symbol: '\u2744\uFE0E' },
  8: { name: 'Mist', symbol: '\u224B' },
  9: { name: 'Wind', symbol: '\u2248' },
};

export function weatherStateName(state: number): string {
  return WEATHER_STATES[state]?.name ?? `State ${state}`;
}
