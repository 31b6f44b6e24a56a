import { FIRMWARE_DOWNLOAD_PATH } from '../firmware/firmware-download.js';
import type { FirmwareRollout } from '../firmware/firmware-management.js';
import type { FirmwareCheckEvent } from '../firmware/firmware-updates.js';
import type { FirmwareAssignment, FirmwareImageRecord, LampFirmwareRecord, UpdateCheckRecord } from '../store/firmware-store.js';
import { builder } from './builder.js';
import { DeviceRef } from './devices.js';
import { atLeastCharacters, checkArguments, integerFrom, type ArgumentRule } from './arguments.js';
import { invalidArgument } from './errors.js';

const DEFAULT_LAMP_PAGE = 100;
const MAX_LAMP_PAGE = 500;

const FirmwareImageRef = builder.objectRef<FirmwareImageRecord>('FirmwareImage').implement({
  description: 'A firmware image lamps can be updated to.',
  fields: (t) => ({
    id: t.exposeID('id'),
    version: t.exposeString('version'),
    size: t.exposeInt('size', { description: 'Bytes.' }),
    md5: t.exposeString('md5'),
    sha256: t.exposeString('sha256'),
    target: t.exposeString('target', {
      nullable: true,
      description: 'ESP8266, ESP32, ESP32-S3, …; null when neither the image nor the uploader said.',
    }),
    format: t.exposeString('format', { description: '"esp", or "gzip" for a compressed ESP8266 image.' }),
    project: t.exposeString('project', { nullable: true, description: 'The project name from an ESP-IDF app descriptor.' }),
    notes: t.exposeString('notes', { nullable: true }),
    uploadedAt: t.field({ type: 'DateTime', resolve: (i) => i.uploadedAt }),
    uploadedBy: t.exposeString('uploadedBy'),
    downloadUrl: t.string({
      description: 'Where an authenticated client downloads it.',
      resolve: (i) => `${FIRMWARE_DOWNLOAD_PATH}${i.id}.bin`,
    }),
    assignedTo: t.stringList({
      description: 'Lamp MACs it is assigned to; "*" stands for the default for all lamps.',
      resolve: (i, _args, { loaders }) => loaders.assignedTo(i.id),
    }),
  }),
});

const FirmwareAssignmentRef = builder.objectRef<FirmwareAssignment>('FirmwareAssignment').implement({
  fields: (t) => ({
    mac: t.exposeString('mac', { nullable: true, description: 'The lamp; null for the default every other lamp gets.' }),
    firmware: t.field({ type: FirmwareImageRef, resolve: (a, _args, { loaders }) => loaders.image(a.firmwareId)! }),
    assignedAt: t.field({ type: 'DateTime', resolve: (a) => a.assignedAt }),
  }),
});

const UpdateStateEnum = builder.enumType('UpdateState', {
  values: {
    UP_TO_DATE: { description: 'Runs the assigned image (or a newer one).' },
    UPDATE_SENT: { description: 'Was sent an image and has not checked in since.' },
    UPDATED: { description: 'Came back running the image it was sent.' },
    UPDATE_FAILED: { description: 'Came back still running another version.' },
    REFUSED: { description: 'Was not given the image (wrong chip, too little space, bad credentials…): see the last check.' },
    NOTHING_ASSIGNED: { description: 'No image is assigned to it.' },
  } as const,
});

const CheckOutcomeEnum = builder.enumType('UpdateCheckOutcome', {
  values: {
    UP_TO_DATE: {},
    SENT: {},
    NOTHING_ASSIGNED: {},
    REFUSED: {},
    UNAUTHORIZED: {},
    FAILED: { description: 'The image chosen for the lamp could not be sent (its file could not be read): see the detail.' },
  } as const,
});

const UpdateCheckRef = builder.objectRef<UpdateCheckRecord>('UpdateCheck').implement({
  description: 'One update check: what the lamp reported and what it was told.',
  fields: (t) => ({
    at: t.field({ type: 'DateTime', resolve: (c) => c.at }),
    reportedVersion: t.exposeString('reportedVersion', { nullable: true }),
    outcome: t.field({ type: CheckOutcomeEnum, resolve: (c) => c.outcome }),
    detail: t.exposeString('detail'),
    firmware: t.field({
      type: FirmwareImageRef,
      nullable: true,
      resolve: (c, _args, { loaders }) => (c.firmwareId ? (loaders.image(c.firmwareId) ?? null) : null),
    }),
  }),
});

const LampFirmwareRef = builder.objectRef<LampFirmwareRecord>('LampFirmware').implement({
  description: 'What a lamp (known by its MAC from its update checks) runs, and how its updates went.',
  fields: (t) => ({
    mac: t.exposeString('mac', { description: 'STA MAC, BASE MAC, or ESP8266-<chip id> when no MAC was sent.' }),
    family: t.exposeString('family', { description: 'ESP8266 or ESP32, as the update client says.' }),
    runningVersion: t.exposeString('runningVersion', { nullable: true }),
    sdkVersion: t.exposeString('sdkVersion', { nullable: true }),
    lastCheckAt: t.field({ type: 'DateTime', resolve: (l) => l.lastCheckAt }),
    address: t.exposeString('lastAddress', { description: 'The address of its last check.' }),
    state: t.field({ type: UpdateStateEnum, resolve: (l) => l.state }),
    credentialsRequired: t.boolean({ resolve: (l) => l.passwordHash !== null }),
    assignedFirmware: t.field({
      type: FirmwareImageRef,
      nullable: true,
      resolve: (l, _args, { loaders }) => loaders.assignedImage(l.mac) ?? null,
    }),
    pendingFirmware: t.field({
      type: FirmwareImageRef,
      nullable: true,
      description: 'The image it was sent and has not yet confirmed.',
      resolve: (l, _args, { loaders }) => (l.pendingFirmwareId ? (loaders.image(l.pendingFirmwareId) ?? null) : null),
    }),
    connection: t.field({
      type: DeviceRef,
      nullable: true,
      description: 'Its connection to the device port, matched by address.',
      resolve: (l, _args, { loaders }) => loaders.deviceAt(l.lastAddress) ?? null,
    }),
    checks: t.field({
      type: [UpdateCheckRef],
      description: 'Its update checks, newest first.',
      args: { last: t.arg.int({ defaultValue: 20 }) },
      resolve: (l, args, { loaders }) => loaders.checks(l.mac, checkArguments(args, { last: integerFrom(1, 100) }).last ?? 20),
    }),
  }),
});

const FirmwareCheckEventRef = builder.objectRef<FirmwareCheckEvent>('FirmwareCheckEvent').implement({
  fields: (t) => ({
    lamp: t.field({ type: LampFirmwareRef, resolve: (e) => e.lamp }),
    check: t.field({ type: UpdateCheckRef, resolve: (e) => e.check }),
  }),
});

const FirmwareRolloutRef = builder.objectRef<FirmwareRollout>('FirmwareRollout').implement({
  fields: (t) => ({
    firmware: t.field({ type: FirmwareImageRef, resolve: (r) => r.firmware }),
    macs: t.stringList({ nullable: true, description: 'The lamps it was assigned to; null for the default.', resolve: (r) => r.macs }),
    lampsReached: t.int({ description: 'Connected lamps that were sent [cc:u:?:?].', resolve: (r) => r.deviceIds.length }),
    deviceIds: t.idList({ resolve: (r) => r.deviceIds }),
  }),
});

builder.queryFields((t) => ({
  firmwareImages: t.field({
    type: [FirmwareImageRef],
    description: 'Uploaded images, newest first.',
    authScopes: { observe: true },
    resolve: (_root, _args, { firmware }) => firmware.images(),
  }),
  firmwareAssignments: t.field({
    type: [FirmwareAssignmentRef],
    authScopes: { observe: true },
    resolve: (_root, _args, { firmware }) => firmware.assignments(),
  }),
  lampFirmware: t.field({
    type: [LampFirmwareRef],
    description:
      'Lamps that have checked for updates, by MAC, a page at a time: `first` of them (default 100) after the MAC `after`. ' +
      'For the next page pass the last MAC as `after`; a page shorter than `first` is the last.',
    authScopes: { observe: true },
    args: {
      first: t.arg.int({ defaultValue: DEFAULT_LAMP_PAGE, description: `1 to ${MAX_LAMP_PAGE}.` }),
      after: t.arg.string({ required: false, description: 'The MAC the page starts after.' }),
    },
    resolve: (_root, args, { firmware }) => {
      const { first, after } = checkArguments(args, {
        first: integerFrom(1, MAX_LAMP_PAGE),
        after: (mac) => mac.trim().toUpperCase() || null,
      });
      return firmware.lamps({ first: first ?? DEFAULT_LAMP_PAGE, after: after ?? null });
    },
  }),
  lampFirmwareCount: t.int({
    description: 'How many lamps `lampFirmware` can list.',
    authScopes: { observe: true },
    resolve: (_root, _args, { firmware }) => firmware.lampCount(),
  }),
}));

builder.mutationFields((t) => ({
  uploadFirmware: t.field({
    type: FirmwareImageRef,
    description: 'Uploads an image (multipart). The version and target are read from the image when it carries them.',
    authScopes: { manage: true },
    args: {
      file: t.arg({ type: 'File', required: true }),
      version: t.arg.string({ required: false }),
      target: t.arg.string({
        required: false,
        description: 'ESP8266, ESP32, ESP32-S2, ESP32-S3, ESP32-C3, ESP32-C2, ESP32-C6 or ESP32-H2.',
      }),
      notes: t.arg.string({ required: false }),
    },
    resolve: async (_root, args, { firmware, authenticator, principal }) => {
      const { file, version, target, notes } = checkArguments(args, { file: fileOfAtMost(firmware.maxBytes) });
      const bytes = new Uint8Array(await file.arrayBuffer());
      return firmware.upload({
        bytes,
        version: version ?? null,
        target: target ?? null,
        notes: notes ?? null,
        uploadedBy: authenticator.nameOf(principal),
      });
    },
  }),
  assignFirmware: t.field({
    type: [FirmwareAssignmentRef],
    description: 'Assigns an image to these lamps, or (no macs) as the default for all lamps.',
    authScopes: { manage: true },
    args: { firmwareId: t.arg.id({ required: true }), macs: t.arg.stringList({ required: false }) },
    resolve: (_root, args, { firmware }) => {
      const { firmwareId, macs } = checkArguments(args, { macs: lampMacs });
      firmware.assign(firmwareId, macs ?? null);
      return firmware.assignments();
    },
  }),
  unassignFirmware: t.boolean({
    description: "Removes these lamps' own assignments (they fall back to the default), or (no macs) the default.",
    authScopes: { manage: true },
    args: { macs: t.arg.stringList({ required: false }) },
    resolve: (_root, args, { firmware }) => {
      firmware.unassign(checkArguments(args, { macs: lampMacs }).macs ?? null);
      return true;
    },
  }),
  rollOutFirmware: t.field({
    type: FirmwareRolloutRef,
    description: 'Assigns an image (to these lamps, or as the default) and sends [cc:u:?:?] to those lamps that are connected.',
    authScopes: { manage: true },
    args: { firmwareId: t.arg.id({ required: true }), macs: t.arg.stringList({ required: false }) },
    resolve: (_root, args, { firmware }) => {
      const { firmwareId, macs } = checkArguments(args, { macs: lampMacs });
      return firmware.rollOut(firmwareId, macs ?? null);
    },
  }),
  deleteFirmware: t.id({
    description: 'Deletes an image no lamp is assigned any more.',
    authScopes: { manage: true },
    args: { firmwareId: t.arg.id({ required: true }) },
    resolve: (_root, { firmwareId }, { firmware }) => firmware.delete(firmwareId).id,
  }),
  setLampUpdateCredentials: t.field({
    type: LampFirmwareRef,
    description: "Requires HTTP Basic credentials on this lamp's update checks; without username and password, stops requiring them.",
    authScopes: { manage: true },
    args: {
      mac: t.arg.string({ required: true }),
      username: t.arg.string({ required: false }),
      password: t.arg.string({ required: false }),
    },
    resolve: (_root, args, { firmware }) => {
      const { mac, username, password } = checkArguments(args, { mac: lampMac, password: atLeastCharacters(8) });
      if ((username == null) !== (password == null)) throw invalidArgument('password', 'give username and password together, or neither');
      return firmware.setLampCredentials(mac, username != null && password != null ? { username, password } : null);
    },
  }),
}));

builder.subscriptionField('firmwareChecks', (t) =>
  t.field({
    type: FirmwareCheckEventRef,
    description: 'Every update check as it happens.',
    authScopes: { observe: true },
    subscribe: (_root, _args, { firmware, signal }) => firmware.checkEvents(signal),
    resolve: (event) => event,
  }),
);

const LAMP_ID = /^([0-9A-F]{2}(:[0-9A-F]{2}){5}|ESP8266-\d{1,10})$/;

/** A lamp's MAC as the cores send it (upper case), or ESP8266-<chip id>. */
const lampMac: ArgumentRule<string> = (mac, argument) => {
  const id = mac.trim().toUpperCase();
  if (!LAMP_ID.test(id)) throw invalidArgument(argument, `${JSON.stringify(mac.slice(0, 40))} is not a MAC like AA:BB:CC:DD:EE:FF`);
  return id;
};

/** Lamps by MAC, each once; the argument omitted (null) stands for the default. */
const lampMacs: ArgumentRule<readonly string[], string[]> = (macs, argument) => {
  if (macs.length === 0) throw invalidArgument(argument, 'must name at least one lamp, or be omitted for the default');
  return [...new Set(macs.map((mac) => lampMac(mac, argument)))];
};

function fileOfAtMost(maxBytes: number): ArgumentRule<File> {
  return (file, argument) => {
    if (file.size > maxBytes) throw invalidArgument(argument, `is ${file.size} bytes; the limit is ${maxBytes} bytes`);
    return file;
  };
}
