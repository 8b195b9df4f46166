/** The session model as pure data and pure functions: authentication level, lifetime, expiry and inactivity. */
import type { SessionCookieConfig } from '../config/index.js';
import type { AuthLevel } from '../core/index.js';

/** Authentication method references (RFC 8176 names), as Authelia records them per session. */
export interface Amr {
  /** Knowledge: a password. */
  readonly pwd: boolean;
  /** Possession: a TOTP code. */
  readonly otp: boolean;
  /** Possession: a WebAuthn credential. */
  readonly webauthn: boolean;
  /** Possession: a Duo push. */
  readonly duo?: boolean | undefined;
  /** The WebAuthn authenticator was a hardware key (else software). */
  readonly hwk?: boolean | undefined;
  /** The WebAuthn ceremony verified the user (PIN/biometrics); with passkeys this can stand for two factors. */
  readonly uv?: boolean | undefined;
}

/** An elevated session (before credential changes), bound to the client IP that proved the one-time code. */
export interface Elevation {
  readonly id: number;
  readonly expiresAt: number;
  readonly ip: string;
}

/** A TOTP registration in progress: the secret lives in the session until the user proves it once. */
export interface PendingTotp {
  readonly issuer: string;
  readonly algorithm: string;
  readonly digits: number;
  readonly period: number;
  readonly secret: string;
  readonly expiresAt: number;
}

/** One logged-in user on one cookie domain. All times are epoch ms. */
export interface UserSession {
  /**
   * The cookie value. Persistent stores keep only its SHA-256, so `list()` results carry '' here;
   * sessions from `get()` and `create()` carry the real id.
   */
  readonly id: string;
  readonly cookieDomain: string;
  readonly username: string;
  readonly displayName: string;
  readonly groups: readonly string[];
  readonly emails: readonly string[];
  readonly keepMeLoggedIn: boolean;
  readonly createdAt: number;
  readonly lastActivity: number;
  readonly firstFactorAt: number;
  /** 0 until a second factor succeeded. */
  readonly secondFactorAt: number;
  readonly amr: Amr;
  /** When the user's groups/emails/name are next re-read from the backend (Authelia's RefreshTTL). */
  readonly refreshAt: number;
  /** The client IP that logged in (shown when listing sessions). */
  readonly ip: string;
  readonly elevation?: Elevation | undefined;
  readonly pendingTotp?: PendingTotp | undefined;
}

export interface AuthLevelOptions {
  /** `webauthn.experimental_enable_passkey_uv_two_factors`: a user-verified passkey counts as two factors. */
  readonly passkeyUvTwoFactors?: boolean | undefined;
}

export function hasKnowledge(amr: Amr): boolean {
  return amr.pwd;
}

export function hasPossession(amr: Amr): boolean {
  return amr.otp || amr.webauthn || amr.duo === true;
}

/** Authelia's UserSession.AuthenticationLevel: knowledge + possession → 2, either alone → 1. */
export function authLevel(s: UserSession, opts: AuthLevelOptions = {}): AuthLevel {
  if (s.username === '') return 0;
  const knowledge = hasKnowledge(s.amr);
  const possession = hasPossession(s.amr);
  if (knowledge && possession) return 2;
  if (opts.passkeyUvTwoFactors === true && s.amr.webauthn && s.amr.uv === true) return 2;
  return knowledge || possession ? 1 : 0;
}

/** Whether "remember me" is offered for this cookie domain (`remember_me: -1` disables it). */
export function rememberMeEnabled(cfg: SessionCookieConfig): boolean {
  return cfg.rememberMe > 0;
}

/** The lifetime a new session gets: `remember_me` when ticked and enabled, else `expiration`. */
export function sessionLifetime(cfg: SessionCookieConfig, keepMeLoggedIn: boolean): number {
  return keepMeLoggedIn && rememberMeEnabled(cfg) ? cfg.rememberMe : cfg.expiration;
}

/**
 * When the session dies regardless of use. Authelia re-saves the session (resetting the store TTL to
 * `expiration`) on every authz call that bumps LastActivity, so without remember-me the deadline slides
 * from the last activity. Remember-me sessions are never bumped, so theirs is fixed at login + remember_me.
 */
export function expiresAt(s: UserSession, cfg: SessionCookieConfig): number {
  return s.keepMeLoggedIn && rememberMeEnabled(cfg)
    ? s.createdAt + cfg.rememberMe
    : s.lastActivity + cfg.expiration;
}

export function isExpired(s: UserSession, cfg: SessionCookieConfig, now: number): boolean {
  return now >= expiresAt(s, cfg);
}

/**
 * Authelia's inactivity rule: skipped for remember-me sessions and when `inactivity` is 0; otherwise the
 * session is dead once `lastActivity + inactivity` is strictly before now.
 */
export function isInactive(s: UserSession, cfg: SessionCookieConfig, now: number): boolean {
  if (s.keepMeLoggedIn || cfg.inactivity <= 0) return false;
  return s.lastActivity + cfg.inactivity < now;
}

/** Order-insensitive comparison of two string lists (Authelia's IsStringSlicesDifferent). */
export function sameStringSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  if (a.length === 0) return true;
  const set = new Set(a);
  for (const x of b) if (!set.has(x)) return false;
  const other = new Set(b);
  for (const x of a) if (!other.has(x)) return false;
  return true;
}
