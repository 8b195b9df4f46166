/** Digest generation with Authelia's parameters and encodings (used by password changes and `crypto hash generate`). */

import { randomInt } from 'node:crypto';
import type { PasswordHashConfig } from '../../config/index.js';
import { PortcullisError } from '../../core/index.js';
import { hashArgon2 } from './argon2.js';
import { hashBcrypt } from './bcrypt.js';
import { CRYPT64 } from './encoding.js';
import { hashPbkdf2 } from './pbkdf2.js';
import { hashPool } from './pool.js';
import { hashScrypt } from './scrypt.js';
import { SHA2CRYPT_ROUNDS_MAX, SHA2CRYPT_ROUNDS_MIN, SHA2CRYPT_SALT_MAX } from './sha2crypt.js';

function check(ok: boolean, what: string): void {
  if (!ok) throw new PortcullisError('ERR_HASH_PARAMS', what);
}

const int = (n: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
  Number.isInteger(n) && n >= min && n <= max;

export async function hashPassword(password: string, cfg: PasswordHashConfig): Promise<string> {
  switch (cfg.algorithm) {
    case 'argon2': {
      const a = cfg.argon2;
      check(['argon2id', 'argon2i', 'argon2d'].includes(a.variant), `argon2: unknown variant '${a.variant}'`);
      check(int(a.iterations, 1, 0xffffffff), `argon2: iterations must be at least 1, got ${a.iterations}`);
      check(
        int(a.parallelism, 1, 0xffffff),
        `argon2: parallelism must be from 1 to 16777215, got ${a.parallelism}`,
      );
      check(
        int(a.memory, 8 * a.parallelism, 0xffffffff),
        `argon2: memory must be at least 8 × parallelism KiB, got ${a.memory}`,
      );
      check(int(a.keyLength, 4, 0xffffffff), `argon2: key_length must be at least 4, got ${a.keyLength}`);
      check(int(a.saltLength, 8, 0xffffffff), `argon2: salt_length must be at least 8, got ${a.saltLength}`);
      return hashArgon2(password, a);
    }
    case 'scrypt': {
      const s = cfg.scrypt;
      check(
        int(s.iterations, 1, 58),
        `scrypt: iterations (log2 N) must be from 1 to 58, got ${s.iterations}`,
      );
      check(int(s.blockSize, 1), `scrypt: block_size must be at least 1, got ${s.blockSize}`);
      check(int(s.parallelism, 1), `scrypt: parallelism must be at least 1, got ${s.parallelism}`);
      check(int(s.keyLength, 1, 137438953440), `scrypt: key_length must be at least 1, got ${s.keyLength}`);
      check(int(s.saltLength, 8, 1024), `scrypt: salt_length must be from 8 to 1024, got ${s.saltLength}`);
      return hashScrypt(password, s);
    }
    case 'pbkdf2': {
      const p = cfg.pbkdf2;
      check(
        ['sha1', 'sha224', 'sha256', 'sha384', 'sha512'].includes(p.variant),
        `pbkdf2: unknown variant '${p.variant}'`,
      );
      check(int(p.iterations, 1, 0x7fffffff), `pbkdf2: iterations must be at least 1, got ${p.iterations}`);
      check(int(p.saltLength, 8, 0x7fffffff), `pbkdf2: salt_length must be at least 8, got ${p.saltLength}`);
      return hashPbkdf2(password, p);
    }
    case 'sha2crypt': {
      const c = cfg.sha2crypt;
      check(c.variant === 'sha256' || c.variant === 'sha512', `sha2crypt: unknown variant '${c.variant}'`);
      check(
        int(c.iterations, SHA2CRYPT_ROUNDS_MIN, SHA2CRYPT_ROUNDS_MAX),
        `sha2crypt: iterations must be from ${SHA2CRYPT_ROUNDS_MIN} to ${SHA2CRYPT_ROUNDS_MAX}, got ${c.iterations}`,
      );
      check(
        int(c.saltLength, 1, SHA2CRYPT_SALT_MAX),
        `sha2crypt: salt_length must be from 1 to 16, got ${c.saltLength}`,
      );
      let salt = '';
      for (let i = 0; i < c.saltLength; i++) salt += CRYPT64[randomInt(64)];
      const sum = await hashPool().run({
        op: 'sha2crypt',
        variant: c.variant,
        password,
        salt,
        rounds: c.iterations,
      });
      return `$${c.variant === 'sha512' ? '6' : '5'}$rounds=${c.iterations}$${salt}$${sum}`;
    }
    case 'bcrypt': {
      const b = cfg.bcrypt;
      check(b.variant === 'standard' || b.variant === 'sha256', `bcrypt: unknown variant '${b.variant}'`);
      check(int(b.cost, 4, 31), `bcrypt: cost must be from 4 to 31, got ${b.cost}`);
      return hashBcrypt(password, b);
    }
    default:
      throw new PortcullisError(
        'ERR_HASH_PARAMS',
        `unknown password algorithm '${(cfg as { algorithm: string }).algorithm}'`,
      );
  }
}
