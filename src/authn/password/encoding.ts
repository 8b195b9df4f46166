/** Strict base64 codecs for the digest formats (Node's own decoder silently skips bad characters, so we check first). */

const STD_RE = /^[A-Za-z0-9+/]*$/;
const AB64_RE = /^[A-Za-z0-9./]*$/;

/** Standard alphabet, no padding (PHC strings: argon2, passlib scrypt). Undefined when not valid. */
export function decodeB64Raw(s: string): Buffer | undefined {
  if (!STD_RE.test(s) || s.length % 4 === 1) return undefined;
  return Buffer.from(s, 'base64');
}

export function encodeB64Raw(b: Uint8Array): string {
  return Buffer.from(b).toString('base64').replace(/=+$/, '');
}

/** passlib's "adapted base64": the standard alphabet with '.' for '+', no padding (pbkdf2 digests). */
export function decodeAb64(s: string): Buffer | undefined {
  if (!AB64_RE.test(s) || s.length % 4 === 1) return undefined;
  return Buffer.from(s.replaceAll('.', '+'), 'base64');
}

export function encodeAb64(b: Uint8Array): string {
  return encodeB64Raw(b).replaceAll('+', '.');
}

/** The crypt(3) alphabet, used by sha2crypt salts and bcrypt. */
export const CRYPT64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** bcrypt orders the same characters differently. */
export const BCRYPT64 = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** bcrypt's base64 of raw bytes (used to build a 22-character salt from 16 random bytes). */
export function encodeBcrypt64(b: Uint8Array): string {
  let out = '';
  for (let i = 0; i < b.length; i += 3) {
    const c1 = b[i]!;
    const c2 = b[i + 1];
    const c3 = b[i + 2];
    out += BCRYPT64[c1 >> 2];
    out += BCRYPT64[((c1 & 0x03) << 4) | ((c2 ?? 0) >> 4)];
    if (c2 === undefined) break;
    out += BCRYPT64[((c2 & 0x0f) << 2) | ((c3 ?? 0) >> 6)];
    if (c3 === undefined) break;
    out += BCRYPT64[c3 & 0x3f];
  }
  return out;
}

/**
 * Parses a PHC-style parameter list `a=1,b=2` into ordered pairs; undefined when a pair has no '='
 * (passlib's old `$bcrypt-sha256$2a,12$` form, for instance).
 */
export function parseParams(s: string): Array<[string, string]> | undefined {
  if (s === '') return [];
  const out: Array<[string, string]> = [];
  for (const part of s.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return undefined;
    out.push([part.slice(0, eq), part.slice(eq + 1)]);
  }
  return out;
}

/** A non-negative decimal integer with no sign, spaces or exponent; undefined otherwise. */
export function parseUint(s: string, max = 0xffffffff): number | undefined {
  if (!/^[0-9]{1,10}$/.test(s)) return undefined;
  const n = Number(s);
  return n <= max ? n : undefined;
}
