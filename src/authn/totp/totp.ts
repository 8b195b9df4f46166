/**
 * TOTP (RFC 6238) over `otpauth`: secrets, otpauth:// URIs, and verification with a skew window and
 * Authelia's reuse protection (a code's time step is accepted once).
 */
import { randomBytes } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import type { TotpConfig } from '../../config/index.js';
import type { Clock } from '../../core/index.js';
import type { TotpRecord, TotpStore } from '../../storage/index.js';

export type TotpVerdict = 'ok' | 'invalid' | 'reused' | 'not-registered';

export interface TotpChoice {
  readonly algorithm: TotpRecord['algorithm'];
  readonly digits: number;
  readonly period: number;
}

export function newTotpRecord(
  username: string,
  cfg: TotpConfig,
  now: number,
  choice: Partial<TotpChoice> = {},
  secret?: Buffer,
): TotpRecord {
  return {
    username,
    issuer: cfg.issuer,
    algorithm: choice.algorithm ?? cfg.algorithm,
    digits: choice.digits ?? cfg.digits,
    period: choice.period ?? cfg.period,
    secret: secret ?? randomBytes(cfg.secretSize),
    createdAt: now,
    lastUsedAt: undefined,
  };
}

function totpOf(r: TotpRecord): OTPAuth.TOTP {
  return new OTPAuth.TOTP({
    issuer: r.issuer,
    label: r.username,
    algorithm: r.algorithm,
    digits: r.digits,
    period: r.period,
    secret: new OTPAuth.Secret({ buffer: new Uint8Array(r.secret).buffer }),
  });
}

export function totpUri(r: TotpRecord): string {
  return totpOf(r).toString();
}

export function totpSecretBase32(r: TotpRecord): string {
  return new OTPAuth.Secret({ buffer: new Uint8Array(r.secret).buffer }).base32;
}

/** Parses a base32 secret as Authelia's `--secret` takes it; undefined when it is not valid base32. */
export function secretFromBase32(b32: string): Buffer | undefined {
  const clean = b32.replace(/\s+/g, '').toUpperCase().replace(/=+$/, '');
  if (!/^[A-Z2-7]+$/.test(clean)) return undefined;
  return Buffer.from(OTPAuth.Secret.fromBase32(clean).bytes);
}

export function totpCode(r: TotpRecord, at: number): string {
  return totpOf(r).generate({ timestamp: at });
}

export async function verifyTotp(
  deps: { store: TotpStore; clock: Clock; config: TotpConfig },
  username: string,
  code: string,
): Promise<TotpVerdict> {
  const record = await deps.store.get(username);
  if (!record) return 'not-registered';
  if (!/^\d+$/.test(code) || code.length !== record.digits) return 'invalid';
  const now = deps.clock.now();
  const delta = totpOf(record).validate({ token: code, timestamp: now, window: deps.config.skew });
  if (delta === null) return 'invalid';
  if (deps.config.disableReuseSecurityPolicy) return 'ok';
  const step = Math.floor(now / 1000 / record.period) + delta;
  return (await deps.store.markUsed(username, step, now)) ? 'ok' : 'reused';
}
