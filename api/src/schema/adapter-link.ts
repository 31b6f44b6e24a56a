import { LAMP_ID, LAMP_ID_RULE } from '@cloud-cloud/contract/ids';
import type { LampCommand } from '../commands/command-dispatch.js';
import type { ApiContext } from '../context.js';
import { DeviceIdTaken } from '../devices/device-registry.js';
import type { Admission, LampReport } from '../devices/lamp-admission.js';
import { builder } from './builder.js';
import { DeviceRef } from './devices.js';
import { checkArguments, eachOf, matching, type ArgumentRule } from './arguments.js';
import { forbidden } from './errors.js';

/*
 * Operations for device adapters, over their authenticated graphql-ws link. People and apps
 * have no use for them; they need the adapter token. Each acts on the lamps of the calling
 * link's own adapter only: the API tells adapters apart by their link (see graphql-ws-link),
 * not by the name they give, so one adapter can neither list, drop nor report another's lamps.
 */

const MAX_DEBUG_TEXT = 1000;

const LampCommandRef = builder.objectRef<LampCommand>('LampCommand').implement({
  description: 'A command for an adapter to write to its lamps (adapters only).',
  fields: (t) => ({
    id: t.exposeID('id'),
    packet: t.exposeString('packet', { nullable: true, description: 'The packet to write, if any.' }),
    closeCode: t.int({
      nullable: true,
      description: 'Close the connections with this WebSocket close code instead of writing.',
      resolve: (c) => c.close?.code ?? null,
    }),
    closeReason: t.string({ nullable: true, resolve: (c) => c.close?.reason ?? null }),
    deviceIds: t.idList({
      nullable: true,
      description: 'The lamps to send it to; null for every connected lamp.',
      resolve: (c) => c.deviceIds,
    }),
  }),
});

const LampAdmissionRef = builder.objectRef<Admission>('LampAdmission').implement({
  description: "Whether a lamp's handshake secret let it in (adapters only).",
  fields: (t) => ({
    accepted: t.exposeBoolean('accepted'),
    reason: t.exposeString('reason', { nullable: true }),
    device: t.field({ type: DeviceRef, nullable: true, resolve: (a) => a.device }),
  }),
});

const LampSessionInput = builder.inputType('LampSessionInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    secret: t.string({ required: true, description: 'The secret the lamp sent in its handshake.' }),
    remoteAddress: t.string({ required: true }),
    connectedAt: t.field({ type: 'DateTime', required: true }),
    lastSeenAt: t.field({ type: 'DateTime', required: true }),
  }),
});

const LampSightingInput = builder.inputType('LampSightingInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    at: t.field({ type: 'DateTime', required: true }),
  }),
});

/** The identity of the calling adapter's link, as the API assigned it. */
function linkedAdapter(context: ApiContext): string {
  if (!context.adapterId) throw forbidden('adapter operations need a graphql-ws link opened with an adapterId');
  return context.adapterId;
}

const lampId = matching(LAMP_ID, LAMP_ID_RULE);

/** A lamp's report from its adapter; its id is checked (as `<argument>.id`). */
const lampReport: ArgumentRule<LampReport> = (report, argument) => {
  lampId(report.id, `${argument}.id`);
  return report;
};

builder.mutationFields((t) => ({
  admitLamp: t.field({
    type: LampAdmissionRef,
    description: "Checks a lamp's handshake secret and, when it is right, records the lamp as connected.",
    authScopes: { adapter: true },
    args: { lamp: t.arg({ type: LampSessionInput, required: true }) },
    resolve: (_root, args, context) => {
      const adapterId = linkedAdapter(context);
      const { lamp } = checkArguments(args, { lamp: lampReport });
      try {
        return context.admission.admit(adapterId, lamp);
      } catch (error) {
        if (error instanceof DeviceIdTaken) throw forbidden(`lamp.id: ${error.message}`);
        throw error;
      }
    },
  }),
  syncLamps: t.idList({
    description:
      'Reports every lamp an adapter holds, after its link to the API (re)opens. Returns the ids of lamps whose secret no longer lets them in, or whose id another adapter holds; the adapter closes those.',
    authScopes: { adapter: true },
    args: { lamps: t.arg({ type: [LampSessionInput], required: true }) },
    resolve: (_root, args, context) => {
      const adapterId = linkedAdapter(context);
      return context.admission.sync(adapterId, checkArguments(args, { lamps: eachOf(lampReport) }).lamps);
    },
  }),
  reportLampDisconnected: t.boolean({
    authScopes: { adapter: true },
    args: { id: t.arg.id({ required: true }), reason: t.arg.string({ required: true }) },
    resolve: (_root, { id, reason }, context) => context.devices.disconnect(linkedAdapter(context), id, reason.slice(0, 200)),
  }),
  reportLampsSeen: t.boolean({
    description: 'Batched signs of life (pings and messages) from lamps.',
    authScopes: { adapter: true },
    args: { sightings: t.arg({ type: [LampSightingInput], required: true }) },
    resolve: (_root, { sightings }, context) => {
      const adapterId = linkedAdapter(context);
      for (const { id, at } of sightings) context.devices.seen(adapterId, id, at);
      return true;
    },
  }),
  reportLampDebugMessage: t.boolean({
    authScopes: { adapter: true },
    args: {
      id: t.arg.id({ required: true }),
      text: t.arg.string({ required: true }),
      at: t.arg({ type: 'DateTime', required: true }),
    },
    resolve: (_root, { id, text, at }, context) =>
      context.devices.addDebugMessage(linkedAdapter(context), id, {
        at,
        text: text.slice(0, MAX_DEBUG_TEXT),
      }) !== undefined,
  }),
  confirmLampCommand: t.boolean({
    description: 'Tells the API which lamps a command was written to.',
    authScopes: { adapter: true },
    args: { commandId: t.arg.id({ required: true }), deviceIds: t.arg.idList({ required: true }) },
    resolve: (_root, { commandId, deviceIds }, context) => context.commands.confirm(linkedAdapter(context), commandId, deviceIds),
  }),
}));

builder.subscriptionField('lampCommands', (t) =>
  t.field({
    type: LampCommandRef,
    description: "Commands for this adapter's lamps (adapters only).",
    authScopes: { adapter: true },
    subscribe: (_root, _args, context) => context.commands.commandsFor(linkedAdapter(context), context.signal),
    resolve: (command) => command,
  }),
);
