import type { IncomingMessage } from 'node:http';
import { parse as parseCookies } from 'cookie';
import { SESSION_COOKIE } from '../access/session-cookie.js';
import type { RequestOrigin } from '../context.js';

/**
 * The client's address and scheme. Behind a reverse proxy (`trustProxy`) they come from the
 * proxy's `X-Forwarded-For` (its last entry, the one the proxy added) and `X-Forwarded-Proto`.
 */
export function requestOrigin(request: IncomingMessage, trustProxy: boolean): RequestOrigin {
  const direct = stripMappedIpv4(request.socket.remoteAddress ?? 'unknown');
  if (!trustProxy) return { remoteAddress: direct, secure: false };
  const forwardedFor = headerValue(request, 'x-forwarded-for')?.split(',').at(-1)?.trim();
  const proto = headerValue(request, 'x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  return { remoteAddress: forwardedFor || direct, secure: proto === 'https' };
}

/**
 * The session cookie's value, when it counts: browsers send cookies with requests and WebSocket
 * handshakes that pages of any site start, so only one from a page of this server does.
 */
export function sessionCookie(request: IncomingMessage, trustProxy: boolean): string | undefined {
  const header = request.headers.cookie;
  if (!header || !sameOrigin(request, trustProxy)) return undefined;
  return parseCookies(header)[SESSION_COOKIE];
}

/**
 * Whether a browser request comes from a page of this server. Browsers send cookies with
 * WebSocket handshakes from any page, so a cookie only counts when the Origin matches.
 * Requests without Origin are not from a browser page.
 */
function sameOrigin(request: IncomingMessage, trustProxy: boolean): boolean {
  const origin = headerValue(request, 'origin');
  if (!origin) return true;
  const host = (trustProxy && headerValue(request, 'x-forwarded-host')) || headerValue(request, 'host');
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function stripMappedIpv4(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
