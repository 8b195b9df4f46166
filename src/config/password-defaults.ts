/** Authelia's password hashing defaults (authentication_backend.file.password), shared by config and CLI. */
import type { PasswordHashConfig } from './types.js';

/** pbkdf2 iterations depend on the digest (reference E.1). */
export const PBKDF2_DEFAULT_ITERATIONS: Readonly<Record<string, number>> = {
  sha1: 1_600_000,
  sha224: 900_000,
  sha256: 700_000,
  sha384: 280_000,
  sha512: 310_000,
};

const defaults: PasswordHashConfig = {
  algorithm: 'argon2',
  argon2: {
    variant: 'argon2id',
    iterations: 3,
    memory: 65536,
    parallelism: 4,
    keyLength: 32,
    saltLength: 16,
  },
  scrypt: { variant: 'scrypt', iterations: 16, blockSize: 8, parallelism: 1, keyLength: 32, saltLength: 16 },
  pbkdf2: { variant: 'sha512', iterations: 310_000, saltLength: 16 },
  sha2crypt: { variant: 'sha512', iterations: 50_000, saltLength: 16 },
  bcrypt: { variant: 'standard', cost: 12 },
};

export const PASSWORD_HASH_DEFAULTS: PasswordHashConfig = Object.freeze(defaults);
