/**
 * Parses every password digest format Authelia accepts (go-crypt's default decoder) into typed parameters,
 * and names the formats it refuses, so errors say what was seen instead of "invalid hash".
 */
import { PortcullisError } from '../../core/index.js';
import { decodeAb64, decodeB64Raw, parseParams, parseUint } from './encoding.js';
import { clampRounds, SHA2CRYPT_ROUNDS_DEFAULT, type Sha2Variant } from './sha2crypt.js';

export type Argon2Variant = 'argon2id' | 'argon2i' | 'argon2d';
export type Pbkdf2Variant = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
export type BcryptIdent = '2' | '2a' | '2b' | '2x' | '2y';

export type ParsedDigest =
  | {
      readonly family: 'argon2';
      readonly variant: Argon2Variant;
      readonly m: number;
      readonly t: number;
      readonly p: number;
      readonly salt: Buffer;
      readonly key: Buffer;
    }
  | {
      readonly family: 'scrypt';
      readonly variant: 'scrypt';
      readonly ln: number;
      readonly r: number;
      readonly p: number;
      readonly salt: Buffer;
      readonly key: Buffer;
    }
  | {
      readonly family: 'pbkdf2';
      readonly variant: Pbkdf2Variant;
      readonly iterations: number;
      readonly salt: Buffer;
      readonly key: Buffer;
    }
  | {
      readonly family: 'sha2crypt';
      readonly variant: Sha2Variant;
      readonly rounds: number;
      readonly salt: string;
      readonly checksum: string;
    }
  | {
      readonly family: 'bcrypt';
      readonly variant: 'standard';
      readonly ident: BcryptIdent;
      readonly cost: number;
      /** The 22-character bcrypt64 salt. */
      readonly salt: string;
      /** The 31-character bcrypt64 checksum. */
      readonly checksum: string;
    }
  | {
      readonly family: 'bcrypt';
      readonly variant: 'sha256';
      readonly cost: number;
      readonly salt: string;
      readonly checksum: string;
    };

/** Formats we recognise but do not accept, keyed by the identifier between the first two `$`. */
const REFUSED: Readonly<Record<string, string>> = {
  '1': 'md5crypt',
  md5: 'SunMD5',
  sha1: 'sha1crypt',
  '3': 'NT hash',
  y: 'yescrypt, which Portcullis does not support yet; re-hash with argon2id',
  gy: 'gost-yescrypt',
  '7': 'scrypt in libxcrypt format; use the passlib format $scrypt$',
  plaintext: 'plaintext, accepted by Authelia only for OIDC client secrets',
  base64: 'base64 plaintext, accepted by Authelia only for OIDC client secrets',
  apr1: 'Apache md5crypt',
};

const ACCEPTED =
  'accepted formats are argon2 ($argon2id$, $argon2i$, $argon2d$), scrypt ($scrypt$), pbkdf2 ($pbkdf2$, $pbkdf2-sha256$ …), sha2crypt ($5$, $6$) and bcrypt ($2b$, $bcrypt-sha256$ …)';

function unknown(seen: string): never {
  throw new PortcullisError('ERR_HASH_UNKNOWN_FORMAT', `unknown password digest format ${seen}: ${ACCEPTED}`);
}

function malformed(family: string, why: string): never {
  throw new PortcullisError('ERR_HASH_MALFORMED', `malformed ${family} digest: ${why}`);
}

/** Strips the LDAP storage prefixes go-crypt normalises ({CRYPT}, {ARGON2}, {PBKDF2…}). */
function normalize(digest: string): string {
  if (digest.startsWith('{CRYPT}')) return digest.slice(7);
  if (digest.startsWith('{ARGON2}')) return digest.slice(8);
  const m = /^\{(PBKDF2(?:-SHA\d+)?)\}(\d+\$.*)$/s.exec(digest);
  if (m) return `$${m[1]!.toLowerCase()}$${m[2]}`;
  return digest;
}

export function parseDigest(input: string): ParsedDigest {
  if (typeof input !== 'string' || input.trim() === '') unknown("'' (the digest is empty)");
  const digest = normalize(input);
  if (!digest.startsWith('$')) {
    if (/^\{[A-Za-z0-9-]+\}/.test(digest))
      unknown(`'${digest.slice(0, digest.indexOf('}') + 1)}' (LDAP scheme)`);
    if (/^[./0-9A-Za-z]{13}$/.test(digest)) unknown('(traditional DES crypt)');
    if (digest.startsWith('_')) unknown('(BSDi extended DES crypt)');
    unknown("(not an encoded digest: it must start with '$', for example '$argon2id$')");
  }
  const parts = digest.split('$');
  const id = parts[1] ?? '';
  switch (id) {
    case 'argon2id':
    case 'argon2i':
    case 'argon2d':
      return parseArgon2(id, parts);
    case 'scrypt':
      return parseScrypt(parts);
    case 'pbkdf2':
    case 'pbkdf2-sha1':
    case 'pbkdf2-sha224':
    case 'pbkdf2-sha256':
    case 'pbkdf2-sha384':
    case 'pbkdf2-sha512':
      return parsePbkdf2(id === 'pbkdf2' ? 'sha1' : (id.slice(7) as Pbkdf2Variant), parts);
    case '5':
    case '6':
      return parseSha2crypt(id === '6' ? 'sha512' : 'sha256', parts);
    case '2':
    case '2a':
    case '2b':
    case '2x':
    case '2y':
      return parseBcrypt(id, parts);
    case 'bcrypt-sha256':
      return parseBcryptSha256(parts);
  }
  const seen = `'$${id.slice(0, 24)}$'`;
  const name = REFUSED[id];
  unknown(name ? `${seen} (${name})` : seen);
}

function parseArgon2(variant: Argon2Variant, parts: string[]): ParsedDigest {
  if (parts.length !== 6)
    malformed(variant, 'expected $<variant>$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<key>');
  // go-crypt reads the version and the cost sections as one list, so either order is accepted.
  const params = parseParams(`${parts[3]},${parts[2]}`);
  if (!params) malformed(variant, 'parameters must be key=value pairs');
  let m = 0;
  let t = 0;
  let p = 0;
  for (const [k, v] of params) {
    const n = parseUint(v, k === 'v' ? 255 : 0xffffffff);
    if (n === undefined) malformed(variant, `option '${k}' has invalid value '${v}'`);
    if (k === 'v') {
      if (n !== 19) malformed(variant, `version 19 is supported but the digest is version ${n}`);
    } else if (k === 'm') m = n;
    else if (k === 't') t = n;
    else if (k === 'p') p = n;
    else if (k !== 'k') malformed(variant, `option '${k}' is unknown`);
  }
  const salt = decodeB64Raw(parts[4]!);
  if (!salt) malformed(variant, 'the salt is not unpadded standard base64');
  const key = decodeB64Raw(parts[5]!);
  if (!key || key.length === 0) malformed(variant, 'the key is empty or not unpadded standard base64');
  // Authelia's decoder fills in what is missing: t=1, p=4, m=32768 KiB.
  return { family: 'argon2', variant, m: m || 32768, t: t || 1, p: p || 4, salt, key };
}

function parseScrypt(parts: string[]): ParsedDigest {
  if (parts.length !== 5)
    malformed('scrypt', 'expected $scrypt$ln=<log2 N>,r=<block size>,p=<parallelism>$<salt>$<key>');
  const params = parseParams(parts[2]!);
  if (!params) malformed('scrypt', 'parameters must be key=value pairs');
  let ln = 16;
  let r = 8;
  let p = 1;
  for (const [k, v] of params) {
    const n = parseUint(v, 0x7fffffff);
    if (n === undefined) malformed('scrypt', `option '${k}' has invalid value '${v}'`);
    if (k === 'ln') ln = n;
    else if (k === 'r') r = n;
    else if (k === 'p') p = n;
    else malformed('scrypt', `option '${k}' is unknown`);
  }
  if (ln < 1 || ln > 63 || r < 1 || p < 1) malformed('scrypt', 'ln must be 1-63 and r, p at least 1');
  const salt = decodeB64Raw(parts[3]!);
  if (!salt) malformed('scrypt', 'the salt is not unpadded standard base64');
  const key = decodeB64Raw(parts[4]!);
  if (!key || key.length === 0) malformed('scrypt', 'the key is empty or not unpadded standard base64');
  return { family: 'scrypt', variant: 'scrypt', ln, r, p, salt, key };
}

function parsePbkdf2(variant: Pbkdf2Variant, parts: string[]): ParsedDigest {
  const family = variant === 'sha1' ? 'pbkdf2' : `pbkdf2-${variant}`;
  if (parts.length !== 5) malformed(family, 'expected $pbkdf2-<hash>$<iterations>$<salt>$<key>');
  const iterations = parseUint(parts[2]!, 0x7fffffff);
  if (iterations === undefined || iterations < 1)
    malformed(family, `iterations '${parts[2]}' is not a positive integer`);
  const salt = decodeAb64(parts[3]!);
  if (!salt) malformed(family, 'the salt is not passlib adapted base64');
  const key = decodeAb64(parts[4]!);
  if (!key || key.length === 0) malformed(family, 'the key is empty or not passlib adapted base64');
  return { family: 'pbkdf2', variant, iterations, salt, key };
}

function parseSha2crypt(variant: Sha2Variant, parts: string[]): ParsedDigest {
  const family = variant === 'sha512' ? 'sha512crypt' : 'sha256crypt';
  if (parts.length !== 4 && parts.length !== 5) malformed(family, 'expected $6$[rounds=<n>$]<salt>$<hash>');
  let rounds = SHA2CRYPT_ROUNDS_DEFAULT;
  if (parts.length === 5) {
    const m = /^rounds=([0-9]{1,10})$/.exec(parts[2]!);
    if (!m)
      malformed(family, `unexpected section '${parts[2]}' (only 'rounds=<n>' may come before the salt)`);
    rounds = clampRounds(Number(m[1]));
  }
  const salt = parts[parts.length - 2]!;
  const checksum = parts[parts.length - 1]!;
  const size = variant === 'sha512' ? 86 : 43;
  if (checksum.length !== size || !/^[./0-9A-Za-z]+$/.test(checksum)) {
    malformed(family, `the hash must be ${size} characters of the crypt alphabet`);
  }
  if (salt.includes('\n') || salt.includes(':')) malformed(family, 'the salt contains a forbidden character');
  return { family: 'sha2crypt', variant, rounds, salt, checksum };
}

const BCRYPT_TAIL = /^[./A-Za-z0-9]{53}$/;

function bcryptCost(family: string, v: string | undefined): number {
  const cost = v === undefined ? undefined : parseUint(v, 99);
  if (cost === undefined || cost < 4 || cost > 31)
    malformed(family, `cost '${v}' must be an integer from 4 to 31`);
  return cost;
}

function parseBcrypt(ident: BcryptIdent, parts: string[]): ParsedDigest {
  if (parts.length !== 4) malformed('bcrypt', 'expected $2b$<cost>$<22 salt><31 hash>');
  const cost = bcryptCost('bcrypt', parts[2]);
  const tail = parts[3]!;
  if (!BCRYPT_TAIL.test(tail))
    malformed('bcrypt', 'salt and hash must be 53 characters of the bcrypt alphabet');
  return {
    family: 'bcrypt',
    variant: 'standard',
    ident,
    cost,
    salt: tail.slice(0, 22),
    checksum: tail.slice(22),
  };
}

function parseBcryptSha256(parts: string[]): ParsedDigest {
  const family = 'bcrypt-sha256';
  if (parts.length !== 5) malformed(family, 'expected $bcrypt-sha256$v=2,t=2b,r=<cost>$<22 salt>$<31 hash>');
  const params = parseParams(parts[2]!);
  // passlib's pre-1.7.3 form ($bcrypt-sha256$2a,12$…, a plain SHA-256 pre-hash) is not accepted upstream either.
  if (!params) malformed(family, "only passlib's v=2 form ($bcrypt-sha256$v=2,t=2b,r=<cost>$…) is supported");
  let cost: number | undefined;
  for (const [k, v] of params) {
    if (k === 'r') cost = bcryptCost(family, v);
    else if (k !== 'v' && k !== 't') malformed(family, `option '${k}' is unknown`);
  }
  if (cost === undefined) malformed(family, "option 'r' (the cost) is missing");
  const salt = parts[3]!;
  const checksum = parts[4]!;
  if (!/^[./A-Za-z0-9]{22}$/.test(salt))
    malformed(family, 'the salt must be 22 characters of the bcrypt alphabet');
  if (!/^[./A-Za-z0-9]{31}$/.test(checksum))
    malformed(family, 'the hash must be 31 characters of the bcrypt alphabet');
  return { family: 'bcrypt', variant: 'sha256', cost, salt, checksum };
}

/** Family and variant of a digest (`{ family: 'argon2', variant: 'argon2id' }`); throws like verifyPassword. */
export function identifyDigest(digest: string): { family: string; variant: string } {
  const d = parseDigest(digest);
  return { family: d.family, variant: d.variant };
}
