import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Compares a presented secret with the expected one in constant time. Both are hashed first so
 * that neither the content nor the length of the expected secret leaks through timing.
 */
export function secretMatches(presented: string, expected: string): boolean {
  return timingSafeEqual(sha256(presented), sha256(expected));
}

/**
 * One expected secret, hashed once, that presented secrets are compared with as `secretMatches`
 * does: a token checked on every request need not be hashed again each time.
 */
export class ExpectedSecret {
  readonly #digest: Buffer;

  constructor(expected: string) {
    this.#digest = sha256(expected);
  }

  matches(presented: PresentedSecret): boolean {
    return timingSafeEqual(presented.digest, this.#digest);
  }
}

/** A secret a caller presented, hashed once to be compared with several expected ones. */
export class PresentedSecret {
  readonly digest: Buffer;

  constructor(presented: string) {
    this.digest = sha256(presented);
  }
}

/**
 * How random tokens (API tokens, session ids, lamp secrets) are stored. They carry 192 bits of
 * entropy, so a fast hash is enough; only passwords, which people choose, need a slow one.
 */
export function tokenHash(token: string): string {
  return sha256(token).toString('hex');
}

/** A random secret that is safe to type and to put in firmware: URL-safe base64, 192 bits. */
export function generateSecret(): string {
  return randomBytes(24).toString('base64url');
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

const SCRYPT: ScryptOptions = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_LENGTH = 32;

/** `scrypt$N$r$p$salt$key`, so the parameters can be raised later without breaking old hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [algorithm, n, r, p, salt, key] = stored.split('$');
  if (algorithm !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: SCRYPT.maxmem!,
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}
