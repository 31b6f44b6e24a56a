import type { WeatherState } from '@cloud-cloud/protocol/packet';
import type { DisplayMode, DisplayState } from '../display/display-state.js';
import type { SqliteDatabase } from './database.js';
import type { SettingKey, StateStore } from './state-store.js';

interface DisplayRow {
  mode: DisplayMode;
  red: number;
  green: number;
  blue: number;
  pulse: number;
  weather_state: number;
  weather_intensity: number;
  revision: number;
  updated_at: string;
}

export class SqliteStateStore implements StateStore {
  readonly #selectDisplay;
  readonly #upsertDisplay;
  readonly #selectSetting;
  readonly #upsertSetting;

  constructor(db: SqliteDatabase) {
    this.#selectDisplay = db.prepare<[], DisplayRow>('SELECT * FROM display_state WHERE id = 1');
    this.#upsertDisplay = db.prepare<DisplayRow>(
      `INSERT INTO display_state (id, mode, red, green, blue, pulse, weather_state, weather_intensity, revision, updated_at)
       VALUES (1, @mode, @red, @green, @blue, @pulse, @weather_state, @weather_intensity, @revision, @updated_at)
       ON CONFLICT (id) DO UPDATE SET mode = excluded.mode, red = excluded.red, green = excluded.green,
         blue = excluded.blue, pulse = excluded.pulse, weather_state = excluded.weather_state,
         weather_intensity = excluded.weather_intensity, revision = excluded.revision, updated_at = excluded.updated_at`,
    );
    this.#selectSetting = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
    this.#upsertSetting = db.prepare<[string, string]>(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
  }

  loadDisplayState(): DisplayState | undefined {
    const row = this.#selectDisplay.get();
    if (!row) return undefined;
    return {
      mode: row.mode,
      color: { r: row.red, g: row.green, b: row.blue },
      pulse: row.pulse,
      weather: { state: row.weather_state as WeatherState, intensity: row.weather_intensity },
      revision: row.revision,
      updatedAt: new Date(row.updated_at),
    };
  }

  saveDisplayState(state: DisplayState): void {
    this.#upsertDisplay.run({
      mode: state.mode,
      red: state.color.r,
      green: state.color.g,
      blue: state.color.b,
      pulse: state.pulse,
      weather_state: state.weather.state,
      weather_intensity: state.weather.intensity,
      revision: state.revision,
      updated_at: state.updatedAt.toISOString(),
    });
  }

  loadDebugEnabled(): boolean {
    return this.readSetting('debug_enabled') === 'true';
  }

  saveDebugEnabled(enabled: boolean): void {
    this.writeSetting('debug_enabled', String(enabled));
  }

  readSetting(key: SettingKey): string | undefined {
    return this.#selectSetting.get(key)?.value;
  }

  writeSetting(key: SettingKey, value: string): void {
    this.#upsertSetting.run(key, value);
  }
}
