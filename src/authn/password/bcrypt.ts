/**
 * bcrypt (`$2b$` and its siblings) and passlib's `$bcrypt-sha256$` v2, computed by bcryptjs inside the hash pool.
 * bcrypt-sha256 v2 feeds bcrypt with base64(HMAC-SHA256(key = the 22-character salt, message = password)).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { PortcullisError } from '../../core/index.js';
import { encodeBcrypt64 } from './encoding.js';
import { hashPool } from './pool.js';

/** bcrypt only reads the first 72 bytes of a password. */
export const BCRYPT_MAX_PASSWORD_BYTES = 72;

/** The bcrypt input passlib's bcrypt_sha256 v2 (and go-crypt's sha256 variant) derive from the password. */
export function bcryptSha256Input(password: string, salt: string): string {
  return createHmac('sha256', salt).update(password, 'utf8').digest('base64');
}

/** The 31-character checksum bcrypt computes for `setting` (`$2b$12$<22 salt>`), in a pool worker. */
export async function bcryptChecksum(password: string, setting: string): Promise<string> {
  const full = await hashPool().run({ op: 'bcrypt', password, setting });
  return full.slice(-31);
}

export function bcryptSalt(): string {
  // 16 random bytes encode to 22 characters whose last one carries no padding bits.
  return encodeBcrypt64(randomBytes(16)).slice(0, 22);
}

export async function hashBcrypt(
  password: string,
  o: { variant: 'standard' | 'sha256'; cost: number },
): Promise<string> {
  const salt = bcryptSalt();
  const cost = String(o.cost).padStart(2, '0');
  if (o.variant === 'sha256') {
    const sum = await bcryptChecksum(bcryptSha256Input(password, salt), `$2b$${cost}$${salt}`);
    return `$bcrypt-sha256$v=2,t=2b,r=${o.cost}$${salt}$${sum}`;
  }
  if (Buffer.byteLength(password, 'utf8') > BCRYPT_MAX_PASSWORD_BYTES) {
    // Silently truncating a new password would be a trap; the sha256 variant has no limit.
    throw new PortcullisError(
      'ERR_HASH_PARAMS',
      `bcrypt uses only the first ${BCRYPT_MAX_PASSWORD_BYTES} bytes of a password; use the sha256 variant for longer passwords`,
    );
  }
  const sum = await bcryptChecksum(password, `$2b$${cost}$${salt}`);
  return `$2b$${cost}$${salt}${sum}`;
}
