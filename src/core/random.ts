/** Cryptographic randomness and constant-time comparison, in one place so nobody reaches for Math.random. */
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

export const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Uniformly random string over `charset` (rejection-free via randomInt). Joined from an array, not built
 * with `+=`: repeated concatenation leaves a tree of V8 cons strings (~700 bytes for a 32-char session id,
 * kept for the session's whole life) where join gives one flat ~80-byte string.
 */
export function randomString(length: number, charset = ALPHANUMERIC): string {
  const chars = new Array<string>(length);
  for (let i = 0; i < length; i++) chars[i] = charset[randomInt(charset.length)]!;
  return chars.join('');
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Constant-time string equality; hashes first so differing lengths leak nothing either. */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}
