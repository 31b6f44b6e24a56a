import { adapterGraphql } from '@cloud-cloud/contract/adapter-graphql';

/*
 * Every GraphQL operation the adapter sends the API's adapter endpoint, typed from
 * adapter-schema.graphql: reading a field that schema no longer has fails the typecheck, and
 * test/adapter-operations.test.ts validates each document against it.
 */

export const ROOM_FRAMES = adapterGraphql('subscription RoomFrames { roomFrames { roomId frame revision } }');

export const LAMP_COMMANDS = adapterGraphql(
  'subscription LampCommands { lampCommands { id packet closeCode closeReason connectionIds moveToRoomId } }',
);

/** What the adapter needs of an admission, whether it asked for one lamp or several. */
const ADMISSION_FIELDS = adapterGraphql(`
  fragment AdmissionFields on LampAdmission {
    accepted
    reason
    lampId
    name
    roomId
    frame
  }
`);

export const ADMIT_LAMP = adapterGraphql(
  `
  mutation AdmitLamp($lamp: LampSessionInput!) {
    admitLamp(lamp: $lamp) {
      ...AdmissionFields
    }
  }
`,
  [ADMISSION_FIELDS],
);

export const ADMIT_LAMPS = adapterGraphql(
  `
  mutation AdmitLamps($lamps: [LampSessionInput!]!) {
    admitLamps(lamps: $lamps) {
      ...AdmissionFields
    }
  }
`,
  [ADMISSION_FIELDS],
);

export const SYNC_LAMPS = adapterGraphql(`
  mutation SyncLamps($lamps: [LampSessionInput!]!) {
    syncLamps(lamps: $lamps) {
      refusedConnectionIds
      placements {
        connectionId
        roomId
      }
    }
  }
`);

export const LAMP_GONE = adapterGraphql(
  'mutation LampGone($id: ID!, $reason: String!) { reportLampDisconnected(connectionId: $id, reason: $reason) }',
);

export const LAMPS_GONE = adapterGraphql(
  'mutation LampsGone($d: [LampDisconnectionInput!]!) { reportLampsDisconnected(disconnections: $d) }',
);

export const LAMPS_SEEN = adapterGraphql('mutation LampsSeen($s: [LampSightingInput!]!) { reportLampsSeen(sightings: $s) }');

export const LAMP_DEBUG = adapterGraphql(
  'mutation LampDebug($id: ID!, $text: String!, $at: DateTime!) { reportLampDebugMessage(connectionId: $id, text: $text, at: $at) }',
);

export const CONFIRM_COMMAND = adapterGraphql(
  'mutation ConfirmCommand($c: ID!, $ids: [ID!]!) { confirmLampCommand(commandId: $c, connectionIds: $ids) }',
);
