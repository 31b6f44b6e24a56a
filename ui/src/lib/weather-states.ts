/** The nine weather animations lamps know, as people call them. */
export const WEATHER_STATES: Record<number, { name: string; symbol: string }> = {
  1: { name: 'Sunrise', symbol: '🌅' },
  2: { name: 'Sunset', symbol: '🌇' },
  3: { name: 'Clear sky', symbol: '☀️' },
  4: { name: 'Cloudy', symbol: '☁️' },
  5: { name: 'Rain', symbol: '🌧️' },
  6: { name: 'Storm', symbol: '⛈️' },
  7: { name: 'Snow', symbol: '❄️' },
  8: { name: 'Mist', symbol: '🌫️' },
  9: { name: 'Wind', symbol: '💨' },
};

export function weatherStateName(state: number): string {
  return WEATHER_STATES[state]?.name ?? `State ${state}`;
}
