import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcessApi, type InProcessApi } from './support/in-process.js';

/*
 * Arguments the API refuses, checked in-process: each refusal is decided before anything
 * reaches a socket, so no port is needed to see it.
 */

let server: InProcessApi;
beforeAll(() => {
  server = inProcessApi();
});
afterAll(() => server.close());

const STATE = 'mode color { r g b hex } pulse weather { state intensity } frame updatedAt';

async function state() {
  return (await server.graphql(`{ displayState { ${STATE} } }`)).data!.displayState;
}

describe('display changes', () => {
  it.each([
    ['setColor', 'color: { r: 256, g: 0, b: 0 }', 'color.r', '0-255'],
    ['setColor', 'color: { r: 0, g: -1, b: 0 }', 'color.g', '0-255'],
    ['setColor', 'color: { r: 0, g: 0 }', 'color.b', '0-255'],
    ['setColor', 'color: { hex: "#zzz" }', 'color.hex', '#rrggbb'],
    ['setColor', 'color: { hex: "#ff00ff", r: 1, g: 2, b: 3 }', 'color', undefined],
    ['setColor', 'color: {}', 'color', undefined],
    ['setPulse', 'pulse: 12', 'pulse', '0-9'],
    ['setPulse', 'pulse: -1', 'pulse', '0-9'],
  ])('%s(%s) is an error naming %s, and nothing changes', async (field, args, argument, allowed) => {
    const before = await state();
    const revision = server.api.services.roomDisplays.find('home')!.revision;
    const result = await server.graphql(`mutation { ${field}(${args}) { ${STATE} } }`);
    expect(result.data).toBeNull();
    const [error] = result.errors ?? [];
    expect(error?.message).toMatch(new RegExp(`^${argument.replace('.', '\\.')}: `));
    expect(error?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
    if (allowed) {
      expect(error?.extensions?.allowed).toBe(allowed);
      expect(error?.message).toContain(allowed.startsWith('#') ? 'like #' : allowed.replace('-', ' to '));
    }
    expect(await state()).toEqual(before);
    expect(server.api.services.roomDisplays.find('home')!.revision).toBe(revision);
  });

  it('rejects values of the wrong type before running anything', async () => {
    const result = await server.graphql('mutation { setMode(mode: BLINK) { frame } }');
    expect(result.errors?.[0]?.message).toContain('BLINK');
  });
});

describe('commands', () => {
  const SEND =
    'mutation($c: DeviceCommand!, $ids: [ID!], $room: ID) { sendCommand(command: $c, lampIds: $ids, roomId: $room) { lampsReached } }';

  it('rejects an unknown command', async () => {
    const result = await server.graphql(SEND, { c: 'EXPLODE' });
    expect(result.errors?.[0]?.message).toContain('EXPLODE');
  });

  it('names a lamp id that does not exist, a room that does not exist, and both given at once', async () => {
    const unknown = await server.graphql(SEND, { c: 'RESET', ids: ['nope'] });
    expect(unknown.errors?.[0]).toMatchObject({
      message: 'lampIds: no lamp with id nope',
      extensions: { code: 'BAD_USER_INPUT', argument: 'lampIds' },
    });
    const empty = await server.graphql(SEND, { c: 'RESET', ids: [] });
    expect(empty.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'lampIds' });
    const noRoom = await server.graphql(SEND, { c: 'RESET', room: 'room-nope' });
    expect(noRoom.errors?.[0]).toMatchObject({
      message: 'roomId: no room with id room-nope',
      extensions: { code: 'BAD_USER_INPUT', argument: 'roomId' },
    });
    const both = await server.graphql(SEND, { c: 'RESET', room: 'home', ids: ['nope'] });
    expect(both.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'lampIds' });
  });
});

describe('lamps', () => {
  it('refuses a name another lamp has', async () => {
    expect((await server.graphql('mutation { registerLamp(name: "hall") { secret } }')).errors).toBeUndefined();
    const duplicate = await server.graphql('mutation { registerLamp(name: "hall") { secret } }');
    expect(duplicate.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'name' });
  });
});

describe('weather', () => {
  it.each([
    [{ place: { coordinates: { lat: 91, lon: 8 } } }, 'settings.place.coordinates.lat'],
    [{ place: { coordinates: { lat: 47, lon: 181 } } }, 'settings.place.coordinates.lon'],
    [{ place: { city: ' ' } }, 'settings.place.city'],
    [{ place: { cityId: 0 } }, 'settings.place.cityId'],
    [{ intervalSeconds: 5 }, 'settings.intervalSeconds'],
    [{ baseUrl: 'ftp://example.org' }, 'settings.baseUrl'],
  ])('configureWeather refuses %j, naming %s', async (settings, argument) => {
    const result = await server.graphql('mutation($s: WeatherSettingsInput!) { configureWeather(settings: $s) { frame } }', {
      s: settings,
    });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
  });

  it.each([[{ place: { cityId: 1, city: 'Zurich' } }], [{ place: { coordinates: { lat: 47 } } }], [{ place: {} }], [{ lat: 47, lon: 8 }]])(
    'the schema itself refuses a place that is not exactly one of cityId, city, coordinates: %j',
    async (settings) => {
      const result = await server.graphql('mutation($s: WeatherSettingsInput!) { configureWeather(settings: $s) { frame } }', {
        s: settings,
      });
      expect(result.data ?? null).toBeNull();
      expect(result.errors?.[0]?.message).toMatch(/WeatherPlaceInput|CoordinatesInput|WeatherSettingsInput|"lon"/);
    },
  );

  it('weatherPreview refuses a cloudiness over 100', async () => {
    const bad = await server.graphql('{ weatherPreview(conditionId: 800, cloudiness: 140) { state } }');
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'cloudiness' });
  });
});

describe('firmware', () => {
  it('bounds the page size of lampFirmware', async () => {
    const tooMany = await server.graphql('{ lampFirmware(first: 501) { nodes { mac } } }');
    expect(tooMany.errors?.[0]).toMatchObject({
      message: 'first: must be an integer from 1 to 500, got 501',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });
});
