import { formatDisplayPacket } from '@cloud-cloud/protocol/packet';
import type { WeatherDisplay } from '../display/display-state.js';
import type { WeatherPlace, WeatherReport } from '../weather/openweathermap.js';
import { weatherDisplayFor } from '../weather/weather-mapping.js';
import type { WeatherSnapshot, WeatherTestOutcome } from '../weather/weather-service.js';
import { MIN_INTERVAL_MS, type StoredWeatherSettings } from '../weather/weather-settings.js';
import { builder } from './builder.js';
import { WeatherDisplayRef } from './display-state.js';
import { checkArguments, integerFrom, numberFrom, trimmedText, type ArgumentRule } from './arguments.js';
import { invalidArgument } from './errors.js';

const WeatherReportRef = builder.objectRef<WeatherReport>('WeatherReport').implement({
  description: 'The last good current-weather report from OpenWeatherMap.',
  fields: (t) => ({
    conditionId: t.exposeInt('conditionId', { description: 'OpenWeatherMap condition id, e.g. 501.' }),
    condition: t.exposeString('condition', { description: 'The condition group, e.g. "Rain".' }),
    description: t.exposeString('description', { description: 'e.g. "moderate rain".' }),
    temperature: t.exposeFloat('temperature', { description: 'Degrees Celsius.' }),
    feelsLike: t.exposeFloat('feelsLike', { nullable: true, description: 'Degrees Celsius.' }),
    humidity: t.exposeFloat('humidity', { nullable: true, description: 'Percent.' }),
    windSpeed: t.exposeFloat('windSpeed', { nullable: true, description: 'Metres per second.' }),
    cloudiness: t.exposeInt('cloudiness', { description: 'Cloud cover, percent.' }),
    sunrise: t.field({ type: 'DateTime', description: "Today's sunrise at the place.", resolve: (r) => r.sunrise }),
    sunset: t.field({ type: 'DateTime', description: "Today's sunset at the place.", resolve: (r) => r.sunset }),
    observedAt: t.field({ type: 'DateTime', description: 'When OpenWeatherMap observed it.', resolve: (r) => r.observedAt }),
    fetchedAt: t.field({ type: 'DateTime', description: 'When this API fetched it.', resolve: (r) => r.fetchedAt }),
    placeName: t.exposeString('placeName', { description: 'The place as OpenWeatherMap names it.' }),
    country: t.exposeString('country', { nullable: true, description: 'Its country code, e.g. "CH".' }),
    cityId: t.exposeInt('cityId', { nullable: true, description: "OpenWeatherMap's id of the city." }),
    lat: t.exposeFloat('lat', { description: 'Latitude of the place.' }),
    lon: t.exposeFloat('lon', { description: 'Longitude of the place.' }),
  }),
});

const WeatherSourceStateEnum = builder.enumType('WeatherSourceState', {
  description: 'How fetching the weather is going.',
  values: {
    OK: { description: 'Fetching works (or is about to start).' },
    NOT_CONFIGURED: { description: 'No API key or no place: weather mode shows clear sky, intensity 9.' },
    FAILING: { description: 'The last fetch failed; the last good report stays in use.' },
  } as const,
});

const WeatherPlaceRef = builder.objectRef<WeatherPlace>('WeatherPlace').implement({
  description: 'Where weather is fetched for: by city id, by name, or by coordinates.',
  fields: (t) => ({
    cityId: t.int({
      nullable: true,
      description: "OpenWeatherMap's city id, when the place is given so.",
      resolve: (p) => (p.kind === 'city-id' ? p.cityId : null),
    }),
    city: t.string({
      nullable: true,
      description: 'The city name, when the place is given so.',
      resolve: (p) => (p.kind === 'city-name' ? p.city : null),
    }),
    lat: t.float({
      nullable: true,
      description: 'Latitude, when the place is given by coordinates.',
      resolve: (p) => (p.kind === 'coordinates' ? p.lat : null),
    }),
    lon: t.float({
      nullable: true,
      description: 'Longitude, when the place is given by coordinates.',
      resolve: (p) => (p.kind === 'coordinates' ? p.lon : null),
    }),
  }),
});

const WeatherSourceRef = builder.objectRef<WeatherSnapshot>('WeatherSource').implement({
  description: 'How weather is fetched, and how that is going.',
  fields: (t) => ({
    state: t.field({ type: WeatherSourceStateEnum, description: 'How fetching is going.', resolve: (w) => w.status.state }),
    message: t.string({ nullable: true, description: 'Why nothing is fetched, or the last error.', resolve: (w) => w.status.message }),
    lastSuccessAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the last fetch succeeded.',
      resolve: (w) => w.status.lastSuccessAt,
    }),
    failingSince: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'Since when fetches fail; null while they work.',
      resolve: (w) => w.status.failingSince,
    }),
    consecutiveFailures: t.int({ description: 'Fetches failed in a row.', resolve: (w) => w.status.consecutiveFailures }),
    nextAttemptAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the next fetch is due.',
      resolve: (w) => w.status.nextAttemptAt,
    }),
    place: t.field({
      type: WeatherPlaceRef,
      nullable: true,
      description: 'Where weather is fetched for.',
      resolve: (w) => w.settings.place,
    }),
    intervalSeconds: t.int({ description: 'How often it is fetched.', resolve: (w) => Math.round(w.settings.intervalMs / 1000) }),
    baseUrl: t.string({ description: 'The OpenWeatherMap endpoint used.', resolve: (w) => w.settings.baseUrl }),
    apiKeyConfigured: t.boolean({
      description: 'Whether an API key is set (the key itself is never shown).',
      resolve: (w) => w.settings.apiKey !== null,
    }),
  }),
});

const WeatherRef = builder.objectRef<WeatherSnapshot>('Weather').implement({
  description: 'The weather outside and what weather mode shows for it.',
  fields: (t) => ({
    report: t.field({
      type: WeatherReportRef,
      nullable: true,
      description: 'The last good report; null before the first.',
      resolve: (w) => w.report,
    }),
    display: t.field({ type: WeatherDisplayRef, description: 'What weather mode shows now.', resolve: (w) => w.display }),
    frame: t.string({
      description: 'The packet lamps get in weather mode.',
      resolve: (w) => formatDisplayPacket({ mode: 'weather', ...w.display }),
    }),
    source: t.field({ type: WeatherSourceRef, description: 'How weather is fetched, and how that is going.', resolve: (w) => w }),
  }),
});

const WeatherPreviewRef = builder.objectRef<WeatherDisplay>('WeatherPreview').implement({
  description: 'What the lamp would show.',
  fields: (t) => ({
    state: t.exposeInt('state', { description: 'The weather state, 1-9 (as WeatherDisplay.state).' }),
    intensity: t.exposeFloat('intensity', { description: 'Its intensity (as WeatherDisplay.intensity).' }),
    frame: t.string({ description: 'The packet lamps would get.', resolve: (d) => formatDisplayPacket({ mode: 'weather', ...d }) }),
  }),
});

const WeatherTestRef = builder.objectRef<WeatherTestOutcome>('WeatherTest').implement({
  description: 'The answer to one trial fetch with settings that were not saved.',
  fields: (t) => ({
    ok: t.boolean({ description: 'Whether the fetch worked.', resolve: (r) => r.report !== null }),
    report: t.field({ type: WeatherReportRef, nullable: true, description: 'What OpenWeatherMap answered.', resolve: (r) => r.report }),
    display: t.field({
      type: WeatherPreviewRef,
      nullable: true,
      description: 'What weather mode would show for that report now.',
      resolve: (r) => (r.report ? weatherDisplayFor(r.report, r.at) : null),
    }),
    error: t.string({ nullable: true, description: 'Why it failed, in words.', resolve: (r) => r.error }),
  }),
});

const CoordinatesInput = builder.inputType('CoordinatesInput', {
  description: 'A place by its coordinates.',
  fields: (t) => ({
    lat: t.float({ required: true, description: 'Latitude, -90 to 90.' }),
    lon: t.float({ required: true, description: 'Longitude, -180 to 180.' }),
  }),
});

const WeatherPlaceInput = builder.inputType('WeatherPlaceInput', {
  description: 'Where to fetch weather for: exactly one of a city id, a city name, or coordinates.',
  isOneOf: true,
  fields: (t) => ({
    cityId: t.int({ required: false, description: "OpenWeatherMap's city id." }),
    city: t.string({ required: false, description: 'A city name, e.g. "Zurich" or "Zurich,CH" (1-100 characters).' }),
    coordinates: t.field({ type: CoordinatesInput, required: false, description: 'Latitude and longitude.' }),
  }),
});

const WeatherSettingsInput = builder.inputType('WeatherSettingsInput', {
  description: 'Changes to how weather is fetched; omitted fields stay as they are.',
  fields: (t) => ({
    apiKey: t.string({ required: false, description: 'OpenWeatherMap API key; an empty string removes it.' }),
    place: t.field({ type: WeatherPlaceInput, required: false, description: 'Where to fetch weather for.' }),
    intervalSeconds: t.int({ required: false, description: `How often to fetch, at least ${MIN_INTERVAL_MS / 1000} s.` }),
    baseUrl: t.string({ required: false, description: 'Another OpenWeatherMap endpoint (a proxy, a local stand-in).' }),
  }),
});

builder.queryFields((t) => ({
  weather: t.field({
    type: WeatherRef,
    description: 'The weather outside, what weather mode shows for it, and how fetching goes.',
    authScopes: { observe: true },
    resolve: (_root, _args, { weather }) => weather.snapshot(),
  }),
  weatherPreview: t.field({
    type: WeatherPreviewRef,
    description: 'What the lamp would show for a condition, cloud cover and moment; sunrise and sunset come from the last report.',
    authScopes: { observe: true },
    args: {
      conditionId: t.arg.int({ required: true, description: 'An OpenWeatherMap condition id, e.g. 501.' }),
      cloudiness: t.arg.int({ required: false, description: 'Percent, 0-100.' }),
      at: t.arg({ type: 'DateTime', required: false, description: 'Default: now.' }),
    },
    resolve: (_root, args, { weather }) => {
      const { conditionId, cloudiness, at } = checkArguments(args, { conditionId: integerFrom(0, 9999), cloudiness: integerFrom(0, 100) });
      return weather.preview({ conditionId, cloudiness: cloudiness ?? null }, at ?? undefined);
    },
  }),
}));

builder.mutationFields((t) => ({
  refreshWeather: t.field({
    type: WeatherRef,
    description: 'Fetches the weather now; the answer shows how that went.',
    authScopes: { control: true },
    resolve: (_root, _args, { weather }) => weather.refresh(),
  }),
  testWeatherSettings: t.field({
    type: WeatherTestRef,
    description:
      'Fetches the weather once with these settings laid over the saved ones, and saves nothing. A failure is in the answer, not an error.',
    authScopes: { manage: true },
    args: { settings: t.arg({ type: WeatherSettingsInput, required: true, description: 'The settings to try.' }) },
    resolve: (_root, args, { weather }) => weather.test(checkArguments(args, { settings: weatherSettings }).settings),
  }),
  configureWeather: t.field({
    type: WeatherRef,
    description: 'Changes where and how often weather is fetched; kept across restarts. Fetches at once.',
    authScopes: { manage: true },
    args: { settings: t.arg({ type: WeatherSettingsInput, required: true, description: 'The changes.' }) },
    resolve: (_root, args, { weather }) => weather.configure(checkArguments(args, { settings: weatherSettings }).settings),
  }),
}));

builder.subscriptionField('weather', (t) =>
  t.field({
    type: WeatherRef,
    description: 'The weather at once, then on every fetch, failure, settings change and display change.',
    authScopes: { observe: true },
    subscribe: (_root, _args, { weather, signal }) => weather.updates(signal),
    resolve: (w) => w,
  }),
);

interface SettingsArgument {
  apiKey?: string | null;
  place?: { cityId?: number | null; city?: string | null; coordinates?: { lat: number; lon: number } | null } | null;
  intervalSeconds?: number | null;
  baseUrl?: string | null;
}

const cityId = integerFrom(1, 2 ** 31 - 1);
const cityName = trimmedText(100);
const latitude = numberFrom(-90, 90);
const longitude = numberFrom(-180, 180);
const intervalSeconds = integerFrom(MIN_INTERVAL_MS / 1000, 86_400);

/** The settings input as a change to the stored settings; fields are checked as `settings.<field>`. */
const weatherSettings: ArgumentRule<SettingsArgument, StoredWeatherSettings> = (input, argument) => {
  const field = (name: string) => `${argument}.${name}`;
  const change: StoredWeatherSettings = {};
  if (input.apiKey != null) change.apiKey = input.apiKey.trim() === '' ? null : input.apiKey.trim();
  // @oneOf lets exactly one place field through; graphql refuses the rest before this runs.
  const place = input.place;
  if (place?.cityId != null) change.place = { kind: 'city-id', cityId: cityId(place.cityId, field('place.cityId')) };
  if (place?.city != null) change.place = { kind: 'city-name', city: cityName(place.city, field('place.city')) };
  if (place?.coordinates != null) {
    const { lat, lon } = place.coordinates;
    change.place = {
      kind: 'coordinates',
      lat: latitude(lat, field('place.coordinates.lat')),
      lon: longitude(lon, field('place.coordinates.lon')),
    };
  }
  if (input.intervalSeconds != null) {
    change.intervalMs = intervalSeconds(input.intervalSeconds, field('intervalSeconds')) * 1000;
  }
  if (input.baseUrl != null) {
    let url: URL;
    try {
      url = new URL(input.baseUrl);
    } catch {
      throw invalidArgument(field('baseUrl'), `must be an http(s) URL, got ${JSON.stringify(input.baseUrl.slice(0, 100))}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidArgument(field('baseUrl'), 'must be an http(s) URL');
    change.baseUrl = url.toString();
  }
  return change;
};
