import type { WeatherState } from '@cloud-cloud/protocol/packet';
import type { WeatherDisplay } from '../display/display-state.js';
import type { SqliteDatabase } from './database.js';
import type { SettingKey, StateStore } from './state-store.js';

export class SqliteStateStore implements StateStore {
  readonly #selectSetting;
  readonly #upsertSetting;

  constructor(db: SqliteDatabase) {
    this.#selectSetting = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
    this.#upsertSetting = db.prepare<[string, string]>(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
  }

  loadWeatherDisplay(): WeatherDisplay | undefined {
    const stored = this.readSetting('weather_display');
    if (!stored) return undefined;
    const { state, intensity } = JSON.parse(stored) as { state: number; intensity: number };
    return { state: state as WeatherState, intensity };
  }

  saveWeatherDisplay(weather: WeatherDisplay): void {
    this.writeSetting('weather_display', JSON.stringify({ state: weather.state, intensity: weather.intensity }));
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
