import type { LampReport } from '@cloud-cloud/contract/lamp-identity';
import { LAMP_ID, LAMP_ID_RULE } from '@cloud-cloud/contract/ids';
import {
  FIRMWARE_VERSION_RULE,
  LAMP_MAC_RULE,
  MAX_FIRMWARE_VERSION_LENGTH,
  MAX_LAMPS_PER_BATCH,
  normalizeFirmwareVersion,
  normalizeMac,
} from '@cloud-cloud/contract/lamp-identity';
import type { Admission } from '../lamps/lamp-admission.js';
import { ConnectionIdTaken } from '../lamps/lamp-admission.js';
import { checkArguments, eachOf, type ArgumentRule } from '../schema/arguments.js';
import { forbidden, invalidArgument } from '../schema/errors.js';
import { adapterBuilder } from './builder.js';
import { linkedAdapter } from './linked-adapter.js';

/*
 * How adapters report their lamp connections. Each report acts on the calling link's own
 * connections only: the API tells adapters apart by their link (see adapter-identity), not by
 * the name they give, so one adapter can neither list, drop nor report another's lamps.
 */

/** A connection's id, as its adapter names it (`<adapterId>.<number>`). */
export const CONNECTION_ID = LAMP_ID;
export const CONNECTION_ID_RULE = LAMP_ID_RULE;

const MAX_DEBUG_TEXT = 1000;
const MAX_REASON = 200;

const LampAdmissionRef = adapterBuilder.objectRef<Admission>('LampAdmission').implement({
  description: "Whether a lamp's handshake let it in, and if so which lamp it is and what it shows.",
  fields: (t) => ({
    accepted: t.exposeBoolean('accepted', { description: 'True when the secret let the lamp in.' }),
    reason: t.exposeString('reason', { nullable: true, description: 'Why the lamp was refused; null when accepted.' }),
    lampId: t.id({ nullable: true, description: 'The lamp this connection is; null when refused.', resolve: (a) => a.lamp?.id ?? null }),
    name: t.string({ nullable: true, description: "The lamp's name, for logs; null when refused.", resolve: (a) => a.lamp?.name ?? null }),
    roomId: t.id({
      nullable: true,
      description: 'The room the lamp is in: the adapter files the connection under it. Null when refused.',
      resolve: (a) => a.lamp?.roomId ?? null,
    }),
    frame: t.exposeString('frame', {
      nullable: true,
      description: "The room's current frame, to write right after `ok`; null when refused.",
    }),
  }),
});

const LampPlacementRef = adapterBuilder.objectRef<{ connectionId: string; roomId: string }>('LampPlacement').implement({
  description: 'Which room a connection the adapter listed is in.',
  fields: (t) => ({
    connectionId: t.exposeID('connectionId', { description: 'The connection.' }),
    roomId: t.exposeID('roomId', { description: "The room of the connection's lamp." }),
  }),
});

const LampSyncRef = adapterBuilder
  .objectRef<{ refused: string[]; placements: { connectionId: string; roomId: string }[] }>('LampSync')
  .implement({
    description: "The API's answer to an adapter listing its connections.",
    fields: (t) => ({
      refusedConnectionIds: t.idList({
        description: 'Connections whose secret no longer lets them in, or whose id another adapter holds: the adapter closes them.',
        resolve: (s) => s.refused,
      }),
      placements: t.field({
        type: [LampPlacementRef],
        description: 'The room of every connection that was kept.',
        resolve: (s) => s.placements,
      }),
    }),
  });

const LampSessionInput = adapterBuilder.inputType('LampSessionInput', {
  description: 'A lamp connection as its adapter holds it.',
  fields: (t) => ({
    connectionId: t.id({ required: true, description: 'The connection id, chosen by the adapter (`<adapterId>.<number>`).' }),
    secret: t.string({ required: true, description: 'The secret the lamp sent in its handshake.' }),
    remoteAddress: t.string({ required: true, description: "The lamp's address as the adapter sees it." }),
    connectedAt: t.field({ type: 'DateTime', required: true, description: 'When the connection opened.' }),
    lastSeenAt: t.field({ type: 'DateTime', required: true, description: 'When the lamp last showed a sign of life.' }),
    mac: t.string({ description: 'The MAC the lamp gave in its connection URL (`?mac=`), if a valid one.' }),
    firmwareVersion: t.string({
      description: `The firmware version the lamp gave in its connection URL (\`?version=\`), if a valid one (1-${MAX_FIRMWARE_VERSION_LENGTH} printable characters).`,
    }),
  }),
});

const LampDisconnectionInput = adapterBuilder.inputType('LampDisconnectionInput', {
  description: 'A lamp connection that ended.',
  fields: (t) => ({
    connectionId: t.id({ required: true, description: 'The connection.' }),
    reason: t.string({ required: true, description: 'How it ended, for people (cut to 200 characters).' }),
  }),
});

const LampSightingInput = adapterBuilder.inputType('LampSightingInput', {
  description: 'A sign of life (a ping or a message) from a lamp connection.',
  fields: (t) => ({
    connectionId: t.id({ required: true, description: 'The connection.' }),
    at: t.field({ type: 'DateTime', required: true, description: 'When the lamp was last seen.' }),
  }),
});

interface SessionInput {
  connectionId: string;
  secret: string;
  remoteAddress: string;
  connectedAt: Date;
  lastSeenAt: Date;
  mac?: string | null | undefined;
  firmwareVersion?: string | null | undefined;
}

/** A connection's report, checked (errors name `<argument>.<field>`) and normalised. */
const lampReport: ArgumentRule<SessionInput, LampReport> = (session, argument) => {
  if (!CONNECTION_ID.test(session.connectionId)) throw invalidArgument(`${argument}.connectionId`, CONNECTION_ID_RULE);
  const mac = session.mac == null ? null : normalizeMac(session.mac);
  if (session.mac != null && mac === null) throw invalidArgument(`${argument}.mac`, LAMP_MAC_RULE);
  const firmwareVersion = session.firmwareVersion == null ? null : normalizeFirmwareVersion(session.firmwareVersion);
  if (session.firmwareVersion != null && firmwareVersion === null)
    throw invalidArgument(`${argument}.firmwareVersion`, FIRMWARE_VERSION_RULE);
  return {
    connectionId: session.connectionId,
    secret: session.secret,
    remoteAddress: session.remoteAddress.slice(0, 100),
    connectedAt: session.connectedAt,
    lastSeenAt: session.lastSeenAt,
    mac,
    firmwareVersion,
  };
};

/** A list of at most MAX_LAMPS_PER_BATCH, each checked by `rule`. */
function atMostOneBatch<In, Out>(rule: ArgumentRule<readonly In[], Out[]>): ArgumentRule<readonly In[], Out[]> {
  return (values, argument) => {
    if (values.length > MAX_LAMPS_PER_BATCH)
      throw invalidArgument(argument, `at most ${MAX_LAMPS_PER_BATCH} at once, got ${values.length}`);
    return rule(values, argument);
  };
}

const connectionId: ArgumentRule<string> = (id, argument) => {
  if (!CONNECTION_ID.test(id)) throw invalidArgument(argument, CONNECTION_ID_RULE);
  return id;
};

adapterBuilder.mutationFields((t) => ({
  admitLamp: t.field({
    type: LampAdmissionRef,
    description:
      "Checks a lamp's handshake secret and, when it is right, recognises the lamp (by its own secret, its MAC, else its address) and records it as online.",
    args: { lamp: t.arg({ type: LampSessionInput, required: true, description: 'The connection, with the secret it sent.' }) },
    resolve: (_root, args, context) => {
      const adapterId = linkedAdapter(context);
      const { lamp } = checkArguments(args, { lamp: lampReport });
      try {
        return context.admission.admit(adapterId, lamp);
      } catch (error) {
        if (error instanceof ConnectionIdTaken) throw forbidden(`lamp.connectionId: ${error.message}`);
        throw error;
      }
    },
  }),
  admitLamps: t.field({
    type: [LampAdmissionRef],
    description: `Admits lamps whose handshakes arrived together, as \`admitLamp\` would each (up to ${MAX_LAMPS_PER_BATCH} at once), recording the new ones in one write. Answers one admission per lamp, in order; a connection id another adapter holds is refused.`,
    args: {
      lamps: t.arg({ type: [LampSessionInput], required: true, description: 'The connections, each with the secret it sent.' }),
    },
    resolve: (_root, args, context) => {
      const adapterId = linkedAdapter(context);
      const { lamps } = checkArguments(args, { lamps: atMostOneBatch(eachOf(lampReport)) });
      return context.admission.admitAll(adapterId, lamps);
    },
  }),
  syncLamps: t.field({
    type: LampSyncRef,
    description:
      'Lists every connection the adapter holds, after its link to the API (re)opens. The API answers which to close and which room each of the others is in.',
    args: { lamps: t.arg({ type: [LampSessionInput], required: true, description: 'Every open connection, with its secret.' }) },
    resolve: (_root, args, context) => {
      const adapterId = linkedAdapter(context);
      return context.admission.sync(adapterId, checkArguments(args, { lamps: eachOf(lampReport) }).lamps);
    },
  }),
  reportLampDisconnected: t.boolean({
    description: 'A connection ended. False when the calling adapter holds no such connection.',
    args: {
      connectionId: t.arg.id({ required: true, description: 'The connection.' }),
      reason: t.arg.string({ required: true, description: 'How it ended, for people (cut to 200 characters).' }),
    },
    resolve: (_root, args, context) => {
      const adapterId = linkedAdapter(context);
      const checked = checkArguments(args, { connectionId });
      return context.lampConnections.disconnect(adapterId, checked.connectionId, checked.reason.slice(0, MAX_REASON));
    },
  }),
  reportLampsDisconnected: t.int({
    description: `Connections that ended together (up to ${MAX_LAMPS_PER_BATCH} at once), recorded in one write. Answers how many of them the calling adapter held.`,
    args: {
      disconnections: t.arg({ type: [LampDisconnectionInput], required: true, description: 'The connections, each with how it ended.' }),
    },
    resolve: (_root, args, context) => {
      const adapterId = linkedAdapter(context);
      const { disconnections } = checkArguments(args, {
        disconnections: atMostOneBatch(
          eachOf((ended: { connectionId: string; reason: string }, argument) => ({
            connectionId: connectionId(ended.connectionId, `${argument}.connectionId`),
            reason: ended.reason.slice(0, MAX_REASON),
          })),
        ),
      });
      return context.lampConnections.disconnectAll(adapterId, disconnections);
    },
  }),
  reportLampsSeen: t.boolean({
    description: 'Batched signs of life (pings and messages) from lamp connections.',
    args: {
      sightings: t.arg({ type: [LampSightingInput], required: true, description: 'One per connection seen since the last report.' }),
    },
    resolve: (_root, { sightings }, context) => {
      const adapterId = linkedAdapter(context);
      for (const sighting of sightings) {
        if (CONNECTION_ID.test(sighting.connectionId)) context.lampConnections.seen(adapterId, sighting.connectionId, sighting.at);
      }
      return true;
    },
  }),
  reportLampDebugMessage: t.boolean({
    description: 'A debug line a lamp sent (`d:<text>`). False when the calling adapter holds no such connection.',
    args: {
      connectionId: t.arg.id({ required: true, description: 'The connection.' }),
      text: t.arg.string({ required: true, description: 'The line, without `d:` (cut to 1000 characters).' }),
      at: t.arg({ type: 'DateTime', required: true, description: 'When it arrived.' }),
    },
    resolve: (_root, args, context) => {
      const adapterId = linkedAdapter(context);
      const { connectionId: id, text, at } = checkArguments(args, { connectionId });
      return context.lampConnections.addDebugMessage(adapterId, id, { at, text: text.slice(0, MAX_DEBUG_TEXT) });
    },
  }),
}));
