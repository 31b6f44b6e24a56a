import { describe, expect, it } from 'vitest';
import { identityFromUrl } from '../src/connection-url.js';

describe('identityFromUrl', () => {
  it('gives nothing for old firmware connecting to /', () => {
    expect(identityFromUrl('/')).toEqual({ mac: null, firmwareVersion: null, ignored: [] });
    expect(identityFromUrl(undefined)).toEqual({ mac: null, firmwareVersion: null, ignored: [] });
  });

  it('reads the MAC in any case and the version, and ignores parameters it does not know', () => {
    expect(identityFromUrl('/?mac=5c:cf:7f:12:34:ab&version=Apr%2030%202020;05:33:11&colour=blue')).toEqual({
      mac: '5C:CF:7F:12:34:AB',
      firmwareVersion: 'Apr 30 2020;05:33:11',
      ignored: [],
    });
  });

  it('ignores malformed values, saying why', () => {
    const identity = identityFromUrl('/?mac=5C-CF-7F-12-34-56&version=%01%02');
    expect(identity.mac).toBe(null);
    expect(identity.firmwareVersion).toBe(null);
    expect(identity.ignored).toEqual([
      'mac must be six hex pairs separated by ":", such as 5C:CF:7F:12:34:56, got "5C-CF-7F-12-34-56"',
      'version must be 1 to 64 printable characters, got "\\u0001\\u0002"',
    ]);
  });

  it('ignores an empty value', () => {
    expect(identityFromUrl('/?mac=&version=')).toMatchObject({ mac: null, firmwareVersion: null });
  });
});
