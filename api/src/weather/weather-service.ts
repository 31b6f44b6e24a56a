import type { Logger } from 'pino';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import type { RoomDisplays } from '../rooms/room-displays.js';
import { DEFAULT_WEATHER, type WeatherDisplay } from '../display/display-state.js';
import type { PubSub } from '../events/pubsub.js';
import type { StateStore } from '../store/state-store.js';
import { fetchCurrentWeather, WeatherFetchError, type WeatherReport } from './openweathermap.js';
import { weatherDisplayFor } from './weather-mapping.js';
import { effectiveSettings, isConfigured, StoredWeatherSettings, type WeatherSettings } from './weather-settings.js';

export type WeatherSourceState = 'OK' | 'NOT_CONFIGURED' | 'FAILING';

export interface WeatherSourceStatus {
  state: WeatherSourceState;
  /** What a person should know: why nothing is fetched, or the last error. */
  message: string | null;
  lastSuccessAt: Date | null;
  failingSince: Date | null;
  consecutiveFailures: number;
  nextAttemptAt: Date | null;
}

/** Everything the API tells about weather at one moment. */
export interface WeatherSnapshot {
  report: WeatherReport | null;
  display: WeatherDisplay;
  status: WeatherSourceStatus;
  settings: WeatherSettings;
}

/** What one trial fetch gave: a report, or the error in words. */
type WeatherTrial = { report: WeatherReport; error: null } | { report: null; error: string };
/** One trial fetch: the report or why it failed, and when it was made. */
export type WeatherTestOutcome = WeatherTrial & { at: Date };

export type WeatherEvents = { weather: WeatherSnapshot };

export interface WeatherServiceOptions {
  store: StateStore;
  display: RoomDisplays;
  pubsub: PubSub<WeatherEvents>;
  clock: Clock;
  logger: Logger;
  /** From the environment; anything changed through the API is laid over them. */
  defaults: Partial<WeatherSettings>;
  /** First retry after a failure; doubles up to the fetch interval. Default 30 s. */
  retryBaseMs?: number;
  /** How often the display is recomputed from the clock (sunrise and sunset ramps). Default 15 s. */
  recomputeEveryMs?: number;
  /** How long to wait for OpenWeatherMap. Default 10 s. */
  timeoutMs?: number;
}

const NOT_CONFIGURED =
  'no weather source is configured: set an OpenWeatherMap API key and a place (CC_OWM_API_KEY with CC_OWM_CITY_ID, CC_OWM_CITY or CC_OWM_LAT and CC_OWM_LON, or the configureWeather mutation)';

/**
 * Keeps the weather: fetches it on a schedule (backing off while it fails), keeps the last good
 * report across restarts, and recomputes what the lamp shows as the clock moves through sunrise
 * and sunset. RoomDisplays drops updates that change nothing, so lamps only get a packet
 * when the weather display really changes.
 */
export class WeatherService {
  #settings: WeatherSettings;
  #report: WeatherReport | null;
  #status: WeatherSourceStatus;
  #timer: NodeJS.Timeout | undefined;
  #recomputeTimer: NodeJS.Timeout | undefined;
  #running = false;
  /** Bumped when settings change, so a reply for the old place is not used. */
  #generation = 0;
  #inFlight: Promise<void> | null = null;
  readonly #logger: Logger;

  constructor(private readonly options: WeatherServiceOptions) {
    this.#logger = options.logger.child({ component: 'weather' });
    this.#settings = effectiveSettings(options.defaults, this.#loadStoredSettings());
    this.#report = this.#loadReport();
    this.#status = this.#idleStatus();
  }

  start(): void {
    this.#running = true;
    this.#recompute();
    this.#recomputeTimer = setInterval(() => this.#recompute(), this.options.recomputeEveryMs ?? 15_000);
    if (isConfigured(this.#settings)) this.#schedule(0);
  }

  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
    clearInterval(this.#recomputeTimer);
  }

  snapshot(): WeatherSnapshot {
    return {
      report: this.#report,
      display: this.options.display.weather(),
      status: this.#status,
      settings: this.#settings,
    };
  }

  /** Fetches now (after any fetch already under way) and answers with the outcome. */
  async refresh(): Promise<WeatherSnapshot> {
    if (this.#inFlight) await this.#inFlight;
    if (isConfigured(this.#settings)) await this.#fetch();
    return this.snapshot();
  }

  /** Applies and stores an admin's change, then fetches with the new settings. */
  async configure(change: StoredWeatherSettings): Promise<WeatherSnapshot> {
    const stored = { ...this.#loadStoredSettings(), ...change };
    this.options.store.writeSetting('weather_settings', JSON.stringify(stored));
    const previous = this.#settings;
    this.#settings = effectiveSettings(this.options.defaults, stored);
    this.#generation++;
    if (JSON.stringify(previous.place) !== JSON.stringify(this.#settings.place)) this.#setReport(null);
    this.#status = this.#idleStatus();
    clearTimeout(this.#timer);
    this.#recompute(true);
    return this.refresh();
  }

  /**
   * Fetches once with `change` laid over the settings in force, and keeps nothing: not the
   * settings, not the report. For trying a key or a place before saving it.
   */
  async test(change: StoredWeatherSettings): Promise<WeatherTestOutcome> {
    return { ...(await this.#trial(change)), at: this.options.clock.now() };
  }

  /**
   * What weather mode would show for a condition and cloud cover at `at` (default now), with
   * sunrise and sunset from the last report.
   */
  preview(condition: { conditionId: number; cloudiness: number | null }, at?: Date): WeatherDisplay {
    const report = this.#report;
    return weatherDisplayFor(
      { ...condition, sunrise: report?.sunrise ?? null, sunset: report?.sunset ?? null },
      at ?? this.options.clock.now(),
    );
  }

  async #trial(change: StoredWeatherSettings): Promise<WeatherTrial> {
    const settings = effectiveSettings(this.options.defaults, { ...this.#loadStoredSettings(), ...change });
    if (settings.apiKey === null) return { report: null, error: 'no API key: enter one (none is saved)' };
    if (settings.place === null) return { report: null, error: 'no place: enter a city, a city id, or coordinates' };
    try {
      const report = await fetchCurrentWeather({
        baseUrl: settings.baseUrl,
        apiKey: settings.apiKey,
        place: settings.place,
        timeoutMs: this.options.timeoutMs ?? 10_000,
        now: () => this.options.clock.now(),
      });
      return { report, error: null };
    } catch (error) {
      return { report: null, error: error instanceof WeatherFetchError ? error.message : `weather fetch failed: ${String(error)}` };
    }
  }

  /** The current snapshot at once, then every change. */
  async *updates(signal?: AbortSignal): AsyncGenerator<WeatherSnapshot> {
    const changes = this.options.pubsub.latest('weather', signal);
    try {
      yield this.snapshot();
      yield* changes;
    } finally {
      await changes.return?.();
    }
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#timer);
    if (!this.#running) return;
    this.#status = { ...this.#status, nextAttemptAt: new Date(this.options.clock.now().getTime() + delayMs) };
    this.#timer = setTimeout(() => void this.#fetch(), delayMs);
  }

  #fetch(): Promise<void> {
    const settings = this.#settings;
    if (!isConfigured(settings)) return Promise.resolve();
    const generation = this.#generation;
    clearTimeout(this.#timer);
    const attempt = fetchCurrentWeather({
      baseUrl: settings.baseUrl,
      apiKey: settings.apiKey,
      place: settings.place,
      timeoutMs: this.options.timeoutMs ?? 10_000,
      now: () => this.options.clock.now(),
    }).then(
      (report) => {
        if (generation !== this.#generation) return;
        if (this.#status.state === 'FAILING') this.#logger.info('weather source recovered');
        this.#setReport(report);
        this.#status = {
          state: 'OK',
          message: null,
          lastSuccessAt: report.fetchedAt,
          failingSince: null,
          consecutiveFailures: 0,
          nextAttemptAt: null,
        };
        this.#schedule(settings.intervalMs);
        this.#recompute(true);
      },
      (error: unknown) => {
        if (generation !== this.#generation) return;
        const message = error instanceof WeatherFetchError ? error.message : `weather fetch failed: ${String(error)}`;
        // One line per kind of trouble, not one per attempt.
        if (message !== this.#status.message) this.#logger.warn({ keepingLastReport: this.#report !== null }, message);
        const failures = this.#status.consecutiveFailures + 1;
        const now = this.options.clock.now();
        this.#status = {
          state: 'FAILING',
          message,
          lastSuccessAt: this.#status.lastSuccessAt,
          failingSince: this.#status.failingSince ?? now,
          consecutiveFailures: failures,
          nextAttemptAt: null,
        };
        const retryBase = this.options.retryBaseMs ?? 30_000;
        this.#schedule(Math.min(settings.intervalMs, retryBase * 2 ** Math.min(failures - 1, 20)));
        this.#publish();
      },
    );
    const tracked = attempt.finally(() => {
      if (this.#inFlight === tracked) this.#inFlight = null;
    });
    this.#inFlight = tracked;
    return tracked;
  }

  /** Brings the display in line with the report and the clock; publishes when anything changed. */
  #recompute(publishAnyway = false): void {
    const display =
      isConfigured(this.#settings) && this.#report ? weatherDisplayFor(this.#report, this.options.clock.now()) : DEFAULT_WEATHER;
    const changed = this.options.display.setWeather(display);
    if (changed || publishAnyway) this.#publish();
  }

  #publish(): void {
    this.options.pubsub.publish('weather', this.snapshot());
  }

  #setReport(report: WeatherReport | null): void {
    this.#report = report;
    this.options.store.writeSetting('weather_report', report ? JSON.stringify(report) : 'null');
  }

  #idleStatus(): WeatherSourceStatus {
    const configured = isConfigured(this.#settings);
    return {
      state: configured ? 'OK' : 'NOT_CONFIGURED',
      message: configured ? null : NOT_CONFIGURED,
      lastSuccessAt: this.#report?.fetchedAt ?? null,
      failingSince: null,
      consecutiveFailures: 0,
      nextAttemptAt: null,
    };
  }

  #loadStoredSettings(): StoredWeatherSettings {
    const raw = this.options.store.readSetting('weather_settings');
    if (!raw) return {};
    const parsed = StoredWeatherSettings.safeParse(safeJson(raw));
    if (!parsed.success) this.#logger?.warn('stored weather settings are unreadable; using the defaults');
    return parsed.data ?? {};
  }

  #loadReport(): WeatherReport | null {
    const raw = this.options.store.readSetting('weather_report');
    if (!raw || raw === 'null') return null;
    const parsed = StoredReport.safeParse(safeJson(raw));
    return parsed.success ? parsed.data : null;
  }
}

const date = z.coerce.date();
const StoredReport = z.object({
  conditionId: z.number().int(),
  condition: z.string(),
  description: z.string(),
  temperature: z.number(),
  feelsLike: z.number().nullable(),
  humidity: z.number().nullable(),
  windSpeed: z.number().nullable(),
  cloudiness: z.number(),
  sunrise: date,
  sunset: date,
  observedAt: date,
  fetchedAt: date,
  placeName: z.string(),
  country: z.string().nullable(),
  cityId: z.number().nullable(),
  lat: z.number(),
  lon: z.number(),
}) satisfies z.ZodType<WeatherReport, unknown>;

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
