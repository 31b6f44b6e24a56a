import { getIntrospectionQuery, type IntrospectionQuery, type IntrospectionTypeRef } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AS_ADMIN } from './support/graphql.js';
import { inProcessApi, type InProcessApi } from './support/in-process.js';
import { ADAPTER_TOKEN, startApi } from './support/system.js';

let api: InProcessApi;
let schema: IntrospectionQuery['__schema'];
beforeAll(async () => {
  api = inProcessApi();
  const result = await api.graphql<IntrospectionQuery>(getIntrospectionQuery({ oneOf: true, inputValueDeprecation: true }));
  if (!result.data) throw new Error(JSON.stringify(result.errors));
  schema = result.data.__schema;
});
afterAll(() => api.close());

const type = (name: string) => schema.types.find((t) => t.name === name) as any;
const fieldsOf = (name: string): any[] => type(name)?.fields ?? [];
const fieldNames = (name: string) => fieldsOf(name).map((f) => f.name);
const field = (typeName: string, name: string) => fieldsOf(typeName).find((f) => f.name === name);

/** The type a reference names, without lists and non-null. */
function named(ref: IntrospectionTypeRef): string {
  let current: any = ref;
  while (current.ofType) current = current.ofType;
  return current.name;
}

/** The type reference as SDL writes it, e.g. `[Lamp!]!`. */
function sdl(ref: any): string {
  if (ref.kind === 'NON_NULL') return `${sdl(ref.ofType)}!`;
  if (ref.kind === 'LIST') return `[${sdl(ref.ofType)}]`;
  return ref.name;
}

describe('the public schema', () => {
  it('has no operation or type that only an adapter may use', () => {
    const names = schema.types.map((t) => t.name);
    for (const gone of [
      'Device',
      'DeviceEvent',
      'DeviceEventKind',
      'LampAdmission',
      'LampCommand',
      'LampSessionInput',
      'LampSightingInput',
      'RoomFrame',
      'LampSync',
      'LampPlacement',
    ]) {
      expect(names, gone).not.toContain(gone);
    }
    for (const gone of [
      'admitLamp',
      'admitLamps',
      'syncLamps',
      'reportLampDisconnected',
      'reportLampsDisconnected',
      'reportLampsSeen',
      'reportLampDebugMessage',
      'confirmLampCommand',
    ]) {
      expect(fieldNames('Mutation'), gone).not.toContain(gone);
    }
    for (const gone of ['lampCommands', 'roomFrames', 'deviceEvents']) expect(fieldNames('Subscription'), gone).not.toContain(gone);
    for (const gone of ['devices', 'device', 'roomFrames', 'lampFirmwareCount']) expect(fieldNames('Query'), gone).not.toContain(gone);
  });

  it('has the rooms and lamps operations', () => {
    expect(fieldNames('Query')).toEqual(
      expect.arrayContaining(['displayState', 'rooms', 'room', 'lamps', 'lamp', 'firmwareImages', 'lampFirmware', 'debugEnabled']),
    );
    expect(fieldNames('Mutation')).toEqual(
      expect.arrayContaining([
        'setMode',
        'setColor',
        'setPulse',
        'setAllRooms',
        'sendCommand',
        'setDebug',
        'createRoom',
        'renameRoom',
        'reorderRooms',
        'deleteRoom',
        'registerLamp',
        'renameLamp',
        'moveLamp',
        'forgetLamp',
        'revokeLamp',
      ]),
    );
    expect(fieldNames('Subscription')).toEqual(
      expect.arrayContaining(['displayState', 'rooms', 'lampEvents', 'firmwareChecks', 'weather']),
    );
    for (const mutation of ['renameLamp', 'moveLamp', 'forgetLamp', 'revokeLamp'])
      expect(sdl(field('Mutation', mutation).type), mutation).toBe('Lamp!');
  });

  it('keeps the old operations callable without new arguments', () => {
    const optional = (typeName: string, fieldName: string) =>
      field(typeName, fieldName)
        .args.filter((arg: any) => arg.type.kind === 'NON_NULL' && arg.defaultValue === null)
        .map((arg: any) => arg.name);
    expect(optional('Query', 'displayState')).toEqual([]);
    expect(optional('Subscription', 'displayState')).toEqual([]);
    expect(optional('Mutation', 'setMode')).toEqual(['mode']);
    expect(optional('Mutation', 'setColor')).toEqual(['color']);
    expect(optional('Mutation', 'setPulse')).toEqual(['pulse']);
    expect(optional('Mutation', 'sendCommand')).toEqual(['command']);
    expect(optional('Mutation', 'setDebug')).toEqual(['enabled']);
  });

  it('describes every type, field, argument, input field and enum value', () => {
    const missing: string[] = [];
    const check = (where: string, description: string | null | undefined) => {
      if (!description?.trim()) missing.push(where);
    };
    for (const t of schema.types as any[]) {
      if (t.name.startsWith('__')) continue;
      check(t.name, t.description);
      for (const f of t.fields ?? []) {
        check(`${t.name}.${f.name}`, f.description);
        for (const arg of f.args) check(`${t.name}.${f.name}(${arg.name})`, arg.description);
      }
      for (const f of t.inputFields ?? []) check(`${t.name}.${f.name}`, f.description);
      for (const value of t.enumValues ?? []) check(`${t.name}.${value.name}`, value.description);
    }
    expect(missing).toEqual([]);
  });

  it('names every id argument …Id or …Ids and says color, not colour', () => {
    const wrong: string[] = [];
    for (const t of schema.types as any[]) {
      if (t.name.startsWith('__')) continue;
      for (const f of t.fields ?? []) {
        if (/colour/i.test(f.name)) wrong.push(`${t.name}.${f.name}`);
        for (const arg of f.args) {
          if (named(arg.type) === 'ID' && !/Ids?$/.test(arg.name)) wrong.push(`${t.name}.${f.name}(${arg.name})`);
          if (/colour/i.test(arg.name)) wrong.push(`${t.name}.${f.name}(${arg.name})`);
        }
      }
      for (const f of t.inputFields ?? []) if (/colour/i.test(f.name)) wrong.push(`${t.name}.${f.name}`);
    }
    expect(wrong).toEqual([]);
  });

  it('uses enums for closed sets and @oneOf for the weather place', () => {
    expect(sdl(field('FirmwareImage', 'format').type)).toBe('FirmwareFormat!');
    expect(named(field('FirmwareImage', 'target').type)).toBe('ChipTarget');
    expect(named(field('Mutation', 'uploadFirmware').args.find((a: any) => a.name === 'target').type)).toBe('ChipTarget');
    expect(sdl(field('LampFirmware', 'family').type)).toBe('ChipFamily!');
    expect(sdl(field('Viewer', 'credential').type)).toBe('CredentialKind!');
    expect(sdl(field('Lamp', 'identity').type)).toBe('LampIdentityKind!');
    const values = (name: string) => type(name).enumValues.map((v: any) => v.name);
    expect(values('FirmwareFormat')).toEqual(expect.arrayContaining(['ESP', 'GZIP']));
    expect(values('ChipFamily')).toEqual(expect.arrayContaining(['ESP8266', 'ESP32']));
    expect(values('CredentialKind')).toEqual(expect.arrayContaining(['SESSION', 'API_TOKEN', 'CONFIGURED_TOKEN', 'ADAPTER_TOKEN']));
    expect(values('LampIdentityKind')).toEqual(expect.arrayContaining(['OWN_SECRET', 'MAC', 'ADDRESS']));
    expect(type('WeatherPlaceInput').isOneOf).toBe(true);
    const settings = type('WeatherSettingsInput').inputFields.map((f: any) => f.name);
    expect(settings).toContain('place');
    for (const old of ['cityId', 'city', 'lat', 'lon']) expect(settings).not.toContain(old);
  });

  it('pages the lists that can grow with cursors', () => {
    const pages: [string, string, string, string][] = [
      ['Query', 'lamps', 'LampPage', 'Lamp'],
      ['Room', 'lamps', 'LampPage', 'Lamp'],
      ['Query', 'firmwareImages', 'FirmwareImagePage', 'FirmwareImage'],
      ['Query', 'lampFirmware', 'LampFirmwarePage', 'LampFirmware'],
      ['Lamp', 'debugMessages', 'DebugMessagePage', 'DebugMessage'],
      ['LampFirmware', 'checks', 'UpdateCheckPage', 'UpdateCheck'],
    ];
    for (const [owner, name, page, node] of pages) {
      const f = field(owner, name);
      expect(sdl(f.type), `${owner}.${name}`).toBe(`${page}!`);
      expect(sdl(field(page, 'nodes').type)).toBe(`[${node}!]!`);
      expect(sdl(field(page, 'pageInfo').type)).toBe('PageInfo!');
      const args = f.args.map((a: any) => a.name);
      expect(args.includes('after') || args.includes('before'), `${owner}.${name} takes a cursor`).toBe(true);
    }
  });

  it('pages lamps: a cursor leads to the rest, with no lamp twice', async () => {
    const ids: string[] = [];
    for (const name of ['Page one', 'Page two', 'Page three']) {
      const { data } = await api.graphql('mutation($name: String!) { registerLamp(name: $name) { lamp { id } } }', { name });
      ids.push(data!.registerLamp.lamp.id);
    }
    const query = 'query($after: String) { lamps(first: 2, after: $after) { nodes { id } totalCount pageInfo { hasNextPage endCursor } } }';
    const first = (await api.graphql(query)).data!.lamps;
    expect(first.nodes).toHaveLength(2);
    expect(first.totalCount).toBe(3);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await api.graphql(query, { after: first.pageInfo.endCursor })).data!.lamps;
    expect(second.nodes).toHaveLength(1);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect([...first.nodes, ...second.nodes].map((l: any) => l.id).sort()).toEqual([...ids].sort());
    const bad = await api.graphql(query, { after: 'not a cursor' });
    expect(bad.errors?.[0]?.message).toMatch(/after|cursor/i);
  });
});

describe('the adapter endpoint', () => {
  it('serves the adapter operations to ADAPTER credentials only', async () => {
    const running = startApi();
    const port = await running.started;
    try {
      const ask = async (path: string, authorization: string) => {
        const response = await fetch(`http://127.0.0.1:${port}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization },
          body: JSON.stringify({ query: '{ __schema { mutationType { fields { name } } subscriptionType { fields { name } } } }' }),
        });
        const text = await response.text();
        return { status: response.status, text, body: text.startsWith('{') ? JSON.parse(text) : null };
      };
      const adapter = await ask('/adapter/graphql', `Bearer ${ADAPTER_TOKEN}`);
      const mutations = adapter.body.data.__schema.mutationType.fields.map((f: any) => f.name);
      expect(mutations).toEqual(
        expect.arrayContaining([
          'admitLamp',
          'admitLamps',
          'syncLamps',
          'reportLampDisconnected',
          'reportLampsSeen',
          'reportLampDebugMessage',
          'confirmLampCommand',
        ]),
      );
      expect(adapter.body.data.__schema.subscriptionType.fields.map((f: any) => f.name)).toEqual(
        expect.arrayContaining(['roomFrames', 'lampCommands']),
      );
      expect(mutations).not.toContain('setColor');

      // Anyone else is refused before the operation is read: not even the schema's shape shows.
      const admin = await ask('/adapter/graphql', AS_ADMIN.authorization);
      expect(admin.status).toBe(403);
      expect(admin.text).not.toContain('admitLamp');

      const publicAdmit = await ask('/graphql', `Bearer ${ADAPTER_TOKEN}`);
      expect(publicAdmit.text).not.toContain('admitLamp');
    } finally {
      await running.stop();
    }
  });
});
