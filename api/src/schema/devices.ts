import { debugLogKey, type DebugMessage, type Device, type DeviceEvent } from '../devices/device-registry.js';
import { builder } from './builder.js';
import { checkArguments, integerFrom } from './arguments.js';

/** How many of a lamp's newest debug lines a client may ask for. */
export const debugLines = integerFrom(1, 200);

export const DebugMessageRef = builder.objectRef<DebugMessage>('DebugMessage').implement({
  description: 'A `d:` line a lamp sent while debug messages were on.',
  fields: (t) => ({
    at: t.field({ type: 'DateTime', resolve: (m) => m.at }),
    text: t.exposeString('text'),
  }),
});

export const DeviceRef = builder.objectRef<Device>('Device').implement({
  description: 'A lamp connected to the device port.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Identifies this connection; a lamp that reconnects gets a new one.' }),
    lampId: t.exposeID('lampId', {
      nullable: true,
      description: 'The registered lamp on this connection, or null for a lamp using the shared device secret.',
    }),
    name: t.exposeString('name', {
      nullable: true,
      description: "The registered lamp's name, or null for a lamp using the shared device secret.",
    }),
    remoteAddress: t.exposeString('remoteAddress', { description: 'The address the lamp connected from.' }),
    connectedAt: t.field({ type: 'DateTime', resolve: (d) => d.connectedAt }),
    lastSeenAt: t.field({ type: 'DateTime', description: 'The last ping or message from the lamp.', resolve: (d) => d.lastSeenAt }),
    debugMessages: t.field({
      type: [DebugMessageRef],
      description: 'Recent debug lines, oldest first.',
      args: { last: t.arg.int({ defaultValue: 50, description: 'How many of the newest to return (1-200).' }) },
      resolve: (d, args, { loaders }) => loaders.debugMessages(debugLogKey(d), checkArguments(args, { last: debugLines }).last ?? 50),
    }),
  }),
});

const DeviceEventKindEnum = builder.enumType('DeviceEventKind', {
  values: ['CONNECTED', 'DISCONNECTED', 'DEBUG_MESSAGE'] as const,
});

const DeviceEventRef = builder.objectRef<DeviceEvent>('DeviceEvent').implement({
  description: 'A lamp connected, disconnected or sent a debug line.',
  fields: (t) => ({
    kind: t.field({ type: DeviceEventKindEnum, resolve: (e) => e.kind }),
    at: t.field({ type: 'DateTime', resolve: (e) => e.at }),
    device: t.field({ type: DeviceRef, resolve: (e) => e.device }),
    reason: t.string({
      nullable: true,
      description: 'Why the lamp disconnected (DISCONNECTED only).',
      resolve: (e) => (e.kind === 'DISCONNECTED' ? e.reason : null),
    }),
    message: t.field({
      type: DebugMessageRef,
      nullable: true,
      description: 'The debug line (DEBUG_MESSAGE only).',
      resolve: (e) => (e.kind === 'DEBUG_MESSAGE' ? e.message : null),
    }),
  }),
});

builder.queryFields((t) => ({
  devices: t.field({
    type: [DeviceRef],
    description: 'Every connected lamp, longest connected first.',
    authScopes: { observe: true },
    resolve: (_root, _args, { devices }) => devices.list(),
  }),
  device: t.field({
    type: DeviceRef,
    nullable: true,
    authScopes: { observe: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, { devices }) => devices.get(id) ?? null,
  }),
}));

builder.subscriptionField('deviceEvents', (t) =>
  t.field({
    type: DeviceEventRef,
    description: 'Lamps connecting, disconnecting and sending debug lines, as it happens.',
    authScopes: { observe: true },
    subscribe: (_root, _args, { devices, signal }) => devices.events(signal),
    resolve: (event) => event,
  }),
);
