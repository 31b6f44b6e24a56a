import { FIRMWARE_DOWNLOAD_PATH } from '../firmware/firmware-download.js';
import type { FirmwareRollout } from '../firmware/firmware-management.js';
import type { FirmwareCheckEvent } from '../firmware/firmware-updates.js';
import type { FirmwareAssignment, FirmwareImageRecord, LampFirmwareRecord, UpdateCheckRecord } from '../store/firmware-store.js';
import { builder } from './builder.js';
import { atLeastCharacters, checkArguments, type ArgumentRule } from './arguments.js';
import { invalidArgument } from './errors.js';
import { LampRef } from './lamps.js';
import { cursorKey, cursorOf, definePage, pageOf, pageSize, PageInfoRef, type Page } from './pages.js';

const DEFAULT_LAMP_PAGE = 100;
const MAX_LAMP_PAGE = 500;
const MAX_IMAGE_PAGE = 200;
const MAX_CHECK_PAGE = 100;

const FirmwareFormatEnum = builder.enumType('FirmwareFormat', {
  description: 'How an image file is packed.',
  values: {
    ESP: { value: 'esp', description: 'A plain ESP application image, as flashed.' },
    GZIP: { value: 'gzip', description: 'A gzipped ESP8266 image; the lamp unpacks it while flashing.' },
  } as const,
});

const ChipTargetEnum = builder.enumType('ChipTarget', {
  description: 'The chip an image is built for.',
  values: {
    ESP8266: { value: 'ESP8266', description: 'ESP8266 (and ESP8285).' },
    ESP32: { value: 'ESP32', description: 'The original ESP32.' },
    ESP32_S2: { value: 'ESP32-S2', description: 'ESP32-S2.' },
    ESP32_S3: { value: 'ESP32-S3', description: 'ESP32-S3.' },
    ESP32_C3: { value: 'ESP32-C3', description: 'ESP32-C3.' },
    ESP32_C2: { value: 'ESP32-C2', description: 'ESP32-C2 (ESP8684).' },
    ESP32_C6: { value: 'ESP32-C6', description: 'ESP32-C6.' },
    ESP32_H2: { value: 'ESP32-H2', description: 'ESP32-H2.' },
  } as const,
});

const ChipFamilyEnum = builder.enumType('ChipFamily', {
  description: 'The chip family a lamp says it is, as its update client reports.',
  values: {
    ESP8266: { description: 'An ESP8266 lamp.' },
    ESP32: { description: 'A lamp of the ESP32 family (any of its chips).' },
  } as const,
});

type ChipTargetValue = 'ESP8266' | 'ESP32' | 'ESP32-S2' | 'ESP32-S3' | 'ESP32-C3' | 'ESP32-C2' | 'ESP32-C6' | 'ESP32-H2';

const FirmwareImageRef = builder.objectRef<FirmwareImageRecord>('FirmwareImage');

FirmwareImageRef.implement({
  description: 'A firmware image lamps can be updated to.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable id.' }),
    version: t.exposeString('version', { description: 'The version it carries or was given at upload.' }),
    size: t.exposeInt('size', { description: 'Bytes.' }),
    md5: t.exposeString('md5', { description: 'MD5 of the file as served (what the update client checks).' }),
    sha256: t.exposeString('sha256', { description: 'SHA-256 of the file; an image is kept once.' }),
    target: t.field({
      type: ChipTargetEnum,
      nullable: true,
      description: 'The chip it is for; null when neither the image nor the uploader said.',
      resolve: (i) => i.target as ChipTargetValue | null,
    }),
    format: t.field({ type: FirmwareFormatEnum, description: 'How the file is packed.', resolve: (i) => i.format }),
    project: t.exposeString('project', { nullable: true, description: 'The project name from an ESP-IDF app descriptor.' }),
    notes: t.exposeString('notes', { nullable: true, description: 'What the uploader wrote about it.' }),
    uploadedAt: t.field({ type: 'DateTime', description: 'When it was uploaded.', resolve: (i) => i.uploadedAt }),
    uploadedBy: t.exposeString('uploadedBy', { description: 'Who uploaded it (the admin session, or the API token by name).' }),
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

const FirmwareImagePageRef = definePage('FirmwareImagePage', 'A page of firmware images, newest first.', FirmwareImageRef, true);

const FirmwareAssignmentRef = builder.objectRef<FirmwareAssignment>('FirmwareAssignment').implement({
  description: 'Which image a lamp (or, as the default, every other lamp) gets when it checks for updates.',
  fields: (t) => ({
    mac: t.exposeString('mac', { nullable: true, description: 'The lamp; null for the default every other lamp gets.' }),
    firmware: t.field({
      type: FirmwareImageRef,
      description: 'The image assigned.',
      resolve: (a, _args, { loaders }) => loaders.image(a.firmwareId)!,
    }),
    assignedAt: t.field({ type: 'DateTime', description: 'When it was assigned.', resolve: (a) => a.assignedAt }),
  }),
});

const UpdateStateEnum = builder.enumType('UpdateState', {
  description: "Where a lamp's updates stand.",
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
  description: 'What an update check was answered.',
  values: {
    UP_TO_DATE: { description: 'It runs the assigned image or a newer one: nothing was sent.' },
    SENT: { description: 'The assigned image was sent.' },
    NOTHING_ASSIGNED: { description: 'No image is assigned to it: nothing was sent.' },
    REFUSED: { description: 'The assigned image does not fit it (chip, space, mode): see the detail.' },
    UNAUTHORIZED: { description: 'Its update credentials were wrong or missing.' },
    FAILED: { description: 'The image chosen for the lamp could not be sent (its file could not be read): see the detail.' },
  } as const,
});

const UpdateCheckRef = builder.objectRef<UpdateCheckRecord>('UpdateCheck').implement({
  description: 'One update check: what the lamp reported and what it was told.',
  fields: (t) => ({
    at: t.field({ type: 'DateTime', description: 'When it checked.', resolve: (c) => c.at }),
    reportedVersion: t.exposeString('reportedVersion', { nullable: true, description: 'The version it said it runs, if any.' }),
    outcome: t.field({ type: CheckOutcomeEnum, description: 'What it was answered.', resolve: (c) => c.outcome }),
    detail: t.exposeString('detail', { description: 'The answer in words.' }),
    firmware: t.field({
      type: FirmwareImageRef,
      nullable: true,
      description: 'The image the answer was about, while it is kept.',
      resolve: (c, _args, { loaders }) => (c.firmwareId ? (loaders.image(c.firmwareId) ?? null) : null),
    }),
  }),
});

const UpdateCheckPageRef = builder.objectRef<Page<UpdateCheckRecord>>('UpdateCheckPage').implement({
  description: "A page of a lamp's update checks, newest first (the newest 100 are kept).",
  fields: (t) => ({
    nodes: t.field({ type: [UpdateCheckRef], description: 'The checks, newest first.', resolve: (p) => p.nodes }),
    pageInfo: t.field({
      type: PageInfoRef,
      description: 'Where this page is: pass `endCursor` as `after` for older checks.',
      resolve: (p) => p,
    }),
  }),
});

const LampFirmwareRef = builder.objectRef<LampFirmwareRecord>('LampFirmware').implement({
  description: 'What a lamp (known by its MAC from its update checks) runs, and how its updates went.',
  fields: (t) => ({
    mac: t.exposeString('mac', { description: 'STA MAC, BASE MAC, or ESP8266-<chip id> when no MAC was sent.' }),
    family: t.field({ type: ChipFamilyEnum, description: 'Its chip family, as its update client says.', resolve: (l) => l.family }),
    runningVersion: t.exposeString('runningVersion', { nullable: true, description: 'The version it last said it runs.' }),
    sdkVersion: t.exposeString('sdkVersion', { nullable: true, description: 'The SDK version it last reported.' }),
    lastCheckAt: t.field({ type: 'DateTime', description: 'When it last checked.', resolve: (l) => l.lastCheckAt }),
    address: t.exposeString('lastAddress', { description: 'The address of its last check.' }),
    state: t.field({ type: UpdateStateEnum, description: 'Where its updates stand.', resolve: (l) => l.state }),
    credentialsRequired: t.boolean({
      description: 'Whether its update checks must carry HTTP Basic credentials.',
      resolve: (l) => l.passwordHash !== null,
    }),
    assignedFirmware: t.field({
      type: FirmwareImageRef,
      nullable: true,
      description: 'The image it should run: its own assignment, else the default.',
      resolve: (l, _args, { loaders }) => loaders.assignedImage(l.mac) ?? null,
    }),
    pendingFirmware: t.field({
      type: FirmwareImageRef,
      nullable: true,
      description: 'The image it was sent and has not yet confirmed.',
      resolve: (l, _args, { loaders }) => (l.pendingFirmwareId ? (loaders.image(l.pendingFirmwareId) ?? null) : null),
    }),
    lamp: t.field({
      type: LampRef,
      nullable: true,
      description: 'The lamp with this MAC (learnt from its connection URL, or from an update check from its address); null while unknown.',
      resolve: (l, _args, { loaders }) => loaders.lampWithMac(l.mac) ?? null,
    }),
    checks: t.field({
      type: UpdateCheckPageRef,
      description: 'Its update checks, newest first, a page at a time.',
      args: {
        first: t.arg.int({ defaultValue: 20, description: `How many checks (1-${MAX_CHECK_PAGE}).` }),
        after: t.arg.string({ required: false, description: 'The `endCursor` of the page before (newer checks).' }),
      },
      resolve: async (l, args, { loaders, firmware }) => {
        const checked = checkArguments(args, { first: pageSize(MAX_CHECK_PAGE), after: numberCursor });
        const first = checked.first ?? 20;
        const after = checked.after ?? null;
        // One more than asked says whether older checks exist.
        const checks = after === null ? await loaders.checks(l.mac, first + 1) : firmware.checkPage(l.mac, first + 1, after);
        const nodes = checks.slice(0, first);
        return {
          nodes,
          startCursor: nodes.length > 0 ? cursorOf(String(nodes[0]!.id)) : null,
          endCursor: nodes.length > 0 ? cursorOf(String(nodes.at(-1)!.id)) : null,
          hasNextPage: checks.length > first,
          hasPreviousPage: after !== null,
          totalCount: nodes.length,
        };
      },
    }),
  }),
});

const LampFirmwarePageRef = definePage('LampFirmwarePage', "A page of lamps' update records, by MAC.", LampFirmwareRef, true);

builder.objectField(LampRef, 'firmware', (t) =>
  t.field({
    type: LampFirmwareRef,
    nullable: true,
    description: 'Its update record, once its MAC is known and it has checked for updates.',
    resolve: async (lamp, _args, { loaders }) => (lamp.mac ? ((await loaders.lampFirmware(lamp.mac)) ?? null) : null),
  }),
);

const FirmwareCheckEventRef = builder.objectRef<FirmwareCheckEvent>('FirmwareCheckEvent').implement({
  description: 'An update check as it happened.',
  fields: (t) => ({
    lamp: t.field({ type: LampFirmwareRef, description: "The lamp's update record after the check.", resolve: (e) => e.lamp }),
    check: t.field({ type: UpdateCheckRef, description: 'The check.', resolve: (e) => e.check }),
  }),
});

const FirmwareRolloutRef = builder.objectRef<FirmwareRollout>('FirmwareRollout').implement({
  description: 'What a roll-out did.',
  fields: (t) => ({
    firmware: t.field({ type: FirmwareImageRef, description: 'The image rolled out.', resolve: (r) => r.firmware }),
    macs: t.stringList({ nullable: true, description: 'The lamps it was assigned to; null for the default.', resolve: (r) => r.macs }),
    lampIds: t.idList({ description: 'The lamps that were sent [cc:u:?:?].', resolve: (r) => r.lampIds }),
    lampsReached: t.int({ description: 'How many lamps were sent [cc:u:?:?].', resolve: (r) => r.lampIds.length }),
  }),
});

builder.queryFields((t) => ({
  firmwareImages: t.field({
    type: FirmwareImagePageRef,
    description: 'Uploaded images, newest first, a page at a time.',
    authScopes: { observe: true },
    args: {
      first: t.arg.int({ defaultValue: 50, description: `How many images per page (1-${MAX_IMAGE_PAGE}).` }),
      after: t.arg.string({ required: false, description: 'The `endCursor` of the page before.' }),
    },
    resolve: (_root, args, { firmware }) => {
      const { first, after } = checkArguments(args, { first: pageSize(MAX_IMAGE_PAGE), after: cursorKey });
      return pageOf(firmware.images(), (image) => image.id, first ?? 50, after ?? null);
    },
  }),
  firmwareAssignments: t.field({
    type: [FirmwareAssignmentRef],
    description: 'Every assignment, the default first, then by MAC.',
    authScopes: { observe: true },
    resolve: (_root, _args, { firmware }) => firmware.assignments(),
  }),
  lampFirmware: t.field({
    type: LampFirmwarePageRef,
    description: 'The update records of lamps that have checked for updates, by MAC, a page at a time.',
    authScopes: { observe: true },
    args: {
      first: t.arg.int({ defaultValue: DEFAULT_LAMP_PAGE, description: `How many per page (1-${MAX_LAMP_PAGE}).` }),
      after: t.arg.string({ required: false, description: 'The `endCursor` of the page before.' }),
    },
    resolve: (_root, args, { firmware }) => {
      const { first, after } = checkArguments(args, { first: pageSize(MAX_LAMP_PAGE), after: cursorKey });
      const size = first ?? DEFAULT_LAMP_PAGE;
      const start = after ?? null;
      // One more than asked says whether another page follows.
      const records = firmware.lamps({ first: size + 1, after: start });
      const nodes = records.slice(0, size);
      return {
        nodes,
        startCursor: nodes.length > 0 ? cursorOf(nodes[0]!.mac) : null,
        endCursor: nodes.length > 0 ? cursorOf(nodes.at(-1)!.mac) : null,
        hasNextPage: records.length > size,
        hasPreviousPage: start !== null,
        totalCount: firmware.lampCount(),
      };
    },
  }),
}));

builder.mutationFields((t) => ({
  uploadFirmware: t.field({
    type: FirmwareImageRef,
    description: 'Uploads an image (multipart). The version and target are read from the image when it carries them.',
    authScopes: { manage: true },
    args: {
      file: t.arg({ type: 'File', required: true, description: 'The image file.' }),
      version: t.arg.string({ required: false, description: 'Its version, when the image does not carry one.' }),
      target: t.arg({ type: ChipTargetEnum, required: false, description: 'The chip it is for, when the image does not say.' }),
      notes: t.arg.string({ required: false, description: 'Anything worth knowing about it.' }),
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
    description: 'Assigns an image to these lamps, or (no macs) as the default for all lamps. Answers every assignment.',
    authScopes: { manage: true },
    args: {
      firmwareId: t.arg.id({ required: true, description: 'The image.' }),
      macs: t.arg.stringList({ required: false, description: 'The lamps by MAC; the default for all lamps when omitted.' }),
    },
    resolve: (_root, args, { firmware }) => {
      const { firmwareId, macs } = checkArguments(args, { macs: lampMacs });
      firmware.assign(firmwareId, macs ?? null);
      return firmware.assignments();
    },
  }),
  unassignFirmware: t.boolean({
    description: "Removes these lamps' own assignments (they fall back to the default), or (no macs) the default.",
    authScopes: { manage: true },
    args: { macs: t.arg.stringList({ required: false, description: 'The lamps by MAC; the default when omitted.' }) },
    resolve: (_root, args, { firmware }) => {
      firmware.unassign(checkArguments(args, { macs: lampMacs }).macs ?? null);
      return true;
    },
  }),
  rollOutFirmware: t.field({
    type: FirmwareRolloutRef,
    description:
      'Assigns an image (to these lamps, or as the default) and sends [cc:u:?:?] to those lamps that are online: the lamps with these MACs, or every lamp for the default.',
    authScopes: { manage: true },
    args: {
      firmwareId: t.arg.id({ required: true, description: 'The image.' }),
      macs: t.arg.stringList({ required: false, description: 'The lamps by MAC; the default for all lamps when omitted.' }),
    },
    resolve: (_root, args, { firmware }) => {
      const { firmwareId, macs } = checkArguments(args, { macs: lampMacs });
      return firmware.rollOut(firmwareId, macs ?? null);
    },
  }),
  deleteFirmware: t.id({
    description: 'Deletes an image no lamp is assigned any more. Answers its id.',
    authScopes: { manage: true },
    args: { firmwareId: t.arg.id({ required: true, description: 'The image.' }) },
    resolve: (_root, { firmwareId }, { firmware }) => firmware.delete(firmwareId).id,
  }),
  setLampUpdateCredentials: t.field({
    type: LampFirmwareRef,
    description: "Requires HTTP Basic credentials on this lamp's update checks; without username and password, stops requiring them.",
    authScopes: { manage: true },
    args: {
      mac: t.arg.string({ required: true, description: 'The lamp by MAC.' }),
      username: t.arg.string({ required: false, description: 'The user name its update client sends (with password).' }),
      password: t.arg.string({ required: false, description: 'At least 8 characters (with username).' }),
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

/** A cursor holding a row id. */
const numberCursor: ArgumentRule<string, number> = (cursor, argument) => {
  const id = Number(cursorKey(cursor, argument));
  if (!Number.isSafeInteger(id)) throw invalidArgument(argument, 'is not a cursor this API gave out');
  return id;
};

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
