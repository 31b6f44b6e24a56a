import type { WeatherDisplay } from '../display/display-state.js';

/** Named values kept beside the rooms. */
export type SettingKey =
  | 'debug_enabled'
  | 'device_secret'
  | 'admin_password_hash'
  | 'weather_settings'
  | 'weather_report'
  | 'weather_display'
  | 'mqtt_settings'
  | 'mqtt_client_id'
  | 'mqtt_room_on_modes'
  | 'mqtt_published';

/**
 * Where the API keeps what must outlive the process. Calls are synchronous on purpose: a
 * change is stored before the mutation that made it answers.
 */
export interface StateStore {
  /** What weather mode shows in every room, as last computed. */
  loadWeatherDisplay(): WeatherDisplay | undefined;
  saveWeatherDisplay(weather: WeatherDisplay): void;
  loadDebugEnabled(): boolean;
  saveDebugEnabled(enabled: boolean): void;
  readSetting(key: SettingKey): string | undefined;
  writeSetting(key: SettingKey, value: string): void;
}
