/** PBKDF2-HMAC in passlib's `$pbkdf2-sha512$<iterations>$<salt>$<key>` form, through node:crypto's async pbkdf2. */
import { pbkdf2, randomBytes } from 'node:crypto';
import type { Pbkdf2Variant } from './digest.js';
import { encodeAb64 } from './encoding.js';

/** Key length Authelia (and passlib) use: the digest size of the HMAC hash. */
export const PBKDF2_KEY_LENGTH: Readonly<Record<Pbkdf2Variant, number>> = {
  sha1: 20,
  sha224: 28,
  sha256: 32,
  sha384: 48,
  sha512: 64,
};

export function pbkdf2Key(
  password: string,
  variant: Pbkdf2Variant,
  iterations: number,
  salt: Uint8Array,
  keyLength: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    pbkdf2(password, salt, iterations, keyLength, variant, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export function encodePbkdf2(
  variant: Pbkdf2Variant,
  iterations: number,
  salt: Uint8Array,
  key: Uint8Array,
): string {
  const id = variant === 'sha1' ? 'pbkdf2' : `pbkdf2-${variant}`;
  return `$${id}$${iterations}$${encodeAb64(salt)}$${encodeAb64(key)}`;
}

export async function hashPbkdf2(
  password: string,
  o: { variant: Pbkdf2Variant; iterations: number; saltLength: number },
): Promise<string> {
  const salt = randomBytes(o.saltLength);
  const key = await pbkdf2Key(password, o.variant, o.iterations, salt, PBKDF2_KEY_LENGTH[o.variant]);
  return encodePbkdf2(o.variant, o.iterations, salt, key);
}
