import { LampCloseCode } from '@cloud-cloud/protocol/close-codes';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from './support/clock.js';
import { graphql, graphqlData } from './support/graphql.js';
import { TestLamp } from './support/lamp.js';
import { OpenWeatherMapStandIn, OWM_ERRORS } from './support/openweathermap-stand-in.js';
import { DEVICE_SECRET, startSystem, temporaryDataDir, type RunningSystem } from './support/system.js';

/*
 * What the web UI's Settings view needs from the API: trying weather settings without saving
 * them, and seeing and rotating the shared device secret. Admin only.
 */

const NOON = new Date('2026-11-21T11:00:00Z');
const TEST_WEATHER = `mutation($settings: WeatherSettingsInput!) { testWeatherSettings(settings: $settings) {
  ok error display { state intensity frame } report { description placeName country } } }`;
const SOURCE = '{ weather { report { placeName } source { apiKeyConfigured place { city cityId } } } }';

const standIn = OpenWeatherMapStandIn.forEachTest();

const running: RunningSystem[] = [];
afterEach(async () => {
  for (const system of running.splice(0)) await system.stop();
});

async function start(options: Parameters<typeof startSystem>[0] = {}): Promise<RunningSystem> {
  const system = await startSystem({ clock: new ManualClock(NOON), weather: { baseUrl: standIn.url }, ...options });
  running.push(system);
  return system;
}

async function readOnlyToken(system: RunningSystem): Promise<Record<string, string>> {
  const { createApiToken } = await graphqlData(system.http, 'mutation { createApiToken(name: "wall", scope: READ_ONLY) { token } }');
  return { authorization: `Bearer ${createApiToken.token}` };
}

describe('testWeatherSettings', () => {
  it('fetches once with the entered settings and answers with the place and condition, saving nothing', async () => {
    const system = await start();
    const { testWeatherSettings } = await graphqlData(system.http, TEST_WEATHER, {
      settings: { apiKey: 'entered-key', place: { city: 'Zurich,CH' } },
    });
    expect(testWeatherSettings).toEqual({
      ok: true,
      error: null,
      display: { state: 5, intensity: 5, frame: '[cc:1:5:5]' },
      report: { description: 'moderate rain', placeName: 'Zurich', country: 'CH' },
    });
    expect(standIn.requests).toHaveLength(1);
    expect(standIn.requests[0]!.searchParams.get('appid')).toBe('entered-key');
    expect(standIn.requests[0]!.searchParams.get('q')).toBe('Zurich,CH');
    // Nothing kept: no key, no place, no report.
    const { weather } = await graphqlData(system.http, SOURCE);
    expect(weather).toEqual({ report: null, source: { apiKeyConfigured: false, place: null } });
  });

  it("uses the saved key when none is entered, and gives OpenWeatherMap's refusal in words", async () => {
    const system = await start({ weather: { baseUrl: standIn.url, apiKey: 'saved-key' } });
    standIn.reply = { kind: 'error', status: 404, body: OWM_ERRORS.cityNotFound };
    const { testWeatherSettings } = await graphqlData(system.http, TEST_WEATHER, { settings: { place: { city: 'Atlantis' } } });
    expect(testWeatherSettings.ok).toBe(false);
    expect(testWeatherSettings.report).toBeNull();
    expect(testWeatherSettings.error).toMatch(/not found|unknown/i);
    expect(standIn.requests[0]!.searchParams.get('appid')).toBe('saved-key');

    standIn.reply = { kind: 'error', status: 401, body: OWM_ERRORS.invalidKey };
    const refused = (await graphqlData(system.http, TEST_WEATHER, { settings: { apiKey: 'wrong', place: { cityId: 2657896 } } }))
      .testWeatherSettings;
    expect(refused.error).toContain('401');
  });

  it('says what is missing, and refuses bad input naming the field', async () => {
    const system = await start();
    const missing = (await graphqlData(system.http, TEST_WEATHER, { settings: { place: { city: 'Zurich' } } })).testWeatherSettings;
    expect(missing).toMatchObject({ ok: false, error: expect.stringContaining('no API key') });
    expect(standIn.requests).toHaveLength(0);

    const bad = await graphql(system.http, TEST_WEATHER, { settings: { apiKey: 'k', place: { coordinates: { lat: 91, lon: 8 } } } });
    expect(bad.errors?.[0]).toMatchObject({
      message: expect.stringContaining('settings.place.coordinates.lat'),
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  it('is for admins only', async () => {
    const system = await start();
    const answer = await graphql(
      system.http,
      TEST_WEATHER,
      { settings: { apiKey: 'k', place: { city: 'Zurich' } } },
      await readOnlyToken(system),
    );
    expect(answer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(standIn.requests).toHaveLength(0);
  });
});

describe('the shared device secret', () => {
  const SECRET = '{ deviceSecret { secret source rotatable } }';
  const ROTATE = 'mutation { rotateDeviceSecret { secret source rotatable } }';

  it('is shown to admins only', async () => {
    const system = await start({ deviceSecret: undefined });
    const { deviceSecret } = await graphqlData(system.http, SECRET);
    expect(deviceSecret).toEqual({ secret: system.system.api.deviceSecret.value, source: 'GENERATED', rotatable: true });
    const readOnly = await readOnlyToken(system);
    for (const query of [SECRET, ROTATE]) {
      const answer = await graphql(system.http, query, undefined, readOnly);
      expect(answer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(answer.data ?? null).toBeNull();
    }
    expect((await graphqlData(system.http, SECRET)).deviceSecret.secret).toBe(deviceSecret.secret);
  });

  it('rotates: new lamps need the new one, lamps on the old one are closed, registered lamps stay, and it survives a restart', async () => {
    const data = temporaryDataDir();
    try {
      const system = await startSystem({ databaseFile: data.databaseFile, deviceSecret: undefined });
      const old = system.system.api.deviceSecret.value;
      const { registerLamp } = await graphqlData(system.http, 'mutation { registerLamp(name: "bedroom") { secret } }');
      const { lamp: onOldSecret } = await TestLamp.handshake(system.device, old);
      const { lamp: ownSecret } = await TestLamp.handshake(system.device, registerLamp.secret);

      const { rotateDeviceSecret } = await graphqlData(system.http, ROTATE);
      expect(rotateDeviceSecret).toMatchObject({ source: 'STORED', rotatable: true });
      expect(rotateDeviceSecret.secret).not.toBe(old);
      expect(rotateDeviceSecret.secret.length).toBeGreaterThanOrEqual(20);

      expect((await onOldSecret.closed).code).toBe(LampCloseCode.Revoked);
      const refused = await TestLamp.connect(system.device);
      refused.send(old);
      expect((await refused.closed).code).toBe(LampCloseCode.Unauthorized);
      const { lamp: onNewSecret } = await TestLamp.handshake(system.device, rotateDeviceSecret.secret);
      // The lamp with its own secret kept its connection: it still gets every change.
      await graphqlData(system.http, 'mutation { setColor(color: { hex: "#102030" }) { frame } }');
      await ownSecret.waitFor('[cc:2:16,32,48:0]');
      await onNewSecret.waitFor('[cc:2:16,32,48:0]');
      onNewSecret.close();
      ownSecret.close();
      await system.stop({ keepData: true });

      const again = await startSystem({ databaseFile: data.databaseFile, deviceSecret: undefined });
      running.push(again);
      expect(again.system.api.deviceSecret).toEqual({ value: rotateDeviceSecret.secret, source: 'stored' });
    } finally {
      data.remove();
    }
  });

  it('is refused, naming the variable, while CC_DEVICE_SECRET sets it', async () => {
    const system = await start({ deviceSecret: DEVICE_SECRET });
    expect((await graphqlData(system.http, SECRET)).deviceSecret).toEqual({
      secret: DEVICE_SECRET,
      source: 'CONFIGURED',
      rotatable: false,
    });
    const answer = await graphql(system.http, ROTATE);
    expect(answer.errors?.[0]).toMatchObject({
      message: expect.stringContaining('CC_DEVICE_SECRET'),
      extensions: { code: 'FAILED_PRECONDITION' },
    });
    const { lamp } = await TestLamp.handshake(system.device, DEVICE_SECRET);
    lamp.close();
  });
});
