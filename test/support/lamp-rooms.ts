import { graphqlData } from './graphql.js';
import { TestLamp } from './lamp.js';
import { DEVICE_SECRET } from './system.js';

/** Everything a test may want to see of a `Lamp`. */
export const LAMP_FIELDS = `id name roomId room { id name } identity weakIdentity hasOwnSecret online statusSince lastSeenAt
  address mac firmwareVersion createdAt revokedAt connection { id remoteAddress connectedAt lastSeenAt }`;

export interface LampDial {
  /** The handshake secret; the shared device secret when omitted. */
  secret?: string;
  /** Sent as `?mac=` in the connection URL, as firmware that names itself does. */
  mac?: string;
  /** Sent as `&version=`. */
  version?: string;
  /** Any other query string, as is (for malformed values). */
  query?: string;
  /** Another loopback address (127.0.0.2, …) standing for another machine on the network. */
  from?: string;
}

/** The URL path a lamp connects to, with what it says about itself. */
function lampPath(dial: LampDial): string {
  const params = new URLSearchParams();
  if (dial.mac !== undefined) params.set('mac', dial.mac);
  if (dial.version !== undefined) params.set('version', dial.version);
  const query = [params.toString(), dial.query ?? ''].filter(Boolean).join('&');
  return query ? `/?${query}` : '/';
}

/** Opens a raw lamp connection that may name itself in the URL and come from another address. */
export function dialLamp(port: number, dial: LampDial = {}): Promise<TestLamp> {
  return TestLamp.connect(port, { path: lampPath(dial), from: dial.from });
}

/** Dials, sends the secret and expects `ok` then a display packet, which it returns. */
export async function connectLamp(port: number, dial: LampDial = {}): Promise<{ lamp: TestLamp; packet: string }> {
  const lamp = await dialLamp(port, dial);
  lamp.send(dial.secret ?? DEVICE_SECRET);
  const ok = await lamp.next();
  if (ok !== 'ok') throw new Error(`expected ok, got ${ok}`);
  return { lamp, packet: await lamp.next() };
}

/** Closes a lamp's socket and waits until it is closed on both ends. */
export async function hangUp(lamp: TestLamp): Promise<void> {
  lamp.close();
  await lamp.closed;
}

export async function lampById(http: number, lampId: string): Promise<any> {
  return (await graphqlData(http, `query($lampId: ID!) { lamp(lampId: $lampId) { ${LAMP_FIELDS} } }`, { lampId })).lamp;
}

/** Every lamp the API lists (all pages of 100). */
export async function allLamps(http: number): Promise<any[]> {
  const lamps: any[] = [];
  let after: string | null = null;
  for (;;) {
    const page: any = (
      await graphqlData(
        http,
        `query($after: String) { lamps(first: 100, after: $after) { nodes { ${LAMP_FIELDS} } pageInfo { hasNextPage endCursor } } }`,
        {
          after,
        },
      )
    ).lamps;
    lamps.push(...page.nodes);
    if (!page.pageInfo.hasNextPage) return lamps;
    after = page.pageInfo.endCursor;
  }
}

/** Polls the API until a lamp satisfies `condition` (the adapter reports disconnects on its own time). */
export async function lampWhen(http: number, find: (lamp: any) => boolean, what: string, timeoutMs = 5000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await allLamps(http)).find(find);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; lamps: ${JSON.stringify(await allLamps(http))}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Waits until the lamp with this id is listed offline, and returns it. */
export function offline(http: number, lampId: string): Promise<any> {
  return lampWhen(http, (lamp) => lamp.id === lampId && lamp.online === false, `lamp ${lampId} to go offline`);
}

export async function createRoom(http: number, name: string): Promise<{ id: string; name: string; position: number }> {
  return (await graphqlData(http, 'mutation($name: String!) { createRoom(name: $name) { id name position } }', { name })).createRoom;
}

export async function moveLamp(http: number, lampId: string, roomId: string): Promise<any> {
  return (
    await graphqlData(http, `mutation($lampId: ID!, $roomId: ID!) { moveLamp(lampId: $lampId, roomId: $roomId) { ${LAMP_FIELDS} } }`, {
      lampId,
      roomId,
    })
  ).moveLamp;
}

/** Sets a room's colour (the default room's when `roomId` is null) and returns the frame its lamps get. */
export async function setRoomColor(http: number, roomId: string | null, hex: string): Promise<string> {
  return (
    await graphqlData(http, 'mutation($color: ColorInput!, $roomId: ID) { setColor(color: $color, roomId: $roomId) { frame } }', {
      color: { hex },
      roomId,
    })
  ).setColor.frame;
}
