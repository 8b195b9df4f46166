/** scrypt in passlib's `$scrypt$ln=,r=,p=$salt$key` form, through node:crypto's async scrypt (libuv thread pool). */
import { randomBytes, scrypt } from 'node:crypto';
import { PortcullisError } from '../../core/index.js';
import { encodeB64Raw } from './encoding.js';

export interface ScryptParams {
  readonly ln: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Uint8Array;
  readonly keyLength: number;
}

/** Refuse work sets above this (N·r·128 bytes); Authelia's defaults need 16 MiB. */
const MAX_MEMORY = 1024 * 1024 * 1024;

export function scryptKey(password: string, s: ScryptParams): Promise<Buffer> {
  const N = 2 ** s.ln;
  const need = 128 * N * s.r;
  if (need > MAX_MEMORY || s.r * s.p >= 2 ** 30) {
    return Promise.reject(
      new PortcullisError(
        'ERR_HASH_PARAMS',
        `scrypt parameters ln=${s.ln}, r=${s.r}, p=${s.p} need more than 1 GiB`,
      ),
    );
  }
  return new Promise((resolve, reject) => {
    // Node's default maxmem (32 MiB) is below what ln=16, r=8 needs, so raise it to the actual requirement.
    scrypt(password, s.salt, s.keyLength, { N, r: s.r, p: s.p, maxmem: need + 1024 * 1024 }, (err, key) => {
      if (err)
        reject(new PortcullisError('ERR_HASH_PARAMS', `scrypt failed: ${err.message}`, { cause: err }));
      else resolve(key);
    });
  });
}

export function encodeScrypt(s: Omit<ScryptParams, 'keyLength'>, key: Uint8Array): string {
  return `$scrypt$ln=${s.ln},r=${s.r},p=${s.p}$${encodeB64Raw(s.salt)}$${encodeB64Raw(key)}`;
}

export async function hashScrypt(
  password: string,
  o: {
    variant: 'scrypt' | 'yescrypt';
    iterations: number;
    blockSize: number;
    parallelism: number;
    keyLength: number;
    saltLength: number;
  },
): Promise<string> {
  if (o.variant !== 'scrypt') {
    throw new PortcullisError(
      'ERR_HASH_PARAMS',
      "the yescrypt variant is not supported; use variant 'scrypt' or another algorithm",
    );
  }
  const s = {
    ln: o.iterations,
    r: o.blockSize,
    p: o.parallelism,
    keyLength: o.keyLength,
    salt: randomBytes(o.saltLength),
  };
  return encodeScrypt(s, await scryptKey(password, s));
}
