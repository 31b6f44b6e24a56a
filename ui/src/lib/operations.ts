import { graphql, type ResultOf, type VariablesOf } from '@cloud-cloud/contract/graphql';

/*
 * Every GraphQL operation the UI sends, in one place. The answer types below are read from the
 * documents themselves (and so from schema.graphql), never written by hand: a schema change
 * that takes away what a view reads fails the typecheck, and test/client-operations.test.ts
 * validates each document against the schema.
 */

const DisplayStateFields = graphql(`
  fragment DisplayStateFields on DisplayState {
    roomId
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
    transition {
      kind
      target {
        frame
        color {
          hex
        }
        mode
        pulse
      }
      endsAt
    }
  }
`);
export type DisplayState = ResultOf<typeof DisplayStateFields>;
export type DisplayTransition = NonNullable<DisplayState['transition']>;
export type DisplayMode = DisplayState['mode'];

export const VIEWER = graphql('query Viewer { viewer { scope credential } }');
export type Scope = ResultOf<typeof VIEWER>['viewer']['scope'];
export const LOGIN = graphql('mutation Login($password: String!) { login(password: $password) { expiresAt } }');
export const LOGOUT = graphql('mutation Logout { logout }');

/* The home screen: one room's display state at a time (the default room without a roomId). */
export const DISPLAY_STATE_UPDATES = graphql(
  'subscription DisplayStateUpdates($roomId: ID) { displayState(roomId: $roomId) { ...DisplayStateFields } }',
  [DisplayStateFields],
);
export const SET_MODE = graphql(
  'mutation SetMode($mode: DisplayMode!, $roomId: ID) { setMode(mode: $mode, roomId: $roomId) { ...DisplayStateFields } }',
  [DisplayStateFields],
);
export const SET_COLOR = graphql(
  'mutation SetColor($color: ColorInput!, $roomId: ID) { setColor(color: $color, roomId: $roomId) { ...DisplayStateFields } }',
  [DisplayStateFields],
);
export const SET_PULSE = graphql(
  'mutation SetPulse($pulse: Int!, $roomId: ID) { setPulse(pulse: $pulse, roomId: $roomId) { ...DisplayStateFields } }',
  [DisplayStateFields],
);

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

/* Rooms and lamps. */

const RoomFields = graphql(
  `
    fragment RoomFields on Room {
      id
      name
      position
      isDefault
      lampCount
      onlineLampCount
      displayState {
        ...DisplayStateFields
      }
    }
  `,
  [DisplayStateFields],
);
export type RoomInfo = ResultOf<typeof RoomFields>;
/** Every room at once, then again after every change to any of them. */
export const ROOMS = graphql('subscription Rooms { rooms { ...RoomFields } }', [RoomFields]);
export const CREATE_ROOM = graphql('mutation CreateRoom($name: String!) { createRoom(name: $name) { ...RoomFields } }', [RoomFields]);
export const RENAME_ROOM = graphql(
  'mutation RenameRoom($roomId: ID!, $name: String!) { renameRoom(roomId: $roomId, name: $name) { ...RoomFields } }',
  [RoomFields],
);
export const REORDER_ROOMS = graphql('mutation ReorderRooms($roomIds: [ID!]!) { reorderRooms(roomIds: $roomIds) { ...RoomFields } }', [
  RoomFields,
]);
export const DELETE_ROOM = graphql('mutation DeleteRoom($roomId: ID!) { deleteRoom(roomId: $roomId) { roomId movedLampIds } }');

const LampFields = graphql(`
  fragment LampFields on Lamp {
    id
    name
    roomId
    identity
    weakIdentity
    hasOwnSecret
    online
    statusSince
    lastSeenAt
    address
    mac
    firmwareVersion
    revokedAt
  }
`);
export type LampInfo = ResultOf<typeof LampFields>;
export const LAMPS = graphql(
  `
    query Lamps($after: String) {
      lamps(first: 100, after: $after) {
        nodes {
          ...LampFields
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
      debugEnabled
    }
  `,
  [LampFields],
);
export const LAMP_DETAIL = graphql(
  `
    query LampDetail($lampId: ID!) {
      lamp(lampId: $lampId) {
        ...LampFields
        firmware {
          mac
          family
          runningVersion
          state
          lastCheckAt
          assignedFirmware {
            version
          }
          pendingFirmware {
            version
          }
        }
        debugMessages(last: 30) {
          nodes {
            at
            text
          }
        }
      }
    }
  `,
  [LampFields],
);
export type LampDetail = NonNullable<ResultOf<typeof LAMP_DETAIL>['lamp']>;
export const LAMP_EVENTS = graphql('subscription LampEvents { lampEvents { kind at reason lamp { ...LampFields } message { at text } } }', [
  LampFields,
]);
export type LampEventInfo = ResultOf<typeof LAMP_EVENTS>['lampEvents'];
export const RENAME_LAMP = graphql(
  'mutation RenameLamp($lampId: ID!, $name: String!) { renameLamp(lampId: $lampId, name: $name) { ...LampFields } }',
  [LampFields],
);
export const MOVE_LAMP = graphql(
  'mutation MoveLamp($lampId: ID!, $roomId: ID!) { moveLamp(lampId: $lampId, roomId: $roomId) { ...LampFields } }',
  [LampFields],
);
export const FORGET_LAMP = graphql('mutation ForgetLamp($lampId: ID!) { forgetLamp(lampId: $lampId) { id } }');
export const REGISTER_LAMP = graphql(
  'mutation RegisterLamp($name: String!, $roomId: ID) { registerLamp(name: $name, roomId: $roomId) { secret lamp { ...LampFields } } }',
  [LampFields],
);
/** Without lampIds, every connected lamp. */
export const SEND_COMMAND = graphql(
  'mutation SendCommand($command: DeviceCommand!, $lampIds: [ID!]) { sendCommand(command: $command, lampIds: $lampIds) { lampsReached } }',
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
      firmwareImages(first: 100) {
        nodes {
          ...FirmwareImageFields
        }
      }
      lampFirmware(first: $first, after: $after) {
        nodes {
          mac
          family
          runningVersion
          lastCheckAt
          address
          state
          lamp {
            name
          }
          assignedFirmware {
            version
          }
          checks(first: 1) {
            nodes {
              outcome
              detail
              at
            }
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
        totalCount
      }
    }
  `,
  [FirmwareImageFields],
);
export type LampFirmwareInfo = ResultOf<typeof FIRMWARE>['lampFirmware']['nodes'][number];
export type ChipTarget = NonNullable<FirmwareImageInfo['target']>;
export const UPLOAD_FIRMWARE = graphql(
  `
    mutation UploadFirmware($file: File!, $version: String, $target: ChipTarget, $notes: String) {
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

const MqttBridgeFields = graphql(`
  fragment MqttBridgeFields on MqttBridge {
    state
    message
    connectedSince
    lastErrorAt
    nextAttemptAt
    failedAttempts
    url
    username
    passwordConfigured
    topicPrefix
    discoveryPrefix
  }
`);
export type MqttBridgeInfo = ResultOf<typeof MqttBridgeFields>;
export const MQTT_BRIDGE_UPDATES = graphql('subscription MqttBridgeUpdates { mqttBridge { ...MqttBridgeFields } }', [MqttBridgeFields]);
export const CONFIGURE_MQTT = graphql(
  'mutation ConfigureMqtt($settings: MqttSettingsInput!) { configureMqtt(settings: $settings) { ...MqttBridgeFields } }',
  [MqttBridgeFields],
);
export type MqttSettingsInput = VariablesOf<typeof CONFIGURE_MQTT>['settings'];

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
export const REVOKE_API_TOKEN = graphql(
  'mutation RevokeApiToken($apiTokenId: ID!) { revokeApiToken(apiTokenId: $apiTokenId) { ...ApiTokenFields } }',
  [ApiTokenFields],
);

export const CHANGE_ADMIN_PASSWORD = graphql(
  'mutation ChangeAdminPassword($currentPassword: String!, $newPassword: String!) { changeAdminPassword(currentPassword: $currentPassword, newPassword: $newPassword) }',
);

const DeviceSecretFields = graphql('fragment DeviceSecretFields on DeviceSecret { secret source rotatable }');
export type DeviceSecretInfo = ResultOf<typeof DeviceSecretFields>;
export const DEVICE_SECRET = graphql('query DeviceSecret { deviceSecret { ...DeviceSecretFields } }', [DeviceSecretFields]);
export const ROTATE_DEVICE_SECRET = graphql('mutation RotateDeviceSecret { rotateDeviceSecret { ...DeviceSecretFields } }', [
  DeviceSecretFields,
]);

/* Schedules: the list in words with next and last runs, and the forms that change them. */
const ScheduleFields = graphql(`
  fragment ScheduleFields on Schedule {
    id
    name
    enabled
    description
    nextRunAt
    lastRun {
      ranAt
      outcome
      message
    }
    when {
      timeOfDay {
        time
        weekdays
        from
        until
      }
      sun {
        event
        offsetMinutes
        weekdays
      }
      cron {
        expression
      }
    }
    what {
      applyScene {
        sceneId
        transitionSeconds
      }
      turnOff {
        roomIds
        transitionSeconds
      }
      setRooms {
        roomIds
        mode
        color {
          hex
        }
        transitionSeconds
      }
      wakeUp {
        roomId
        durationMinutes
        offAfterMinutes
      }
      sleepTimer {
        roomId
        durationMinutes
      }
    }
  }
`);
export type ScheduleInfo = ResultOf<typeof ScheduleFields>;
export type ScheduleInputValue = VariablesOf<typeof CREATE_SCHEDULE>['input'];
export type WeekdayName = ScheduleInfo['when']['timeOfDay'] extends infer T ? (T extends { weekdays: (infer D)[] } ? D : never) : never;
export const SCHEDULES = graphql('subscription Schedules { schedules { ...ScheduleFields } }', [ScheduleFields]);
export const HOME_SETTINGS = graphql('query HomeSettings { homeSettings { timeZone } }');
export const SET_TIME_ZONE = graphql('mutation SetTimeZone($timeZone: String!) { setTimeZone(timeZone: $timeZone) { timeZone } }');
export const CREATE_SCHEDULE = graphql(
  'mutation CreateSchedule($input: ScheduleInput!) { createSchedule(input: $input) { ...ScheduleFields } }',
  [ScheduleFields],
);
export const UPDATE_SCHEDULE = graphql(
  'mutation UpdateSchedule($scheduleId: ID!, $input: ScheduleInput!) { updateSchedule(scheduleId: $scheduleId, input: $input) { ...ScheduleFields } }',
  [ScheduleFields],
);
export const SET_SCHEDULE_ENABLED = graphql(
  'mutation SetScheduleEnabled($scheduleId: ID!, $enabled: Boolean!) { setScheduleEnabled(scheduleId: $scheduleId, enabled: $enabled) { ...ScheduleFields } }',
  [ScheduleFields],
);
export const DELETE_SCHEDULE = graphql('mutation DeleteSchedule($scheduleId: ID!) { deleteSchedule(scheduleId: $scheduleId) }');
export const RUN_SCHEDULE_NOW = graphql(
  'mutation RunScheduleNow($scheduleId: ID!) { runScheduleNow(scheduleId: $scheduleId) { outcome message } }',
);
/* Scenes and favourite colours, shown on the home screen. */

const SceneFields = graphql(`
  fragment SceneFields on Scene {
    id
    name
    position
    rooms {
      room {
        id
        name
      }
      mode
      color {
        hex
      }
      pulse
    }
  }
`);
export type SceneInfo = ResultOf<typeof SceneFields>;
/** Every scene at once, then again after every change. */
export const SCENES = graphql('subscription Scenes { scenes { ...SceneFields } }', [SceneFields]);
export const SAVE_SCENE = graphql(
  'mutation SaveScene($name: String!, $roomIds: [ID!]) { saveScene(name: $name, roomIds: $roomIds) { ...SceneFields } }',
  [SceneFields],
);
export const RENAME_SCENE = graphql(
  'mutation RenameScene($sceneId: ID!, $name: String!) { renameScene(sceneId: $sceneId, name: $name) { ...SceneFields } }',
  [SceneFields],
);
export const UPDATE_SCENE_FROM_ROOMS = graphql(
  'mutation UpdateSceneFromRooms($sceneId: ID!, $roomIds: [ID!]) { updateSceneFromRooms(sceneId: $sceneId, roomIds: $roomIds) { ...SceneFields } }',
  [SceneFields],
);
export const REORDER_SCENES = graphql('mutation ReorderScenes($sceneIds: [ID!]!) { reorderScenes(sceneIds: $sceneIds) { id } }');
export const DELETE_SCENE = graphql('mutation DeleteScene($sceneId: ID!) { deleteScene(sceneId: $sceneId) { id } }');
export const APPLY_SCENE = graphql('mutation ApplyScene($sceneId: ID!) { applyScene(sceneId: $sceneId) { roomId } }');

const FavoriteColorFields = graphql(`
  fragment FavoriteColorFields on FavoriteColor {
    id
    name
    position
    color {
      r
      g
      b
      hex
    }
  }
`);
export type FavoriteColorInfo = ResultOf<typeof FavoriteColorFields>;
/** The favourite colours at once, then again after every change. */
export const FAVORITE_COLORS = graphql('subscription FavoriteColors { favoriteColors { ...FavoriteColorFields } }', [FavoriteColorFields]);
export const ADD_FAVORITE_COLOR = graphql(
  'mutation AddFavoriteColor($color: ColorInput!, $name: String) { addFavoriteColor(color: $color, name: $name) { ...FavoriteColorFields } }',
  [FavoriteColorFields],
);
export const REMOVE_FAVORITE_COLOR = graphql(
  'mutation RemoveFavoriteColor($favoriteColorId: ID!) { removeFavoriteColor(favoriteColorId: $favoriteColorId) { id } }',
);
