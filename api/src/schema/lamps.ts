import { GraphQLError } from 'graphql';
import { SecretSetByEnvironment, type DeviceSecret } from '../devices/lamp-credentials.js';
import { debugLogKey } from '../devices/device-registry.js';
import { LAMP_NAME_MAX } from '../devices/registered-lamps.js';
import type { RegisteredLamp } from '../store/lamp-store.js';
import { builder } from './builder.js';
import { checkArguments, trimmedText } from './arguments.js';
import { debugLines, DebugMessageRef, DeviceRef } from './devices.js';
import { ApiErrorCode } from './errors.js';

const LampRef = builder.objectRef<RegisteredLamp>('Lamp').implement({
  description: 'A registered lamp: it connects with its own secret and is known by its name.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    createdAt: t.field({ type: 'DateTime', resolve: (l) => l.createdAt }),
    revokedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When its secret was revoked; a revoked lamp can no longer connect.',
      resolve: (l) => l.revokedAt,
    }),
    online: t.boolean({
      description: 'Whether it is connected now.',
      resolve: (l, _args, { loaders }) => loaders.lampOnline(l.id),
    }),
    connections: t.field({
      type: [DeviceRef],
      description: 'Its current connections (normally one).',
      resolve: (l, _args, { lamps }) => lamps.connections(l.id),
    }),
    debugMessages: t.field({
      type: [DebugMessageRef],
      description: 'Recent debug lines across its connections, oldest first.',
      args: { last: t.arg.int({ defaultValue: 50, description: 'How many of the newest to return (1-200).' }) },
      resolve: (l, args, { loaders }) =>
        loaders.debugMessages(debugLogKey({ id: l.id, lampId: l.id }), checkArguments(args, { last: debugLines }).last ?? 50),
    }),
  }),
});

const LampRegistrationRef = builder.objectRef<{ lamp: RegisteredLamp; secret: string }>('LampRegistration').implement({
  fields: (t) => ({
    lamp: t.field({ type: LampRef, resolve: (r) => r.lamp }),
    secret: t.exposeString('secret', {
      description: "The lamp's own secret, for its firmware. Shown only here: it is stored hashed.",
    }),
  }),
});

const DeviceSecretSourceEnum = builder.enumType('DeviceSecretSource', {
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
      resolve: (s) => (s.source === 'configured' ? 'CONFIGURED' : s.source === 'stored' ? 'STORED' : 'GENERATED'),
    }),
    rotatable: t.boolean({ description: 'Whether rotateDeviceSecret may replace it.', resolve: (s) => s.source !== 'configured' }),
  }),
});

const lampName = trimmedText(LAMP_NAME_MAX, { printable: true, showAllowed: true });

builder.queryField('deviceSecret', (t) =>
  t.field({
    type: DeviceSecretRef,
    description: 'The shared device secret (admin only). Lamps with a registered secret of their own do not use it.',
    authScopes: { manage: true },
    resolve: (_root, _args, { lamps }) => lamps.sharedSecret,
  }),
);

builder.queryField('lamps', (t) =>
  t.field({
    type: [LampRef],
    description: 'Registered lamps, active ones first.',
    authScopes: { observe: true },
    resolve: (_root, _args, { lamps }) => lamps.list(),
  }),
);

builder.mutationFields((t) => ({
  registerLamp: t.field({
    type: LampRegistrationRef,
    description: 'Registers a lamp with its own secret, shown once in the answer.',
    authScopes: { manage: true },
    args: { name: t.arg.string({ required: true }) },
    resolve: (_root, args, { lamps }) => lamps.register(checkArguments(args, { name: lampName }).name),
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
  revokeLamp: t.field({
    type: LampRef,
    description: "Revokes a lamp's secret; if it is connected, it is disconnected (4403).",
    authScopes: { manage: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, { lamps }) => lamps.revoke(id),
  }),
}));

builder.objectField(DeviceRef, 'lamp', (t) =>
  t.field({
    type: LampRef,
    nullable: true,
    description: 'The registered lamp on this connection, or null for a lamp using the shared device secret.',
    resolve: (device, _args, { loaders }) => (device.lampId ? (loaders.registeredLamp(device.lampId) ?? null) : null),
  }),
);
