import type { LampCommand } from '../commands/command-dispatch.js';
import { adapterBuilder } from './builder.js';
import { linkedAdapter } from './linked-adapter.js';
import { checkArguments, eachOf, matching } from '../schema/arguments.js';
import { CONNECTION_ID, CONNECTION_ID_RULE } from './lamp-reports.js';

const LampCommandRef = adapterBuilder.objectRef<LampCommand>('LampCommand').implement({
  description:
    'Something for an adapter to do to some of its lamp connections: write a packet, close them, or file them under another room.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Names the command in `confirmLampCommand`.' }),
    packet: t.exposeString('packet', { nullable: true, description: 'The packet to write, if any.' }),
    closeCode: t.int({
      nullable: true,
      description: 'Close the connections with this WebSocket close code instead of writing.',
      resolve: (c) => c.close?.code ?? null,
    }),
    closeReason: t.string({
      nullable: true,
      description: 'The close reason to send with `closeCode`.',
      resolve: (c) => c.close?.reason ?? null,
    }),
    connectionIds: t.idList({
      nullable: true,
      description: 'The connections it is for; null for every connection the adapter holds.',
      resolve: (c) => c.connectionIds,
    }),
    moveToRoomId: t.id({
      nullable: true,
      description:
        'The lamps were moved to this room: file them under it and write its current frame at once (when the adapter has no frame for the room yet, when it arrives).',
      resolve: (c) => c.moveToRoomId,
    }),
  }),
});

adapterBuilder.mutationField('confirmLampCommand', (t) =>
  t.boolean({
    description:
      "Tells the API which connections a command was written to (only the calling adapter's own count). False when the command is not waiting for this adapter.",
    args: {
      commandId: t.arg.id({ required: true, description: "The command's `id`." }),
      connectionIds: t.arg.idList({ required: true, description: 'The connections the packet was written to.' }),
    },
    resolve: (_root, args, context) => {
      const adapterId = linkedAdapter(context);
      const { commandId, connectionIds } = checkArguments(args, { connectionIds: eachOf(matching(CONNECTION_ID, CONNECTION_ID_RULE)) });
      return context.commands.confirm(adapterId, commandId, connectionIds);
    },
  }),
);

adapterBuilder.subscriptionField('lampCommands', (t) =>
  t.field({
    type: LampCommandRef,
    description: "Commands for the calling adapter's lamps, as they are sent.",
    subscribe: (_root, _args, context) => context.commands.commandsFor(linkedAdapter(context), context.signal),
    resolve: (command) => command,
  }),
);
