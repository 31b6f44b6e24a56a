import { GraphQLError } from 'graphql';
import type { LampConnection, LampEvent, LampView } from '../lamps/lamp-connections.js';
import { SecretSetByEnvironment, type DeviceSecret } from '../lamps/lamp-credentials.js';
import { LAMP_NAME_MAX } from '../lamps/lamps.js';
import type { DebugMessage } from '../lamps/lamp-connections.js';
import { builder } from './builder.js';
import { checkArguments, integerFrom, trimmedText } from './arguments.js';
import { ApiErrorCode, invalidArgument } from './errors.js';
import { cursorKey, cursorOf, definePage, pageOf, pageSize, PageInfoRef, type Page } from './pages.js';
import { RoomRef } from './rooms.js';

const MAX_LAMP_PAGE = 500;
const MAX_DEBUG_PAGE = 200;

export const DebugMessageRef = builder.objectRef<DebugMessage>('DebugMessage').implement({
  description: 'A `d:` line a lamp sent while debug messages were on.',
  fields: (t) => ({
    at: t.field({ type: 'DateTime', description: 'When the adapter received it.', resolve: (m) => m.at }),
    text: t.exposeString('text', { description: 'The line, without the `d:` (at most 1000 characters).' }),
  }),
});

const DebugMessagePageRef = builder.objectRef<Page<DebugMessage>>('DebugMessagePage').implement({
  description: "A page of a lamp's debug lines, oldest first within the page; earlier pages hold older lines.",
  fields: (t) => ({
    nodes: t.field({ type: [DebugMessageRef], description: 'The lines, oldest first.', resolve: (p) => p.nodes }),
    pageInfo: t.field({
      type: PageInfoRef,
      description: 'Where this page is: pass `startCursor` as `before` for the older lines.',
      resolve: (p) => p,
    }),
  }),
});

const LampIdentityKindEnum = builder.enumType('LampIdentityKind', {
  description: 'How a lamp is recognised when it connects again.',
  values: {
    OWN_SECRET: { description: 'By its own secret (a registered lamp): a strong identity.' },
    MAC: { description: 'By the MAC it gives in its connection URL (`?mac=…`).' },
    ADDRESS: {
      description: 'By its address only (shared secret, no MAC): a weak identity. Another lamp at the same address may be taken for it.',
    },
  } as const,
});

const LampConnectionRef = builder.objectRef<LampConnection>('LampConnection').implement({
  description: "A lamp's current connection to a device adapter.",
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Chosen by the adapter; a lamp that reconnects gets a new one.' }),
    connectedAt: t.field({ type: 'DateTime', description: 'When this connection opened.', resolve: (c) => c.connectedAt }),
    lastSeenAt: t.field({ type: 'DateTime', description: 'The last ping or message on it.', resolve: (c) => c.lastSeenAt }),
    remoteAddress: t.exposeString('remoteAddress', { description: 'The address it connected from.' }),
  }),
});

export const LampRef = builder.objectRef<LampView>('Lamp');

LampRef.implement({
  description: 'One physical lamp: a stable id and name, its room, and whether it is online.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable across reconnects; every operation on lamps takes it.' }),
    name: t.exposeString('name', { description: 'Unique among lamps; a new lamp is named after what is known of it.' }),
    roomId: t.exposeID('roomId', { description: 'The room it is in.' }),
    room: t.field({
      type: RoomRef,
      description: 'The room it is in.',
      resolve: (lamp, _args, { rooms }) => rooms.find(lamp.roomId) ?? rooms.defaultRoom(),
    }),
    identity: t.field({ type: LampIdentityKindEnum, description: 'How it is recognised.', resolve: (l) => l.identity }),
    weakIdentity: t.boolean({
      description: 'True when it is recognised by its address only (ADDRESS): another lamp there may be taken for it.',
      resolve: (l) => l.identity === 'ADDRESS',
    }),
    hasOwnSecret: t.boolean({ description: 'Whether it was registered with a secret of its own.', resolve: (l) => l.secretHash !== null }),
    online: t.exposeBoolean('online', { description: 'Whether it is connected now.' }),
    statusSince: t.field({
      type: 'DateTime',
      description: 'When it came online (online) or went offline (offline); when it was added, if it never connected.',
      resolve: (l) => l.statusSince,
    }),
    lastSeenAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'Its last sign of life, kept while it is offline; null if it never connected.',
      resolve: (l) => l.connection?.lastSeenAt ?? l.lastSeenAt,
    }),
    address: t.string({
      nullable: true,
      description: 'Its last known address; null if it never connected.',
      resolve: (l) => l.connection?.remoteAddress ?? l.lastAddress,
    }),
    mac: t.exposeString('mac', { nullable: true, description: 'Its MAC (`5C:CF:7F:12:34:56`), when known.' }),
    firmwareVersion: t.exposeString('firmwareVersion', {
      nullable: true,
      description: 'The firmware version it runs, from its connection URL or its latest update check; null when unknown.',
    }),
    connection: t.field({
      type: LampConnectionRef,
      nullable: true,
      description: 'Its connection; null while offline.',
      resolve: (l) => l.connection,
    }),
    debugMessages: t.field({
      type: DebugMessagePageRef,
      description: 'Its recent debug lines (the newest 200 are kept), a page at a time, oldest first within the page.',
      args: {
        last: t.arg.int({ defaultValue: 50, description: `How many lines (1-${MAX_DEBUG_PAGE}).` }),
        before: t.arg.string({ required: false, description: 'The `startCursor` of a page: the lines before it.' }),
      },
      resolve: async (lamp, args, { loaders, lamps }) => {
        const checked = checkArguments(args, { last: integerFrom(1, MAX_DEBUG_PAGE), before: debugCursor });
        const last = checked.last ?? 50;
        const before = checked.before ?? null;
        // One more than asked says whether older lines exist.
        const lines = before === null ? await loaders.debugMessages(lamp.id, last + 1) : lamps.debugMessages(lamp.id, last + 1, before);
        const nodes = lines.slice(-last);
        return {
          nodes,
          startCursor: nodes.length > 0 ? cursorOf(String(nodes[0]!.id)) : null,
          endCursor: nodes.length > 0 ? cursorOf(String(nodes.at(-1)!.id)) : null,
          hasPreviousPage: lines.length > last,
          hasNextPage: before !== null,
          totalCount: nodes.length,
        };
      },
    }),
    createdAt: t.field({ type: 'DateTime', description: 'When it was first seen or registered.', resolve: (l) => l.createdAt }),
    revokedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When it was revoked; a revoked lamp is refused whenever it connects.',
      resolve: (l) => l.revokedAt,
    }),
  }),
});

export const LampPageRef = definePage('LampPage', 'A page of lamps.', LampRef, true);

/** A page of lamps from `first` and `after` as given. */
export function lampPage(lamps: LampView[], args: { first?: number | null; after?: string | null }): Page<LampView> {
  const { first, after } = checkArguments(args, { first: pageSize(MAX_LAMP_PAGE), after: cursorKey });
  return pageOf(lamps, (lamp) => lamp.id, first ?? 100, after ?? null);
}

function debugCursor(cursor: string, argument: string): number {
  const id = Number(cursorKey(cursor, argument));
  if (!Number.isSafeInteger(id)) throw invalidArgument(argument, 'is not a cursor this API gave out');
  return id;
}

const LampEventKindEnum = builder.enumType('LampEventKind', {
  description: 'What happened to a lamp.',
  values: {
    ADDED: { description: 'A new lamp: connected for the first time, or registered.' },
    ONLINE: { description: 'It connected (or a new connection replaced its old one).' },
    OFFLINE: { description: 'It disconnected; `reason` says why.' },
    CHANGED: { description: 'Its record changed: renamed, moved, revoked, its MAC or firmware learnt.' },
    DEBUG_MESSAGE: { description: 'It sent a debug line: `message`.' },
    FORGOTTEN: { description: 'It was forgotten; `lamp` is as it was, offline.' },
  } as const,
});

const LampEventRef = builder.objectRef<LampEvent>('LampEvent').implement({
  description: 'Something that happened to a lamp.',
  fields: (t) => ({
    kind: t.field({ type: LampEventKindEnum, description: 'What happened.', resolve: (e) => e.kind }),
    at: t.field({ type: 'DateTime', description: 'When.', resolve: (e) => e.at }),
    lamp: t.field({ type: LampRef, description: 'The lamp as it was right after.', resolve: (e) => e.lamp }),
    message: t.field({
      type: DebugMessageRef,
      nullable: true,
      description: 'The debug line (DEBUG_MESSAGE only).',
      resolve: (e) => (e.kind === 'DEBUG_MESSAGE' ? e.message : null),
    }),
    reason: t.string({
      nullable: true,
      description: 'Why it went offline (OFFLINE only).',
      resolve: (e) => (e.kind === 'OFFLINE' ? e.reason : null),
    }),
  }),
});

const LampRegistrationRef = builder.objectRef<{ lamp: LampView; secret: string }>('LampRegistration').implement({
  description: 'A lamp registered with a secret of its own.',
  fields: (t) => ({
    lamp: t.field({ type: LampRef, description: 'The new lamp.', resolve: (r) => r.lamp }),
    secret: t.exposeString('secret', {
      description: "The lamp's own secret, for its firmware. Shown only here: it is stored hashed.",
    }),
  }),
});

const DeviceSecretSourceEnum = builder.enumType('DeviceSecretSource', {
  description: 'Where the shared device secret comes from.',
  values: {
    CONFIGURED: { description: 'Set by CC_DEVICE_SECRET in the environment; it cannot be rotated through the API.' },
    STORED: { description: 'Kept in the database (set by an earlier start or a rotation).' },
    GENERATED: { description: 'Generated at this start and stored.' },
  } as const,
});

const DeviceSecretRef = builder.objectRef<DeviceSecret>('DeviceSecret').implement({
  description: 'The shared secret lamps send first, as deployed firmware has it.',
  fields: (t) => ({
    secret: t.exposeString('value', { description: 'The secret itself.' }),
    source: t.field({
      type: DeviceSecretSourceEnum,
      description: 'Where it comes from.',
      resolve: (s) => (s.source === 'configured' ? 'CONFIGURED' : s.source === 'stored' ? 'STORED' : 'GENERATED'),
    }),
    rotatable: t.boolean({ description: 'Whether rotateDeviceSecret may replace it.', resolve: (s) => s.source !== 'configured' }),
  }),
});

const lampName = trimmedText(LAMP_NAME_MAX, { printable: true, showAllowed: true });

builder.queryFields((t) => ({
  deviceSecret: t.field({
    type: DeviceSecretRef,
    description: 'The shared device secret (admin only). Lamps with a registered secret of their own do not use it.',
    authScopes: { manage: true },
    resolve: (_root, _args, { lamps }) => lamps.sharedSecret,
  }),
  lamps: t.field({
    type: LampPageRef,
    description: "Lamps by their room's position, then by name, a page at a time.",
    authScopes: { observe: true },
    args: {
      first: t.arg.int({ defaultValue: 100, description: `How many lamps per page (1-${MAX_LAMP_PAGE}).` }),
      after: t.arg.string({ required: false, description: 'The `endCursor` of the page before.' }),
      roomId: t.arg.id({ required: false, description: "Only this room's lamps." }),
      online: t.arg.boolean({ required: false, description: 'Only lamps online (true) or offline (false).' }),
    },
    resolve: (_root, args, { lamps, rooms }) => {
      if (args.roomId != null) rooms.require(args.roomId);
      return lampPage(lamps.list({ roomId: args.roomId, online: args.online }), args);
    },
  }),
  lamp: t.field({
    type: LampRef,
    nullable: true,
    description: 'One lamp; null when there is none with this id.',
    authScopes: { observe: true },
    args: { lampId: t.arg.id({ required: true, description: 'The lamp.' }) },
    resolve: (_root, { lampId }, { lamps }) => lamps.find(lampId) ?? null,
  }),
}));

builder.mutationFields((t) => ({
  registerLamp: t.field({
    type: LampRegistrationRef,
    description: 'Registers a lamp with a secret of its own, shown once in the answer.',
    authScopes: { manage: true },
    args: {
      name: t.arg.string({ required: true, description: `1-${LAMP_NAME_MAX} printable characters, unique among lamps.` }),
      roomId: t.arg.id({ required: false, description: 'Its room; the default room when omitted.' }),
    },
    resolve: (_root, args, { lamps }) => {
      const { name, roomId } = checkArguments(args, { name: lampName });
      return lamps.register(name, roomId ?? null);
    },
  }),
  renameLamp: t.field({
    type: LampRef,
    description: 'Renames a lamp. Answers it as it is now.',
    authScopes: { manage: true },
    args: {
      lampId: t.arg.id({ required: true, description: 'The lamp.' }),
      name: t.arg.string({ required: true, description: `1-${LAMP_NAME_MAX} printable characters, unique among lamps.` }),
    },
    resolve: (_root, args, { lamps }) => {
      const { lampId, name } = checkArguments(args, { name: lampName });
      return lamps.rename(lampId, name);
    },
  }),
  moveLamp: t.field({
    type: LampRef,
    description: "Moves a lamp to another room; online, it shows that room's packet at once. Answers it as it is now.",
    authScopes: { control: true },
    args: {
      lampId: t.arg.id({ required: true, description: 'The lamp.' }),
      roomId: t.arg.id({ required: true, description: 'The room to move it to.' }),
    },
    resolve: (_root, { lampId, roomId }, { lamps }) => lamps.move(lampId, roomId),
  }),
  forgetLamp: t.field({
    type: LampRef,
    description:
      'Forgets a lamp: its record, debug lines and own secret are deleted. Online, it is disconnected: a lamp on the shared secret (1012) comes back as a new lamp; one with its own secret (4403) is refused from then on. Answers the lamp as it was, offline.',
    authScopes: { manage: true },
    args: { lampId: t.arg.id({ required: true, description: 'The lamp.' }) },
    resolve: (_root, { lampId }, { lamps }) => lamps.forget(lampId),
  }),
  revokeLamp: t.field({
    type: LampRef,
    description:
      'Revokes a lamp: if it is connected it is disconnected (4403), and it is refused whenever it connects again. Answers it as it is now, offline.',
    authScopes: { manage: true },
    args: { lampId: t.arg.id({ required: true, description: 'The lamp.' }) },
    resolve: (_root, { lampId }, { lamps }) => lamps.revoke(lampId),
  }),
  rotateDeviceSecret: t.field({
    type: DeviceSecretRef,
    description:
      'Replaces the shared device secret with a new random one, kept across restarts. Lamps connected with the old one are disconnected (4403) and refused (4401) until their firmware has the new one; lamps with their own registered secret are not affected. Refused (FAILED_PRECONDITION) while CC_DEVICE_SECRET sets the secret.',
    authScopes: { manage: true },
    resolve: (_root, _args, { lamps }) => {
      try {
        return lamps.rotateSharedSecret();
      } catch (error) {
        if (error instanceof SecretSetByEnvironment) {
          throw new GraphQLError(error.message, { extensions: { code: ApiErrorCode.FailedPrecondition, variable: 'CC_DEVICE_SECRET' } });
        }
        throw error;
      }
    },
  }),
}));

builder.subscriptionField('lampEvents', (t) =>
  t.field({
    type: LampEventRef,
    description: 'Lamps added, coming online, going offline, changed, forgotten and sending debug lines, as it happens.',
    authScopes: { observe: true },
    args: { roomId: t.arg.id({ required: false, description: "Only events of this room's lamps." }) },
    subscribe: (_root, { roomId }, { lampConnections, rooms, signal }) => {
      if (roomId == null) return lampConnections.events(signal);
      rooms.require(roomId);
      return inRoom(lampConnections.events(signal), roomId);
    },
    resolve: (event) => event,
  }),
);

async function* inRoom(events: AsyncIterableIterator<LampEvent>, roomId: string): AsyncGenerator<LampEvent> {
  try {
    for await (const event of events) if (event.lamp.roomId === roomId) yield event;
  } finally {
    await events.return?.();
  }
}
