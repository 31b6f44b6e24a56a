import { graphql } from '@cloud-cloud/contract/graphql';

/*
 * Every GraphQL operation the adapter sends the API, typed from schema.graphql: reading a field
 * the schema no longer has fails the typecheck, and test/client-operations.test.ts validates
 * each document against the schema.
 */

export const ADAPTER_DISPLAY = graphql('subscription AdapterDisplay { displayState { frame } }');

export const ADAPTER_COMMANDS = graphql('subscription AdapterCommands { lampCommands { id packet closeCode closeReason deviceIds } }');

export const ADMIT_LAMP = graphql(`
  mutation AdmitLamp($lamp: LampSessionInput!) {
    admitLamp(lamp: $lamp) {
      accepted
      reason
      device {
        name
      }
    }
  }
`);

export const SYNC_LAMPS = graphql('mutation SyncLamps($lamps: [LampSessionInput!]!) { syncLamps(lamps: $lamps) }');

export const LAMP_GONE = graphql('mutation LampGone($id: ID!, $reason: String!) { reportLampDisconnected(id: $id, reason: $reason) }');

export const LAMPS_SEEN = graphql('mutation LampsSeen($s: [LampSightingInput!]!) { reportLampsSeen(sightings: $s) }');

export const LAMP_DEBUG = graphql(
  'mutation LampDebug($id: ID!, $text: String!, $at: DateTime!) { reportLampDebugMessage(id: $id, text: $text, at: $at) }',
);

export const CONFIRM_COMMAND = graphql('mutation ConfirmCommand($c: ID!, $d: [ID!]!) { confirmLampCommand(commandId: $c, deviceIds: $d) }');
