/** argon2id / argon2i / argon2d through @node-rs/argon2's async API (libuv thread pool, off the event loop). */
import { randomBytes } from 'node:crypto';
import { type Algorithm, hashRaw, type Version } from '@node-rs/argon2';
import { PortcullisError } from '../../core/index.js';
import type { Argon2Variant } from './digest.js';
import { encodeB64Raw } from './encoding.js';

// The package ships const enums; spelled as values here because isolated modules cannot inline them.
const ALGORITHM: Readonly<Record<Argon2Variant, Algorithm>> = {
  argon2d: 0 as Algorithm,
  argon2i: 1 as Algorithm,
  argon2id: 2 as Algorithm,
};
const V0X13 = 1 as Version;

export interface Argon2Params {
  readonly variant: Argon2Variant;
  readonly m: number;
  readonly t: number;
  readonly p: number;
  readonly salt: Uint8Array;
  readonly keyLength: number;
}

export async function argon2Key(password: string, a: Argon2Params): Promise<Buffer> {
  try {
    return await hashRaw(password, {
      algorithm: ALGORITHM[a.variant],
      version: V0X13,
      memoryCost: a.m,
      timeCost: a.t,
      parallelism: a.p,
      outputLen: a.keyLength,
      salt: a.salt,
    });
  } catch (e) {
    throw new PortcullisError(
      'ERR_HASH_PARAMS',
      `argon2 parameters cannot be used (m=${a.m}, t=${a.t}, p=${a.p}, salt ${a.salt.length} bytes, key ${a.keyLength} bytes): ${(e as Error).message}`,
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
