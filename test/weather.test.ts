import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ManualClock } from './support/clock.js';
import { graphql, graphqlData, subscribe, wsClient } from './support/graphql.js';
import { currentWeather, OpenWeatherMapStandIn, OWM_ERRORS } from './support/openweathermap-stand-in.js';
import { startSystem, temporaryDataDir, waitUntil, type RunningSystem } from './support/system.js';

const SUNRISE = new Date('2026-11-21T06:34:00Z');
const SUNSET = new Date('2026-11-21T15:43:00Z');
const NOON = new Date('2026-11-21T11:00:00Z');
const MINUTE = 60_000;
const FAST = { retryBaseMs: 40, recomputeEveryMs: 20, timeoutMs: 300 };
const WEATHER = `{ weather { display { state intensity } frame report { conditionId description temperature cloudiness sunrise sunset placeName cityId }
  source { state message consecutiveFailures nextAttemptAt apiKeyConfigured intervalSeconds place { cityId city lat lon } } } }`;

const standIn = OpenWeatherMapStandIn.forEachTest();

const running: RunningSystem[] = [];
afterEach(async () => {
  for (const system of running.splice(0)) await system.stop();
});

async function start(options: Parameters<typeof startSystem>[0] = {}, clock = new ManualClock(NOON)) {
  const system = await startSystem({
    clock,
    weather: { apiKey: 'test-key', place: { kind: 'city-id', cityId: 2657896 }, baseUrl: standIn.url, intervalMs: 60_000 },
    weatherTiming: FAST,
    ...options,
  });
  running.push(system);
  return { system, clock };
}

async function weather(system: RunningSystem) {
  return (await graphqlData(system.http, WEATHER)).weather;
}

async function untilWeather(system: RunningSystem, check: (w: any) => boolean, what: string) {
  const deadline = Date.now() + 5000;
  for (;;) {
    const current = await weather(system);
    if (check(current)) return current;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(current)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('fetching the weather', () => {
  it('fetches for the configured place, maps the report, and drives weather mode', async () => {
    const { system, clock } = await start();
    const w = await untilWeather(system, (w) => w.report !== null, 'a report');
    expect(standIn.requests[0]?.searchParams.get('id')).toBe('2657896');
    expect(standIn.requests[0]?.searchParams.get('appid')).toBe('test-key');
    expect(w.report).toMatchObject({
      conditionId: 501,
      description: 'moderate rain',
      temperature: 8.75,
      cloudiness: 90,
      placeName: 'Zurich',
      cityId: 2657896,
    });
    expect(w.display).toEqual({ state: 5, intensity: 5 });
    expect(w.source).toMatchObject({ state: 'OK', message: null, apiKeyConfigured: true, intervalSeconds: 60 });

    const { lamp } = await system.lamp();
    const { setMode } = await graphqlData(system.http, 'mutation { setMode(mode: WEATHER) { frame weather { state intensity } } }');
    expect(setMode).toEqual({ frame: '[cc:1:5:5]', weather: { state: 5, intensity: 5 } });
    expect(await lamp.next()).toBe('[cc:1:5:5]');
    // Recomputing every 20 ms sends nothing while nothing changes: after ten recomputes (each
    // reads the clock) the state is the same revision, and the next packet is a change made now.
    const display = system.system.api.services.roomDisplays;
    const { revision } = display.find('home')!;
    const reads = clock.reads;
    await waitUntil(() => clock.reads >= reads + 10, 5000, 'ten recomputes');
    expect(display.find('home')!.revision).toBe(revision);
    await graphqlData(system.http, 'mutation { setMode(mode: OFF) { frame } }');
    expect(await lamp.next()).toBe('[cc:0:?:?]');
    lamp.close();
  });

  it.each([
    [{ kind: 'city-name' as const, city: 'Zurich,CH' }, { q: 'Zurich,CH' }],
    [
      { kind: 'coordinates' as const, lat: 47.37, lon: 8.54 },
      { lat: '47.37', lon: '8.54' },
    ],
  ])('asks for a place given as %j', async (place, expected) => {
    const { system } = await start({ weather: { apiKey: 'k', place, baseUrl: standIn.url } });
    await untilWeather(system, (w) => w.report !== null, 'a report');
    for (const [name, value] of Object.entries(expected)) expect(standIn.requests[0]?.searchParams.get(name)).toBe(value);
  });

  it('uses cloudiness for cloudy skies', async () => {
    standIn.reply = { kind: 'weather', body: currentWeather({ id: 803, description: 'broken clouds', clouds: 62 }) };
    const { system } = await start();
    const w = await untilWeather(system, (w) => w.report !== null, 'a report');
    expect(w.display).toEqual({ state: 4, intensity: 7 });
    expect(w.frame).toBe('[cc:1:4:7]');
  });

  it('sends a lamp the sunrise ramp as the clock moves into, through and out of it', async () => {
    standIn.reply = { kind: 'weather', body: currentWeather({ id: 800, sunrise: SUNRISE, sunset: SUNSET }) };
    const clock = new ManualClock(new Date(SUNRISE.getTime() - 41 * MINUTE));
    const { system } = await start({}, clock);
    await untilWeather(system, (w) => w.report !== null, 'a report');
    await graphqlData(system.http, 'mutation { setMode(mode: WEATHER) { frame } }');
    const { lamp } = await system.lamp();
    expect(lamp.received).toContain('[cc:1:3:9]');

    clock.set(new Date(SUNRISE.getTime() - 40 * MINUTE));
    expect(await lamp.next()).toBe('[cc:1:1:0]');
    clock.set(new Date(SUNRISE.getTime() - 20 * MINUTE));
    expect(await lamp.next()).toBe('[cc:1:1:5]');
    clock.set(new Date(SUNRISE.getTime() - 1000));
    expect(await lamp.next()).toBe('[cc:1:1:10]');
    clock.set(SUNRISE);
    expect(await lamp.next()).toBe('[cc:1:3:9]');
    lamp.close();
  });

  it('sends a lamp the sunset ramp, and nothing while weather mode is off', async () => {
    standIn.reply = { kind: 'weather', body: currentWeather({ id: 501, sunrise: SUNRISE, sunset: SUNSET }) };
    const clock = new ManualClock(new Date(SUNSET.getTime() - MINUTE));
    const { system } = await start({}, clock);
    await untilWeather(system, (w) => w.report !== null, 'a report');
    const { lamp, packet } = await system.lamp();
    expect(packet).toBe('[cc:0:?:?]');
    clock.set(SUNSET);
    await untilWeather(system, (w) => w.display.state === 2, 'the sunset ramp');

    // The packet of switching weather mode on is the first the lamp gets since the ramp began.
    await graphqlData(system.http, 'mutation { setMode(mode: WEATHER) { frame } }');
    expect(await lamp.next()).toBe('[cc:1:2:0]');
    clock.set(new Date(SUNSET.getTime() + 20 * MINUTE));
    expect(await lamp.next()).toBe('[cc:1:2:5]');
    clock.set(new Date(SUNSET.getTime() + 40 * MINUTE - 1));
    expect(await lamp.next()).toBe('[cc:1:2:10]');
    clock.set(new Date(SUNSET.getTime() + 40 * MINUTE));
    expect(await lamp.next()).toBe('[cc:1:5:5]');
    lamp.close();
  });

  it('streams weather changes to subscribers', async () => {
    const { system } = await start();
    const client = wsClient(system.http);
    const updates = subscribe(client, 'subscription { weather { report { conditionId } source { state } } }');
    let update = await updates.next();
    while (update.weather.report?.conditionId !== 501) update = await updates.next();
    standIn.reply = { kind: 'weather', body: currentWeather({ id: 600, description: 'light snow' }) };
    await graphqlData(system.http, 'mutation { refreshWeather { report { conditionId } } }');
    while (update.weather.report?.conditionId !== 600) update = await updates.next();
    expect(update.weather.source.state).toBe('OK');
    updates.stop();
    await client.dispose();
  });
});

describe('bad weather from outside', () => {
  const refusedUrl = async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return `http://127.0.0.1:${port}`;
  };

  it.each([
    ['a wrong key', { kind: 'error', status: 401, body: OWM_ERRORS.invalidKey }, /refused the API key \(401\): Invalid API key/],
    ['an unknown city', { kind: 'error', status: 404, body: OWM_ERRORS.cityNotFound }, /does not know this place \(404\): city not found/],
    ['a rate limit', { kind: 'error', status: 429, body: OWM_ERRORS.rateLimited }, /rate limiting this key \(429\)/],
    ['a server error', { kind: 'raw', status: 502, contentType: 'text/html', text: '<html>bad gateway</html>' }, /answered 502/],
    ['a timeout', { kind: 'hang' }, /did not answer within/],
    ['a reply that is not JSON', { kind: 'raw', status: 200, contentType: 'text/html', text: '<html>captive portal</html>' }, /not JSON/],
    [
      'JSON of the wrong shape',
      { kind: 'raw', status: 200, contentType: 'application/json', text: '{"weather":[],"main":{}}' },
      /unexpected shape: weather/,
    ],
  ] as const)('%s keeps the last good weather, reports it, and retries with backoff', async (_name, reply, message) => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }));
    const { system } = await start({ logger });
    const good = await untilWeather(system, (w) => w.report !== null, 'a first report');
    await graphqlData(system.http, 'mutation { setMode(mode: WEATHER) { frame } }');

    standIn.reply = reply;
    const failed = await graphqlData(system.http, `mutation { refreshWeather { source { state message } } }`);
    expect(failed.refreshWeather.source).toMatchObject({ state: 'FAILING', message: expect.stringMatching(message) });
    const retried = await untilWeather(system, (w) => w.source.consecutiveFailures >= 3, 'retries');
    expect(retried.report).toEqual(good.report);
    expect(retried.display).toEqual(good.display);
    expect((await graphqlData(system.http, '{ displayState { frame } }')).displayState.frame).toBe('[cc:1:5:5]');
    expect(Date.parse(retried.source.nextAttemptAt)).toBeGreaterThanOrEqual(Date.parse(NOON.toISOString()));
    // One warning for the whole run of identical failures, and no secret in it.
    const warnings = lines.filter((l) => l.includes('"level":40') && l.includes('weather'));
    expect(warnings.length).toBe(1);
    expect(lines.join('')).not.toContain('test-key');

    standIn.reply = { kind: 'weather', body: currentWeather({ id: 804, clouds: 100 }) };
    const recovered = await untilWeather(system, (w) => w.source.state === 'OK' && w.report.conditionId === 804, 'recovery');
    expect(recovered.display).toEqual({ state: 4, intensity: 10 });
  });

  it('a refused connection is reported the same way', async () => {
    const { system } = await start({ weather: { apiKey: 'k', place: { kind: 'city-id', cityId: 1 }, baseUrl: await refusedUrl() } });
    const w = await untilWeather(system, (w) => w.source.state === 'FAILING', 'a failure');
    expect(w.source.message).toMatch(/cannot reach 127\.0\.0\.1:\d+: ECONNREFUSED/);
    expect(w.display).toEqual({ state: 3, intensity: 9 });
  });
});

describe('without a weather source', () => {
  it('shows clear sky at 9 and says nothing is configured', async () => {
    const { system } = await start({ weather: {} });
    const w = await weather(system);
    expect(w.source).toMatchObject({ state: 'NOT_CONFIGURED', apiKeyConfigured: false });
    expect(w.source.message).toMatch(/no weather source is configured/);
    expect(w.report).toBeNull();
    expect((await graphqlData(system.http, 'mutation { setMode(mode: WEATHER) { frame } }')).setMode.frame).toBe('[cc:1:3:9]');
    expect(standIn.requests).toEqual([]);
  });
});

describe('settings at run time', () => {
  it('an admin configures the source through the API; settings and the last report survive a restart', async () => {
    const data = temporaryDataDir();
    const first = await start({ weather: {}, databaseFile: data.databaseFile });
    const configured = await graphqlData(
      first.system.http,
      `mutation($s: WeatherSettingsInput!) { configureWeather(settings: $s) { report { placeName } source { state place { city } intervalSeconds } } }`,
      { s: { apiKey: 'runtime-key', place: { city: 'Zurich' }, intervalSeconds: 900, baseUrl: standIn.url } },
    );
    expect(configured.configureWeather).toEqual({
      report: { placeName: 'Zurich' },
      source: { state: 'OK', place: { city: 'Zurich' }, intervalSeconds: 900 },
    });
    expect(standIn.requests.at(-1)?.searchParams.get('appid')).toBe('runtime-key');
    await first.system.stop({ keepData: true });
    running.splice(running.indexOf(first.system), 1);

    // OpenWeatherMap is down after the restart: the kept report is shown at once.
    standIn.reply = { kind: 'hang' };
    const second = await start({ weather: {}, databaseFile: data.databaseFile });
    const w = await weather(second.system);
    expect(w.report.placeName).toBe('Zurich');
    expect(w.source).toMatchObject({ apiKeyConfigured: true, place: { city: 'Zurich' }, intervalSeconds: 900 });
    expect((await graphqlData(second.system.http, 'mutation { setMode(mode: WEATHER) { frame } }')).setMode.frame).toBe('[cc:1:5:5]');
    await second.system.stop({ keepData: true });
    running.splice(running.indexOf(second.system), 1);
    data.remove();
  });

  it('lets only admins change settings', async () => {
    const { system } = await start();
    const { createApiToken } = await graphqlData(system.http, 'mutation { createApiToken(name: "d", scope: READ_ONLY) { token } }');
    const result = await graphql(system.http, 'mutation { configureWeather(settings: { place: { city: "Bern" } }) { frame } }', undefined, {
      authorization: `Bearer ${createApiToken.token}`,
    });
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('weatherPreview', () => {
  it('shows what a condition would look like, ramps included', async () => {
    standIn.reply = { kind: 'weather', body: currentWeather({ sunrise: SUNRISE, sunset: SUNSET }) };
    const { system } = await start();
    await untilWeather(system, (w) => w.report !== null, 'a report');
    const preview = async (args: string) =>
      (await graphqlData(system.http, `{ weatherPreview(${args}) { state intensity frame } }`)).weatherPreview;
    expect(await preview('conditionId: 211')).toEqual({ state: 6, intensity: 5, frame: '[cc:1:6:5]' });
    expect(await preview('conditionId: 804, cloudiness: 45')).toEqual({ state: 4, intensity: 5, frame: '[cc:1:4:5]' });
    expect(await preview(`conditionId: 800, at: "${new Date(SUNSET.getTime() + 10 * MINUTE).toISOString()}"`)).toEqual({
      state: 2,
      intensity: 2.5,
      frame: '[cc:1:2:2.5]',
    });
  });
});
