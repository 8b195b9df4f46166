/** The argon2 computation itself, run inside a hash-pool worker (never on the event loop). */
import { type Algorithm, hashRawSync, type Version } from '@node-rs/argon2';
import type { Argon2Variant } from './digest.js';

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

export function argon2KeySync(password: string, a: Argon2Params): Uint8Array {
  return hashRawSync(password, {
    algorithm: ALGORITHM[a.variant],
    version: V0X13,
    memoryCost: a.m,
    timeCost: a.t,
    parallelism: a.p,
    outputLen: a.keyLength,
    salt: a.salt,
  });
}
