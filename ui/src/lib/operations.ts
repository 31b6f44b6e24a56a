/** Every GraphQL operation the UI sends, in one place. */

export const DISPLAY_STATE_FIELDS = 'mode color { r g b hex } pulse weather { state intensity } frame updatedAt';

export const VIEWER = 'query Viewer { viewer { scope credential } }';
export const LOGIN = 'mutation Login($password: String!) { login(password: $password) { expiresAt } }';
export const LOGOUT = 'mutation Logout { logout }';

export const DISPLAY_STATE_UPDATES = `subscription DisplayStateUpdates { displayState { ${DISPLAY_STATE_FIELDS} } }`;
export const SET_MODE = `mutation SetMode($mode: DisplayMode!) { setMode(mode: $mode) { ${DISPLAY_STATE_FIELDS} } }`;
export const SET_COLOR = `mutation SetColor($color: ColorInput!) { setColor(color: $color) { ${DISPLAY_STATE_FIELDS} } }`;
export const SET_PULSE = `mutation SetPulse($pulse: Int!) { setPulse(pulse: $pulse) { ${DISPLAY_STATE_FIELDS} } }`;

const WEATHER_FIELDS = `
  display { state intensity }
  report { conditionId description temperature cloudiness sunrise sunset observedAt fetchedAt placeName country }
  source { state message nextAttemptAt failingSince }`;
export const WEATHER_UPDATES = `subscription WeatherUpdates { weather { ${WEATHER_FIELDS} } }`;
export const REFRESH_WEATHER = `mutation RefreshWeather { refreshWeather { ${WEATHER_FIELDS} } }`;

export const DEVICES = `query Devices {
  devices { id name lampId remoteAddress connectedAt lastSeenAt }
  lamps { id name revokedAt online connections { id connectedAt lastSeenAt remoteAddress } }
  debugEnabled
}`;
export const DEVICE_EVENTS = 'subscription DeviceEvents { deviceEvents { kind at reason device { id name remoteAddress } message { at text } } }';
export const SEND_COMMAND = 'mutation SendCommand($command: DeviceCommand!, $deviceIds: [ID!]) { sendCommand(command: $command, deviceIds: $deviceIds) { lampsReached } }';
export const SET_DEBUG = 'mutation SetDebug($enabled: Boolean!) { setDebug(enabled: $enabled) { lampsReached } }';

export type DisplayMode = 'OFF' | 'WEATHER' | 'MANUAL';

export interface DisplayState {
  mode: DisplayMode;
  color: { r: number; g: number; b: number; hex: string };
  pulse: number;
  weather: { state: number; intensity: number };
  frame: string;
  updatedAt: string;
}

export interface WeatherInfo {
  display: { state: number; intensity: number };
  report: {
    conditionId: number;
    description: string;
    temperature: number;
    cloudiness: number;
    sunrise: string;
    sunset: string;
    observedAt: string;
    fetchedAt: string;
    placeName: string;
    country: string | null;
  } | null;
  source: { state: 'OK' | 'NOT_CONFIGURED' | 'FAILING'; message: string | null; nextAttemptAt: string | null; failingSince: string | null };
}

export interface DeviceInfo {
  id: string;
  name: string | null;
  lampId: string | null;
  remoteAddress: string;
  connectedAt: string;
  lastSeenAt: string;
}

export interface LampInfo {
  id: string;
  name: string;
  revokedAt: string | null;
  online: boolean;
  connections: { id: string; connectedAt: string; lastSeenAt: string; remoteAddress: string }[];
}

export interface DeviceEvent {
  kind: 'CONNECTED' | 'DISCONNECTED' | 'DEBUG_MESSAGE';
  at: string;
  reason: string | null;
  device: { id: string; name: string | null; remoteAddress: string };
  message: { at: string; text: string } | null;
}

const FIRMWARE_IMAGE_FIELDS = 'id version size target format project notes uploadedAt uploadedBy assignedTo downloadUrl';
export const FIRMWARE = `query Firmware($first: Int!, $after: String) {
  firmwareImages { ${FIRMWARE_IMAGE_FIELDS} }
  lampFirmware(first: $first, after: $after) { mac family runningVersion lastCheckAt address state assignedFirmware { version } checks(last: 1) { outcome detail at } }
  lampFirmwareCount
}`;
export const UPLOAD_FIRMWARE = `mutation UploadFirmware($file: File!, $version: String, $target: String, $notes: String) {
  uploadFirmware(file: $file, version: $version, target: $target, notes: $notes) { ${FIRMWARE_IMAGE_FIELDS} }
}`;
export const ASSIGN_FIRMWARE = 'mutation AssignFirmware($firmwareId: ID!) { assignFirmware(firmwareId: $firmwareId) { mac } }';
export const ROLL_OUT_FIRMWARE = 'mutation RollOutFirmware($firmwareId: ID!) { rollOutFirmware(firmwareId: $firmwareId) { lampsReached } }';
export const DELETE_FIRMWARE = 'mutation DeleteFirmware($firmwareId: ID!) { deleteFirmware(firmwareId: $firmwareId) }';
/** Without macs, removes the default. */
export const UNASSIGN_FIRMWARE = 'mutation UnassignFirmware($macs: [String!]) { unassignFirmware(macs: $macs) }';
export const FIRMWARE_CHECKS = 'subscription FirmwareChecks { firmwareChecks { lamp { mac } check { outcome } } }';

export interface FirmwareImageInfo {
  id: string;
  version: string;
  size: number;
  target: string | null;
  format: string;
  project: string | null;
  notes: string | null;
  uploadedAt: string;
  uploadedBy: string;
  assignedTo: string[];
  downloadUrl: string;
}

export interface LampFirmwareInfo {
  mac: string;
  family: string;
  runningVersion: string | null;
  lastCheckAt: string;
  address: string;
  state: 'UP_TO_DATE' | 'UPDATE_SENT' | 'UPDATED' | 'UPDATE_FAILED' | 'REFUSED' | 'NOTHING_ASSIGNED';
  assignedFirmware: { version: string } | null;
  checks: { outcome: string; detail: string; at: string }[];
}

/* The admin's Settings view. */

export const WEATHER_SETTINGS = `query WeatherSettings { weather { source {
  state message apiKeyConfigured intervalSeconds place { cityId city lat lon }
} report { placeName country } } }`;
const WEATHER_REPORT_SUMMARY = 'description temperature placeName country';
export const TEST_WEATHER_SETTINGS = `mutation TestWeatherSettings($settings: WeatherSettingsInput!) {
  testWeatherSettings(settings: $settings) { ok error report { ${WEATHER_REPORT_SUMMARY} } display { state intensity } }
}`;
export const CONFIGURE_WEATHER = `mutation ConfigureWeather($settings: WeatherSettingsInput!) {
  configureWeather(settings: $settings) { report { ${WEATHER_REPORT_SUMMARY} } source { state message apiKeyConfigured } }
}`;

export interface WeatherSourceSettings {
  state: 'OK' | 'NOT_CONFIGURED' | 'FAILING';
  message: string | null;
  apiKeyConfigured: boolean;
  intervalSeconds: number;
  place: { cityId: number | null; city: string | null; lat: number | null; lon: number | null } | null;
}

export interface WeatherSettingsInput {
  apiKey?: string;
  cityId?: number;
  city?: string;
  lat?: number;
  lon?: number;
  intervalSeconds?: number;
}

export interface WeatherReportSummary {
  description: string;
  temperature: number;
  placeName: string;
  country: string | null;
}

export interface WeatherTestAnswer {
  ok: boolean;
  error: string | null;
  report: WeatherReportSummary | null;
  display: { state: number; intensity: number } | null;
}

export type Scope = 'ADMIN' | 'READ_ONLY' | 'ADAPTER';

const API_TOKEN_FIELDS = 'id name scope createdAt lastUsedAt revokedAt';
export const API_TOKENS = `query ApiTokens { apiTokens { ${API_TOKEN_FIELDS} } }`;
export const CREATE_API_TOKEN = `mutation CreateApiToken($name: String!, $scope: Scope!) {
  createApiToken(name: $name, scope: $scope) { token apiToken { ${API_TOKEN_FIELDS} } }
}`;
export const REVOKE_API_TOKEN = `mutation RevokeApiToken($id: ID!) { revokeApiToken(id: $id) { ${API_TOKEN_FIELDS} } }`;

export interface ApiTokenInfo {
  id: string;
  name: string;
  scope: Scope;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export const CHANGE_ADMIN_PASSWORD =
  'mutation ChangeAdminPassword($currentPassword: String!, $newPassword: String!) { changeAdminPassword(currentPassword: $currentPassword, newPassword: $newPassword) }';

export const DEVICE_SECRET = 'query DeviceSecret { deviceSecret { secret source rotatable } }';
export const ROTATE_DEVICE_SECRET = 'mutation RotateDeviceSecret { rotateDeviceSecret { secret source rotatable } }';

export interface DeviceSecretInfo {
  secret: string;
  source: 'CONFIGURED' | 'STORED' | 'GENERATED';
  rotatable: boolean;
}
