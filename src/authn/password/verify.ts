/** Password verification for every accepted digest family, always off the event loop and compared in constant time. */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { argon2Key } from './argon2.js';
import { bcryptChecksum, bcryptSha256Input } from './bcrypt.js';
import { parseDigest } from './digest.js';
import { pbkdf2Key } from './pbkdf2.js';
import { hashPool } from './pool.js';
import { scryptKey } from './scrypt.js';

function same(a: Uint8Array | string, b: Uint8Array | string): boolean {
  const x = typeof a === 'string' ? Buffer.from(a) : a;
  const y = typeof b === 'string' ? Buffer.from(b) : b;
  // The length is part of the stored digest, so an early answer on a mismatch leaks nothing secret.
  return x.length === y.length && timingSafeEqual(x, y);
}

const isAscii = (s: string) => /^[\x00-\x7f]*$/.test(s);

/**
 * True when `password` matches `digest`. Throws PortcullisError ERR_HASH_UNKNOWN_FORMAT / ERR_HASH_MALFORMED
 * when the digest cannot be read, and ERR_HASH_PARAMS when its parameters cannot be computed.
 */
export async function verifyPassword(password: string, digest: string): Promise<boolean> {
  const d = parseDigest(digest);
  switch (d.family) {
    case 'argon2':
      return same(d.key, await argon2Key(password, { ...d, keyLength: d.key.length }));
    case 'scrypt':
      return same(d.key, await scryptKey(password, { ...d, keyLength: d.key.length }));
    case 'pbkdf2':
      return same(d.key, await pbkdf2Key(password, d.variant, d.iterations, d.salt, d.key.length));
    case 'sha2crypt': {
      const sum = await hashPool().run({
        op: 'sha2crypt',
        variant: d.variant,
        password,
        salt: d.salt,
        rounds: d.rounds,
      });
      return same(d.checksum, sum);
    }
    case 'bcrypt': {
      const cost = String(d.cost).padStart(2, '0');
      if (d.variant === 'sha256') {
        return same(
          d.checksum,
          await bcryptChecksum(bcryptSha256Input(password, d.salt), `$2b$${cost}$${d.salt}`),
        );
      }
      // $2x$ marks digests made by the sign-extension bug; they equal $2a$ for ASCII and cannot be checked otherwise.
      if (d.ident === '2x' && !isAscii(password)) return false;
      const ident = d.ident === '2x' || d.ident === '2y' ? '2a' : d.ident;
      return same(d.checksum, await bcryptChecksum(password, `$${ident}$${cost}$${d.salt}`));
    }
  }
}

/** Authelia's default argon2id parameters: what an unknown user's login should cost. */
const DUMMY = { variant: 'argon2id', m: 65536, t: 3, p: 4, keyLength: 32 } as const;

/** Spends the work of a real argon2id check at Authelia's defaults and answers false (for unknown or disabled users). */
export async function verifyDummy(password: string): Promise<false> {
  await argon2Key(password, { ...DUMMY, salt: randomBytes(16) });
  return false;
}
