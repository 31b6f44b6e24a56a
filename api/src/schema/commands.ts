import type { CommandResult } from '../commands/command-dispatch.js';
import { builder } from './builder.js';

const DeviceCommandEnum = builder.enumType('DeviceCommand', {
  description: 'One-shot commands. They reach the lamps connected now and are not remembered.',
  values: {
    RESET: { value: 'reset', description: 'Reboot the lamp (`[cc:r:?:?]`).' },
    UPDATE: { value: 'update', description: 'Fetch and install firmware from the update endpoint (`[cc:u:?:?]`).' },
  } as const,
});

const CommandResultRef = builder.objectRef<CommandResult>('CommandResult').implement({
  description: 'What a command reached.',
  fields: (t) => ({
    packet: t.exposeString('packet', { description: 'The packet that was sent.' }),
    sentAt: t.field({ type: 'DateTime', resolve: (r) => r.sentAt }),
    lampsReached: t.int({
      description: 'How many lamps the packet was written to.',
      resolve: (r) => r.deviceIds.length,
    }),
    deviceIds: t.idList({ description: 'The lamps it was written to.', resolve: (r) => r.deviceIds }),
    unconfirmedAdapters: t.exposeInt('unconfirmedAdapters', {
      description: 'Device adapters that did not confirm delivery in time; their lamps are not counted.',
    }),
  }),
});

builder.queryField('debugEnabled', (t) =>
  t.boolean({
    description: 'Whether debug messages were last switched on or off.',
    authScopes: { observe: true },
    resolve: (_root, _args, { commands }) => commands.debugEnabled(),
  }),
);

builder.mutationFields((t) => ({
  sendCommand: t.field({
    type: CommandResultRef,
    authScopes: { control: true },
    args: {
      command: t.arg({ type: DeviceCommandEnum, required: true }),
      deviceIds: t.arg.idList({
        required: false,
        description: 'Only these lamps; every connected lamp when omitted.',
      }),
    },
    resolve: (_root, { command, deviceIds }, { commands }) => commands.send(command, deviceIds ?? null),
  }),
  setDebug: t.field({
    type: CommandResultRef,
    description: "Turns the lamps' debug messages on (`[cc:d:1:?]`) or off (`[cc:d:0:?]`) and remembers the choice.",
    authScopes: { control: true },
    args: { enabled: t.arg.boolean({ required: true }) },
    resolve: (_root, { enabled }, { commands }) => commands.setDebug(enabled),
  }),
}));
