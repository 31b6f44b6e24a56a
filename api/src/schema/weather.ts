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
    sunrise: t.field({ type: 'DateTime', resolve: (r) => r.sunrise }),
    sunset: t.field({ type: 'DateTime', resolve: (r) => r.sunset }),
    observedAt: t.field({ type: 'DateTime', description: 'When OpenWeatherMap observed it.', resolve: (r) => r.observedAt }),
    fetchedAt: t.field({ type: 'DateTime', resolve: (r) => r.fetchedAt }),
    placeName: t.exposeString('placeName'),
    country: t.exposeString('country', { nullable: true }),
    cityId: t.exposeInt('cityId', { nullable: true }),
    lat: t.exposeFloat('lat'),
    lon: t.exposeFloat('lon'),
  }),
});

const WeatherSourceStateEnum = builder.enumType('WeatherSourceState', {
  values: {
    OK: { description: 'Fetching works (or is about to start).' },
    NOT_CONFIGURED: { description: 'No API key or no place: weather mode shows clear sky, intensity 9.' },
    FAILING: { description: 'The last fetch failed; the last good report stays in use.' },
  } as const,
});

const WeatherPlaceRef = builder.objectRef<WeatherPlace>('WeatherPlace').implement({
  description: 'Where weather is fetched for: by city id, by name, or by coordinates.',
  fields: (t) => ({
    cityId: t.int({ nullable: true, resolve: (p) => (p.kind === 'city-id' ? p.cityId : null) }),
    city: t.string({ nullable: true, resolve: (p) => (p.kind === 'city-name' ? p.city : null) }),
    lat: t.float({ nullable: true, resolve: (p) => (p.kind === 'coordinates' ? p.lat : null) }),
    lon: t.float({ nullable: true, resolve: (p) => (p.kind === 'coordinates' ? p.lon : null) }),
  }),
});

const WeatherSourceRef = builder.objectRef<WeatherSnapshot>('WeatherSource').implement({
  description: 'How weather is fetched, and how that is going.',
  fields: (t) => ({
    state: t.field({ type: WeatherSourceStateEnum, resolve: (w) => w.status.state }),
    message: t.string({ nullable: true, description: 'Why nothing is fetched, or the last error.', resolve: (w) => w.status.message }),
    lastSuccessAt: t.field({ type: 'DateTime', nullable: true, resolve: (w) => w.status.lastSuccessAt }),
    failingSince: t.field({ type: 'DateTime', nullable: true, resolve: (w) => w.status.failingSince }),
    consecutiveFailures: t.int({ resolve: (w) => w.status.consecutiveFailures }),
    nextAttemptAt: t.field({ type: 'DateTime', nullable: true, resolve: (w) => w.status.nextAttemptAt }),
    place: t.field({ type: WeatherPlaceRef, nullable: true, resolve: (w) => w.settings.place }),
    intervalSeconds: t.int({ resolve: (w) => Math.round(w.settings.intervalMs / 1000) }),
    baseUrl: t.string({ resolve: (w) => w.settings.baseUrl }),
    apiKeyConfigured: t.boolean({
      description: 'Whether an API key is set (the key itself is never shown).',
      resolve: (w) => w.settings.apiKey !== null,
    }),
  }),
});

const WeatherRef = builder.objectRef<WeatherSnapshot>('Weather').implement({
  description: 'The weather outside and what weather mode shows for it.',
  fields: (t) => ({
    report: t.field({ type: WeatherReportRef, nullable: true, resolve: (w) => w.report }),
    display: t.field({ type: WeatherDisplayRef, description: 'What weather mode shows now.', resolve: (w) => w.display }),
    frame: t.string({
      description: 'The packet lamps get in weather mode.',
      resolve: (w) => formatDisplayPacket({ mode: 'weather', ...w.display }),
    }),
    source: t.field({ type: WeatherSourceRef, resolve: (w) => w }),
  }),
});

const WeatherPreviewRef = builder.objectRef<WeatherDisplay>('WeatherPreview').implement({
  description: 'What the lamp would show.',
  fields: (t) => ({
    state: t.exposeInt('state'),
    intensity: t.exposeFloat('intensity'),
    frame: t.string({ resolve: (d) => formatDisplayPacket({ mode: 'weather', ...d }) }),
  }),
});

const WeatherTestRef = builder.objectRef<WeatherTestOutcome>('WeatherTest').implement({
  description: 'The answer to one trial fetch with settings that were not saved.',
  fields: (t) => ({
    ok: t.boolean({ resolve: (r) => r.report !== null }),
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

const WeatherSettingsInput = builder.inputType('WeatherSettingsInput', {
  description:
    'Changes to how weather is fetched; omitted fields stay as they are. A place is one of cityId, city, or lat and lon together.',
  fields: (t) => ({
    apiKey: t.string({ required: false, description: 'OpenWeatherMap API key; an empty string removes it.' }),
    cityId: t.int({ required: false }),
    city: t.string({ required: false, description: 'e.g. "Zurich" or "Zurich,CH".' }),
    lat: t.float({ required: false }),
    lon: t.float({ required: false }),
    intervalSeconds: t.int({ required: false, description: `How often to fetch, at least ${MIN_INTERVAL_MS / 1000} s.` }),
    baseUrl: t.string({ required: false, description: 'Another OpenWeatherMap endpoint (a proxy, a local stand-in).' }),
  }),
});

builder.queryFields((t) => ({
  weather: t.field({
    type: WeatherRef,
    authScopes: { observe: true },
    resolve: (_root, _args, { weather }) => weather.snapshot(),
  }),
  weatherPreview: t.field({
    type: WeatherPreviewRef,
    description: 'What the lamp would show for a condition, cloud cover and moment; sunrise and sunset come from the last report.',
    authScopes: { observe: true },
    args: {
      conditionId: t.arg.int({ required: true }),
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
    args: { settings: t.arg({ type: WeatherSettingsInput, required: true }) },
    resolve: (_root, args, { weather }) => weather.test(checkArguments(args, { settings: weatherSettings }).settings),
  }),
  configureWeather: t.field({
    type: WeatherRef,
    description: 'Changes where and how often weather is fetched; kept across restarts. Fetches at once.',
    authScopes: { manage: true },
    args: { settings: t.arg({ type: WeatherSettingsInput, required: true }) },
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
  cityId?: number | null;
  city?: string | null;
  lat?: number | null;
  lon?: number | null;
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
  const field = (name: keyof SettingsArgument) => `${argument}.${name}`;
  const change: StoredWeatherSettings = {};
  if (input.apiKey != null) change.apiKey = input.apiKey.trim() === '' ? null : input.apiKey.trim();
  const forms = [input.cityId != null, input.city != null, input.lat != null || input.lon != null].filter(Boolean).length;
  if (forms > 1) throw invalidArgument(argument, 'give one place: cityId, city, or lat and lon');
  if (input.cityId != null) change.place = { kind: 'city-id', cityId: cityId(input.cityId, field('cityId')) };
  if (input.city != null) change.place = { kind: 'city-name', city: cityName(input.city, field('city')) };
  if (input.lat != null || input.lon != null) {
    if (input.lat == null || input.lon == null) throw invalidArgument(argument, 'give lat and lon together');
    change.place = { kind: 'coordinates', lat: latitude(input.lat, field('lat')), lon: longitude(input.lon, field('lon')) };
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
