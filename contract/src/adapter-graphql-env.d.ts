/* eslint-disable */
/* prettier-ignore */

export type introspection_types = {
    'Boolean': unknown;
    'DateTime': unknown;
    'ID': unknown;
    'Int': unknown;
    'LampAdmission': { kind: 'OBJECT'; name: 'LampAdmission'; fields: { 'accepted': { name: 'accepted'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Boolean'; ofType: null; }; } }; 'frame': { name: 'frame'; type: { kind: 'SCALAR'; name: 'String'; ofType: null; } }; 'lampId': { name: 'lampId'; type: { kind: 'SCALAR'; name: 'ID'; ofType: null; } }; 'name': { name: 'name'; type: { kind: 'SCALAR'; name: 'String'; ofType: null; } }; 'reason': { name: 'reason'; type: { kind: 'SCALAR'; name: 'String'; ofType: null; } }; 'roomId': { name: 'roomId'; type: { kind: 'SCALAR'; name: 'ID'; ofType: null; } }; }; };
    'LampCommand': { kind: 'OBJECT'; name: 'LampCommand'; fields: { 'closeCode': { name: 'closeCode'; type: { kind: 'SCALAR'; name: 'Int'; ofType: null; } }; 'closeReason': { name: 'closeReason'; type: { kind: 'SCALAR'; name: 'String'; ofType: null; } }; 'connectionIds': { name: 'connectionIds'; type: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null; }; }; } }; 'id': { name: 'id'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null; }; } }; 'moveToRoomId': { name: 'moveToRoomId'; type: { kind: 'SCALAR'; name: 'ID'; ofType: null; } }; 'packet': { name: 'packet'; type: { kind: 'SCALAR'; name: 'String'; ofType: null; } }; }; };
    'LampDisconnectionInput': { kind: 'INPUT_OBJECT'; name: 'LampDisconnectionInput'; isOneOf: false; inputFields: [{ name: 'connectionId'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null; }; }; defaultValue: null }, { name: 'reason'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null; }; }; defaultValue: null }]; };
    'LampPlacement': { kind: 'OBJECT'; name: 'LampPlacement'; fields: { 'connectionId': { name: 'connectionId'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null; }; } }; 'roomId': { name: 'roomId'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null; }; } }; }; };
    'LampSessionInput': { kind: 'INPUT_OBJECT'; name: 'LampSessionInput'; isOneOf: false; inputFields: [{ name: 'connectedAt'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'DateTime'; ofType: null; }; }; defaultValue: null }, { name: 'connectionId'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null; }; }; defaultValue: null }, { name: 'firmwareVersion'; type: { kind: 'SCALAR'; name: 'String'; ofType: null; }; defaultValue: null }, { name: 'lastSeenAt'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'DateTime'; ofType: null; }; }; defaultValue: null }, { name: 'mac'; type: { kind: 'SCALAR'; name: 'String'; ofType: null; }; defaultValue: null }, { name: 'remoteAddress'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null; }; }; defaultValue: null }, { name: 'secret'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null; }; }; defaultValue: null }]; };
    'LampSightingInput': { kind: 'INPUT_OBJECT'; name: 'LampSightingInput'; isOneOf: false; inputFields: [{ name: 'at'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'DateTime'; ofType: null; }; }; defaultValue: null }, { name: 'connectionId'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null; }; }; defaultValue: null }]; };
    'LampSync': { kind: 'OBJECT'; name: 'LampSync'; fields: { 'placements': { name: 'placements'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'LampPlacement'; ofType: null; }; }; }; } }; 'refusedConnectionIds': { name: 'refusedConnectionIds'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null; }; }; }; } }; }; };
    'Mutation': { kind: 'OBJECT'; name: 'Mutation'; fields: { 'admitLamp': { name: 'admitLamp'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'LampAdmission'; ofType: null; }; } }; 'admitLamps': { name: 'admitLamps'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'LampAdmission'; ofType: null; }; }; }; } }; 'confirmLampCommand': { name: 'confirmLampCommand'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Boolean'; ofType: null; }; } }; 'reportLampDebugMessage': { name: 'reportLampDebugMessage'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Boolean'; ofType: null; }; } }; 'reportLampDisconnected': { name: 'reportLampDisconnected'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Boolean'; ofType: null; }; } }; 'reportLampsDisconnected': { name: 'reportLampsDisconnected'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null; }; } }; 'reportLampsSeen': { name: 'reportLampsSeen'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Boolean'; ofType: null; }; } }; 'syncLamps': { name: 'syncLamps'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'LampSync'; ofType: null; }; } }; }; };
    'Query': { kind: 'OBJECT'; name: 'Query'; fields: { 'roomFrames': { name: 'roomFrames'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'RoomFrame'; ofType: null; }; }; }; } }; }; };
    'RoomFrame': { kind: 'OBJECT'; name: 'RoomFrame'; fields: { 'frame': { name: 'frame'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null; }; } }; 'revision': { name: 'revision'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null; }; } }; 'roomId': { name: 'roomId'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null; }; } }; }; };
    'String': unknown;
    'Subscription': { kind: 'OBJECT'; name: 'Subscription'; fields: { 'lampCommands': { name: 'lampCommands'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'LampCommand'; ofType: null; }; } }; 'roomFrames': { name: 'roomFrames'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'RoomFrame'; ofType: null; }; } }; }; };
};

/** An IntrospectionQuery representation of your schema.
 *
 * @remarks
 * This is an introspection of your schema saved as a file by GraphQLSP.
 * It will automatically be used by `gql.tada` to infer the types of your GraphQL documents.
 * If you need to reuse this data or update your `scalars`, update `tadaOutputLocation` to
 * instead save to a .ts instead of a .d.ts file.
 */
export type introspection = {
  name: 'adapter';
  query: 'Query';
  mutation: 'Mutation';
  subscription: 'Subscription';
  types: introspection_types;
};

import * as gqlTada from 'gql.tada';
