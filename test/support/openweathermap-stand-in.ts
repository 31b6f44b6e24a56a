import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll } from 'vitest';

/** How the stand-in answers the next requests. */
export type StandInReply =
  | { kind: 'weather'; body: Record<string, unknown> }
  | { kind: 'error'; status: number; body: Record<string, unknown> }
  | { kind: 'raw'; status: number; contentType: string; text: string }
  | { kind: 'hang' };

/**
 * A local HTTP server that answers `/data/2.5/weather` the way OpenWeatherMap does, with real
 * reply shapes, so the weather source is tested over real HTTP without the internet.
 */
export class OpenWeatherMapStandIn {
  readonly requests: URL[] = [];
  reply: StandInReply = { kind: 'weather', body: currentWeather() };
  readonly #server: Server;
  readonly #hanging = new Set<IncomingMessage>();

  private constructor() {
    this.#server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://stand-in');
      this.requests.push(url);
      if (url.pathname !== '/data/2.5/weather') {
        response.writeHead(404, { 'content-type': 'application/json' }).end('{"cod":"404","message":"Internal error"}');
        return;
      }
      const reply = this.reply;
      switch (reply.kind) {
        case 'weather':
          response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(reply.body));
          return;
        case 'error':
          response.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(reply.body));
          return;
        case 'raw':
          response.writeHead(reply.status, { 'content-type': reply.contentType }).end(reply.text);
          return;
        case 'hang':
          this.#hanging.add(request);
          return;
      }
    });
  }

  static async start(): Promise<OpenWeatherMapStandIn> {
    const standIn = new OpenWeatherMapStandIn();
    await standIn.#listen();
    return standIn;
  }

  /**
   * For one file of tests: a stand-in listening from before its first test to after its last,
   * back to a good reply and no requests seen after each test.
   */
  static forEachTest(): OpenWeatherMapStandIn {
    const standIn = new OpenWeatherMapStandIn();
    beforeAll(() => standIn.#listen());
    afterEach(() => {
      standIn.reply = { kind: 'weather', body: currentWeather() };
      standIn.requests.length = 0;
    });
    afterAll(() => standIn.stop());
    return standIn;
  }

  #listen(): Promise<void> {
    return new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/** The error bodies OpenWeatherMap sends (note `cod` is a number in one, a string in the other). */
export const OWM_ERRORS = {
  invalidKey: { cod: 401, message: 'Invalid API key. Please see https://openweathermap.org/faq#error401 for more info.' },
  cityNotFound: { cod: '404', message: 'city not found' },
  rateLimited: {
    cod: 429,
    message: 'Your account is temporary blocked due to exceeding of requests limitation of your subscription type.',
  },
};

/**
 * A current-weather reply in OpenWeatherMap's documented shape (default units: kelvin), based
 * on a real reply for Zurich; `overrides` change the condition, clouds and sun times.
 */
export function currentWeather(
  overrides: { id?: number; description?: string; clouds?: number; sunrise?: Date; sunset?: Date; tempKelvin?: number } = {},
) {
  return {
    coord: { lon: 8.5417, lat: 47.3769 },
    weather: [{ id: overrides.id ?? 501, main: 'Rain', description: overrides.description ?? 'moderate rain', icon: '10d' }],
    base: 'stations',
    main: {
      temp: overrides.tempKelvin ?? 281.9,
      feels_like: 279.6,
      temp_min: 280.9,
      temp_max: 283.1,
      pressure: 1009,
      humidity: 87,
      sea_level: 1009,
      grnd_level: 955,
    },
    visibility: 10000,
    wind: { speed: 4.12, deg: 240, gust: 8.2 },
    rain: { '1h': 1.35 },
    clouds: { all: overrides.clouds ?? 90 },
    dt: 1763712000,
    sys: {
      type: 2,
      id: 2019346,
      country: 'CH',
      sunrise: Math.floor((overrides.sunrise?.getTime() ?? 1763706840000) / 1000),
      sunset: Math.floor((overrides.sunset?.getTime() ?? 1763739780000) / 1000),
    },
    timezone: 3600,
    id: 2657896,
    name: 'Zurich',
    cod: 200,
  };
}
