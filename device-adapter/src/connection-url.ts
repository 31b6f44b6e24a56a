import { FIRMWARE_VERSION_RULE, LAMP_MAC_RULE, normalizeFirmwareVersion, normalizeMac } from '@cloud-cloud/contract/lamp-identity';

/** What a lamp said about itself in the URL it connected to (`/?mac=…&version=…`). */
export interface UrlIdentity {
  mac: string | null;
  firmwareVersion: string | null;
  /** Why a value given was ignored, one line each, for the log. */
  ignored: string[];
}

/**
 * Reads the optional identity in a lamp's connection URL. Old firmware connects to `/` and gives
 * none. A malformed value is ignored (and reported in `ignored`), never a reason to refuse the
 * connection; parameters that are not known are ignored silently.
 */
export function identityFromUrl(requestUrl: string | undefined): UrlIdentity {
  const identity: UrlIdentity = { mac: null, firmwareVersion: null, ignored: [] };
  let params: URLSearchParams;
  try {
    params = new URL(requestUrl ?? '/', 'ws://lamp').searchParams;
  } catch {
    identity.ignored.push('the connection URL did not parse');
    return identity;
  }
  const mac = params.get('mac');
  if (mac !== null) {
    identity.mac = normalizeMac(mac);
    if (identity.mac === null) identity.ignored.push(`${LAMP_MAC_RULE}, got ${JSON.stringify(mac.slice(0, 40))}`);
  }
  const version = params.get('version');
  if (version !== null) {
    identity.firmwareVersion = normalizeFirmwareVersion(version);
    if (identity.firmwareVersion === null) identity.ignored.push(`${FIRMWARE_VERSION_RULE}, got ${JSON.stringify(version.slice(0, 80))}`);
  }
  return identity;
}
