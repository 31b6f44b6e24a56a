import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Compares a presented secret with the expected one in constant time. Both are hashed first so
 * that neither the content nor the length of the expected secret leaks through timing.
 */
export function secretMatches(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** A random secret that is safe to type and to put in firmware: URL-safe base64, 192 bits. */
export function generateSecret(): string {
  return randomBytes(24).toString('base64url');
}
