import type { LampCommandResult } from '../commands/lamp-commands.js';
import { builder } from './builder.js';

export const DeviceCommandEnum = builder.enumType('DeviceCommand', {
  description: 'One-shot commands. They reach the lamps connected now and are not remembered.',
  values: {
    RESET: { value: 'reset', description: 'Reboot the lamp (`[cc:r:?:?]`).' },
    UPDATE: { value: 'update', description: 'Fetch and install firmware from the update endpoint (`[cc:u:?:?]`).' },
  } as const,
});

const CommandResultRef = builder.objectRef<LampCommandResult>('CommandResult').implement({
  description: 'What a command reached.',
  fields: (t) => ({
    packet: t.exposeString('packet', { description: 'The packet that was sent.' }),
    sentAt: t.field({ type: 'DateTime', description: 'When it was sent.', resolve: (r) => r.sentAt }),
    lampsReached: t.int({
      description: 'How many lamps the packet was written to.',
      resolve: (r) => r.lampIds.length,
    }),
    lampIds: t.idList({ description: 'The lamps it was written to.', resolve: (r) => r.lampIds }),
    unconfirmedAdapters: t.exposeInt('unconfirmedAdapters', {
      description: 'Device adapters that did not confirm delivery in time; their lamps are not counted.',
    }),
  }),
});

builder.queryField('debugEnabled', (t) =>
  t.boolean({
    description: 'Whether debug messages were last switched on or off for every lamp.',
    authScopes: { observe: true },
    resolve: (_root, _args, { commands }) => commands.debugEnabled(),
  }),
);

const ROOM_ID = 'Only the lamps of this room (not with lampIds).';
const LAMP_IDS = 'Only these lamps (not with roomId); those offline are not reached.';

builder.mutationFields((t) => ({
  sendCommand: t.field({
    type: CommandResultRef,
    description: "Sends a one-shot command to the lamps connected now: every one, a room's, or the lamps named.",
    authScopes: { control: true },
    args: {
      command: t.arg({ type: DeviceCommandEnum, required: true, description: 'The command.' }),
      roomId: t.arg.id({ required: false, description: ROOM_ID }),
      lampIds: t.arg.idList({ required: false, description: LAMP_IDS }),
    },
    resolve: (_root, { command, roomId, lampIds }, { commands }) => commands.send(command, { roomId, lampIds }),
  }),
  setDebug: t.field({
    type: CommandResultRef,
    description:
      "Turns the lamps' debug messages on (`[cc:d:1:?]`) or off (`[cc:d:0:?]`): every lamp's (the choice is remembered), a room's, or the lamps named.",
    authScopes: { control: true },
    args: {
      enabled: t.arg.boolean({ required: true, description: 'On (true) or off (false).' }),
      roomId: t.arg.id({ required: false, description: ROOM_ID }),
      lampIds: t.arg.idList({ required: false, description: LAMP_IDS }),
    },
    resolve: (_root, { enabled, roomId, lampIds }, { commands }) => commands.setDebug(enabled, { roomId, lampIds }),
  }),
}));
