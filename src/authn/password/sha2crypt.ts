/**
 * SHA-crypt (`$5$` sha256crypt / `$6$` sha512crypt) as specified by Ulrich Drepper and implemented by glibc.
 * Pure and synchronous on purpose: it runs inside the worker pool, never on the event loop.
 */
import { createHash } from 'node:crypto';
import { CRYPT64 } from './encoding.js';

export type Sha2Variant = 'sha256' | 'sha512';

export const SHA2CRYPT_ROUNDS_DEFAULT = 5000;
export const SHA2CRYPT_ROUNDS_MIN = 1000;
export const SHA2CRYPT_ROUNDS_MAX = 999_999_999;
export const SHA2CRYPT_SALT_MAX = 16;

/** Clamps rounds the way glibc does when `rounds=` is present. */
export function clampRounds(rounds: number): number {
  return Math.min(SHA2CRYPT_ROUNDS_MAX, Math.max(SHA2CRYPT_ROUNDS_MIN, rounds));
}

/** `len` bytes made of `block` repeated (the last copy cut short). */
function repeatTo(block: Buffer, len: number): Buffer {
  const out = Buffer.alloc(len);
  for (let off = 0; off < len; off += block.length)
    block.copy(out, off, 0, Math.min(block.length, len - off));
  return out;
}

/** Byte triples in the order the output alphabet consumes them (a fixed permutation of the digest). */
function encodingOrder(variant: Sha2Variant): number[][] {
  const order: number[][] = [];
  if (variant === 'sha512') {
    for (let i = 0; i < 21; i++) {
      const t = [i, i + 21, i + 42];
      order.push(i % 3 === 0 ? t : i % 3 === 1 ? [t[1]!, t[2]!, t[0]!] : [t[2]!, t[0]!, t[1]!]);
    }
  } else {
    for (let i = 0; i < 10; i++) {
      const t = [i, i + 10, i + 20];
      order.push(i % 3 === 0 ? t : i % 3 === 1 ? [t[2]!, t[0]!, t[1]!] : [t[1]!, t[2]!, t[0]!]);
    }
  }
  return order;
}

const ORDER = { sha256: encodingOrder('sha256'), sha512: encodingOrder('sha512') };

function encode(variant: Sha2Variant, d: Buffer): string {
  let out = '';
  const put = (b2: number, b1: number, b0: number, n: number) => {
    let w = (b2 << 16) | (b1 << 8) | b0;
    for (let i = 0; i < n; i++) {
      out += CRYPT64[w & 63];
      w >>= 6;
    }
  };
  for (const [a, b, c] of ORDER[variant]) put(d[a!]!, d[b!]!, d[c!]!, 4);
  if (variant === 'sha512') put(0, 0, d[63]!, 2);
  else put(0, d[31]!, d[30]!, 3);
  return out;
}

/**
 * Computes the checksum part (after the last `$`) for a password, salt (at most 16 bytes are used) and
 * round count (already clamped by the caller when it came from `rounds=`).
 */
export function sha2cryptChecksum(
  variant: Sha2Variant,
  password: string,
  salt: string,
  rounds: number,
): string {
  const alg = variant;
  const size = variant === 'sha512' ? 64 : 32;
  const p = Buffer.from(password, 'utf8');
  const s = Buffer.from(salt, 'utf8').subarray(0, SHA2CRYPT_SALT_MAX);

  const b = createHash(alg).update(p).update(s).update(p).digest();
  const a = createHash(alg).update(p).update(s);
  a.update(repeatTo(b, p.length));
  for (let n = p.length; n > 0; n >>= 1) a.update(n & 1 ? b : p);
  let acc = a.digest();

  const dp = createHash(alg);
  for (let i = 0; i < p.length; i++) dp.update(p);
  const pSeq = repeatTo(dp.digest(), p.length);

  const ds = createHash(alg);
  for (let i = 0; i < 16 + acc[0]!; i++) ds.update(s);
  const sSeq = repeatTo(ds.digest(), s.length);

  for (let i = 0; i < rounds; i++) {
    const c = createHash(alg);
    c.update(i & 1 ? pSeq : acc);
    if (i % 3) c.update(sSeq);
    if (i % 7) c.update(pSeq);
    c.update(i & 1 ? acc : pSeq);
    acc = c.digest();
  }
  if (acc.length !== size) throw new Error('unexpected digest size');
  return encode(variant, acc);
}

/** The full crypt string, with `rounds=` always written (as Authelia does when it generates). */
export function sha2crypt(variant: Sha2Variant, password: string, salt: string, rounds: number): string {
  const id = variant === 'sha512' ? '6' : '5';
  const s = salt.slice(0, SHA2CRYPT_SALT_MAX);
  return `$${id}$rounds=${rounds}$${s}$${sha2cryptChecksum(variant, password, s, rounds)}`;
}
