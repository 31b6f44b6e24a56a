import { graphql, type ResultOf, type VariablesOf } from '@cloud-cloud/contract/graphql';

/*
 * Every GraphQL operation the UI sends, in one place. The answer types below are read from the
 * documents themselves (and so from schema.graphql), never written by hand: a schema change
 * that takes away what a view reads fails the typecheck, and test/client-operations.test.ts
 * validates each document against the schema.
 */

const DisplayStateFields = graphql(`
  fragment DisplayStateFields on DisplayState {
    mode
    color {
      r
      g
      b
      hex
    }
    pulse
    weather {
      state
      intensity
    }
    frame
    updatedAt
  }
`);
export type DisplayState = ResultOf<typeof DisplayStateFields>;
export type DisplayMode = DisplayState['mode'];

export const VIEWER = graphql('query Viewer { viewer { scope credential } }');
export type Scope = ResultOf<typeof VIEWER>['viewer']['scope'];
export const LOGIN = graphql('mutation Login($password: String!) { login(password: $password) { expiresAt } }');
export const LOGOUT = graphql('mutation Logout { logout }');

export const DISPLAY_STATE_UPDATES = graphql('subscription DisplayStateUpdates { displayState { ...DisplayStateFields } }', [
  DisplayStateFields,
]);
export const SET_MODE = graphql('mutation SetMode($mode: DisplayMode!) { setMode(mode: $mode) { ...DisplayStateFields } }', [
  DisplayStateFields,
]);
export const SET_COLOR = graphql('mutation SetColor($color: ColorInput!) { setColor(color: $color) { ...DisplayStateFields } }', [
  DisplayStateFields,
]);
export const SET_PULSE = graphql('mutation SetPulse($pulse: Int!) { setPulse(pulse: $pulse) { ...DisplayStateFields } }', [
  DisplayStateFields,
]);

const WeatherFields = graphql(`
  fragment WeatherFields on Weather {
    display {
      state
      intensity
    }
    report {
      conditionId
      description
      temperature
      cloudiness
      sunrise
      sunset
      observedAt
      fetchedAt
      placeName
      country
    }
    source {
      state
      message
      nextAttemptAt
      failingSince
    }
  }
`);
export type WeatherInfo = ResultOf<typeof WeatherFields>;
export const WEATHER_UPDATES = graphql('subscription WeatherUpdates { weather { ...WeatherFields } }', [WeatherFields]);
export const REFRESH_WEATHER = graphql('mutation RefreshWeather { refreshWeather { ...WeatherFields } }', [WeatherFields]);

export const DEVICES = graphql(`
  query Devices {
    devices {
      id
      name
      lampId
      remoteAddress
      connectedAt
      lastSeenAt
    }
    lamps {
      id
      name
      revokedAt
      online
      connections {
        id
        connectedAt
        lastSeenAt
        remoteAddress
      }
    }
    debugEnabled
  }
`);
export type DeviceInfo = ResultOf<typeof DEVICES>['devices'][number];
export type LampInfo = ResultOf<typeof DEVICES>['lamps'][number];
export const DEVICE_EVENTS = graphql(
  'subscription DeviceEvents { deviceEvents { kind at reason device { id name remoteAddress } message { at text } } }',
);
export const SEND_COMMAND = graphql(
  'mutation SendCommand($command: DeviceCommand!, $deviceIds: [ID!]) { sendCommand(command: $command, deviceIds: $deviceIds) { lampsReached } }',
);
export const SET_DEBUG = graphql('mutation SetDebug($enabled: Boolean!) { setDebug(enabled: $enabled) { lampsReached } }');

const FirmwareImageFields = graphql(`
  fragment FirmwareImageFields on FirmwareImage {
    id
    version
    size
    target
    format
    project
    notes
    uploadedAt
    uploadedBy
    assignedTo
    downloadUrl
  }
`);
export type FirmwareImageInfo = ResultOf<typeof FirmwareImageFields>;
export const FIRMWARE = graphql(
  `
    query Firmware($first: Int!, $after: String) {
      firmwareImages {
        ...FirmwareImageFields
      }
      lampFirmware(first: $first, after: $after) {
        mac
        family
        runningVersion
        lastCheckAt
        address
        state
        assignedFirmware {
          version
        }
        checks(last: 1) {
          outcome
          detail
          at
        }
      }
      lampFirmwareCount
    }
  `,
  [FirmwareImageFields],
);
export type LampFirmwareInfo = ResultOf<typeof FIRMWARE>['lampFirmware'][number];
export const UPLOAD_FIRMWARE = graphql(
  `
    mutation UploadFirmware($file: File!, $version: String, $target: String, $notes: String) {
      uploadFirmware(file: $file, version: $version, target: $target, notes: $notes) {
        ...FirmwareImageFields
      }
    }
  `,
  [FirmwareImageFields],
);
export const ASSIGN_FIRMWARE = graphql('mutation AssignFirmware($firmwareId: ID!) { assignFirmware(firmwareId: $firmwareId) { mac } }');
export const ROLL_OUT_FIRMWARE = graphql(
  'mutation RollOutFirmware($firmwareId: ID!) { rollOutFirmware(firmwareId: $firmwareId) { lampsReached } }',
);
export const DELETE_FIRMWARE = graphql('mutation DeleteFirmware($firmwareId: ID!) { deleteFirmware(firmwareId: $firmwareId) }');
/** Without macs, removes the default. */
export const UNASSIGN_FIRMWARE = graphql('mutation UnassignFirmware($macs: [String!]) { unassignFirmware(macs: $macs) }');
export const FIRMWARE_CHECKS = graphql('subscription FirmwareChecks { firmwareChecks { lamp { mac } check { outcome } } }');

/* The admin's Settings view. */

export const WEATHER_SETTINGS = graphql(`
  query WeatherSettings {
    weather {
      source {
        state
        message
        apiKeyConfigured
        intervalSeconds
        place {
          cityId
          city
          lat
          lon
        }
      }
      report {
        placeName
        country
      }
    }
  }
`);
export type WeatherSourceSettings = ResultOf<typeof WEATHER_SETTINGS>['weather']['source'];
const WeatherReportSummary = graphql(`
  fragment WeatherReportSummary on WeatherReport {
    description
    temperature
    placeName
    country
  }
`);
export type WeatherReportSummary = ResultOf<typeof WeatherReportSummary>;
export const TEST_WEATHER_SETTINGS = graphql(
  `
    mutation TestWeatherSettings($settings: WeatherSettingsInput!) {
      testWeatherSettings(settings: $settings) {
        ok
        error
        report {
          ...WeatherReportSummary
        }
        display {
          state
          intensity
        }
      }
    }
  `,
  [WeatherReportSummary],
);
export type WeatherSettingsInput = VariablesOf<typeof TEST_WEATHER_SETTINGS>['settings'];
export const CONFIGURE_WEATHER = graphql(
  `
    mutation ConfigureWeather($settings: WeatherSettingsInput!) {
      configureWeather(settings: $settings) {
        report {
          ...WeatherReportSummary
        }
        source {
          state
          message
          apiKeyConfigured
        }
      }
    }
  `,
  [WeatherReportSummary],
);

const ApiTokenFields = graphql('fragment ApiTokenFields on ApiToken { id name scope createdAt lastUsedAt revokedAt }');
export type ApiTokenInfo = ResultOf<typeof ApiTokenFields>;
export const API_TOKENS = graphql('query ApiTokens { apiTokens { ...ApiTokenFields } }', [ApiTokenFields]);
export const CREATE_API_TOKEN = graphql(
  `
    mutation CreateApiToken($name: String!, $scope: Scope!) {
      createApiToken(name: $name, scope: $scope) {
        token
        apiToken {
          ...ApiTokenFields
        }
      }
    }
  `,
  [ApiTokenFields],
);
export const REVOKE_API_TOKEN = graphql('mutation RevokeApiToken($id: ID!) { revokeApiToken(id: $id) { ...ApiTokenFields } }', [
  ApiTokenFields,
]);

export const CHANGE_ADMIN_PASSWORD = graphql(
  'mutation ChangeAdminPassword($currentPassword: String!, $newPassword: String!) { changeAdminPassword(currentPassword: $currentPassword, newPassword: $newPassword) }',
);

const DeviceSecretFields = graphql('fragment DeviceSecretFields on DeviceSecret { secret source rotatable }');
export type DeviceSecretInfo = ResultOf<typeof DeviceSecretFields>;
export const DEVICE_SECRET = graphql('query DeviceSecret { deviceSecret { ...DeviceSecretFields } }', [DeviceSecretFields]);
export const ROTATE_DEVICE_SECRET = graphql('mutation RotateDeviceSecret { rotateDeviceSecret { ...DeviceSecretFields } }', [
  DeviceSecretFields,
]);
