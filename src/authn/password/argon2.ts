/** argon2id / argon2i / argon2d, computed in the hash pool's lowered-priority workers (see pool.ts). */
import { randomBytes } from 'node:crypto';
import { PortcullisError } from '../../core/index.js';
import type { Argon2Params } from './argon2-native.js';
import type { Argon2Variant } from './digest.js';
import { encodeB64Raw } from './encoding.js';
import { HashTaskError, hashPool } from './pool.js';

export async function argon2Key(password: string, a: Argon2Params): Promise<Uint8Array> {
  try {
    return await hashPool().run({ op: 'argon2', password, params: a });
  } catch (e) {
    if (!(e instanceof HashTaskError)) throw e;
    throw new PortcullisError(
      'ERR_HASH_PARAMS',
      `argon2 parameters cannot be used (m=${a.m}, t=${a.t}, p=${a.p}, salt ${a.salt.length} bytes, key ${a.keyLength} bytes): ${e.message}`,
      { cause: e },
    );
  }
}

/** Authelia's encoding: `$argon2id$v=19$m=65536,t=3,p=4$<salt>$<key>` (unpadded standard base64). */
export function encodeArgon2(a: Omit<Argon2Params, 'keyLength'>, key: Uint8Array): string {
  return `$${a.variant}$v=19$m=${a.m},t=${a.t},p=${a.p}$${encodeB64Raw(a.salt)}$${encodeB64Raw(key)}`;
}

export async function hashArgon2(
  password: string,
  o: {
    variant: Argon2Variant;
    iterations: number;
    memory: number;
    parallelism: number;
    keyLength: number;
    saltLength: number;
  },
): Promise<string> {
  const a = {
    variant: o.variant,
    m: o.memory,
    t: o.iterations,
    p: o.parallelism,
    keyLength: o.keyLength,
    salt: randomBytes(o.saltLength),
  };
  return encodeArgon2(a, await argon2Key(password, a));
}
