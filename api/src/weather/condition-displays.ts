import { WeatherState } from '@cloud-cloud/protocol/packet';
import type { WeatherDisplay } from '../display/display-state.js';

/**
 * OpenWeatherMap condition id -> what the lamp shows, as the original server mapped them, so
 * deployed lamps show the same animation for the same weather. Ids 900-962 are from
 * OpenWeatherMap's older extreme and additional groups, which may still appear.
 */
export const CONDITION_DISPLAYS: ReadonlyMap<number, WeatherDisplay> = new Map<number, WeatherDisplay>([
  [200, { state: WeatherState.Storm, intensity: 1 }], // thunderstorm with light rain
  [201, { state: WeatherState.Storm, intensity: 3 }], // thunderstorm with rain
  [202, { state: WeatherState.Storm, intensity: 5 }], // thunderstorm with heavy rain
  [210, { state: WeatherState.Storm, intensity: 4 }], // light thunderstorm
  [211, { state: WeatherState.Storm, intensity: 5 }], // thunderstorm
  [212, { state: WeatherState.Storm, intensity: 7 }], // heavy thunderstorm
  [221, { state: WeatherState.Storm, intensity: 9 }], // ragged thunderstorm
  [230, { state: WeatherState.Storm, intensity: 1 }], // thunderstorm with light drizzle
  [231, { state: WeatherState.Storm, intensity: 3 }], // thunderstorm with drizzle
  [232, { state: WeatherState.Storm, intensity: 5 }], // thunderstorm with heavy drizzle
  [300, { state: WeatherState.Rain, intensity: 1 }], // light intensity drizzle
  [301, { state: WeatherState.Rain, intensity: 3 }], // drizzle
  [302, { state: WeatherState.Rain, intensity: 5 }], // heavy intensity drizzle
  [310, { state: WeatherState.Rain, intensity: 3 }], // light intensity drizzle rain
  [311, { state: WeatherState.Rain, intensity: 0 }], // drizzle rain
  [312, { state: WeatherState.Rain, intensity: 5 }], // heavy intensity drizzle rain
  [313, { state: WeatherState.Rain, intensity: 5 }], // shower rain and drizzle
  [314, { state: WeatherState.Rain, intensity: 7 }], // heavy shower rain and drizzle
  [321, { state: WeatherState.Rain, intensity: 2 }], // shower drizzle
  [500, { state: WeatherState.Rain, intensity: 3 }], // light rain
  [501, { state: WeatherState.Rain, intensity: 5 }], // moderate rain
  [502, { state: WeatherState.Rain, intensity: 7 }], // heavy intensity rain
  [503, { state: WeatherState.Rain, intensity: 8 }], // very heavy rain
  [504, { state: WeatherState.Rain, intensity: 9 }], // extreme rain
  [511, { state: WeatherState.Snow, intensity: 5 }], // freezing rain
  [520, { state: WeatherState.Rain, intensity: 2 }], // light intensity shower rain
  [521, { state: WeatherState.Rain, intensity: 3 }], // shower rain
  [522, { state: WeatherState.Rain, intensity: 6 }], // heavy intensity shower rain
  [531, { state: WeatherState.Rain, intensity: 7 }], // ragged shower rain
  [600, { state: WeatherState.Snow, intensity: 4 }], // light snow
  [601, { state: WeatherState.Snow, intensity: 5 }], // snow
  [602, { state: WeatherState.Snow, intensity: 7 }], // heavy snow
  [611, { state: WeatherState.Snow, intensity: 2 }], // sleet
  [612, { state: WeatherState.Snow, intensity: 3 }], // shower sleet
  [615, { state: WeatherState.Snow, intensity: 3 }], // light rain and snow
  [616, { state: WeatherState.Snow, intensity: 4 }], // rain and snow
  [620, { state: WeatherState.Snow, intensity: 4 }], // light shower snow
  [621, { state: WeatherState.Snow, intensity: 5 }], // shower snow
  [622, { state: WeatherState.Snow, intensity: 6 }], // heavy shower snow
  [701, { state: WeatherState.Mist, intensity: 2 }], // mist
  [711, { state: WeatherState.Mist, intensity: 4 }], // smoke
  [721, { state: WeatherState.Mist, intensity: 6 }], // haze
  [731, { state: WeatherState.Mist, intensity: 4 }], // sand, dust whirls
  [741, { state: WeatherState.Mist, intensity: 4 }], // fog
  [751, { state: WeatherState.Mist, intensity: 4 }], // sand
  [761, { state: WeatherState.Mist, intensity: 3 }], // dust
  [762, { state: WeatherState.Mist, intensity: 8 }], // volcanic ash
  [771, { state: WeatherState.Wind, intensity: 6 }], // squalls
  [781, { state: WeatherState.Wind, intensity: 9 }], // tornado
  [800, { state: WeatherState.ClearSky, intensity: 9 }], // clear sky
  [801, { state: WeatherState.ClearSky, intensity: 7 }], // few clouds
  [802, { state: WeatherState.CloudySky, intensity: 0 }], // scattered clouds
  [803, { state: WeatherState.CloudySky, intensity: 0 }], // broken clouds
  [804, { state: WeatherState.CloudySky, intensity: 0 }], // overcast clouds
  [900, { state: WeatherState.Wind, intensity: 9 }], // tornado
  [901, { state: WeatherState.Wind, intensity: 9 }], // tropical storm
  [902, { state: WeatherState.Wind, intensity: 9 }], // hurricane
  [903, { state: WeatherState.ClearSky, intensity: 5 }], // cold
  [904, { state: WeatherState.ClearSky, intensity: 5 }], // hot
  [905, { state: WeatherState.ClearSky, intensity: 5 }], // windy
  [906, { state: WeatherState.Storm, intensity: 7 }], // hail
  [951, { state: WeatherState.ClearSky, intensity: 8 }], // calm
  [952, { state: WeatherState.Wind, intensity: 1 }], // light breeze
  [953, { state: WeatherState.Wind, intensity: 1 }], // gentle breeze
  [954, { state: WeatherState.Wind, intensity: 2 }], // moderate breeze
  [955, { state: WeatherState.Wind, intensity: 3 }], // fresh breeze
  [956, { state: WeatherState.Wind, intensity: 4 }], // strong breeze
  [957, { state: WeatherState.Wind, intensity: 5 }], // high wind, near gale
  [958, { state: WeatherState.Wind, intensity: 6 }], // gale
  [959, { state: WeatherState.Wind, intensity: 6 }], // severe gale
  [960, { state: WeatherState.Wind, intensity: 7 }], // storm
  [961, { state: WeatherState.Wind, intensity: 8 }], // violent storm
  [962, { state: WeatherState.Wind, intensity: 9 }], // hurricane
]);

/** What an id missing from the table shows. */
export const UNKNOWN_CONDITION_DISPLAY: WeatherDisplay = { state: WeatherState.ClearSky, intensity: 9 };
