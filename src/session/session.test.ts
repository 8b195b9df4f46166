import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SessionCookieConfig } from '../config/index.js';
import {
  authLevel,
  expiresAt,
  isExpired,
  isInactive,
  sameStringSet,
  sessionLifetime,
  type UserSession,
} from './session.js';

const MIN = 60_000;
const cfg: SessionCookieConfig = {
  domain: 'example.com',
  autheliaUrl: 'https://auth.example.com/',
  defaultRedirectionUrl: '',
  name: 'authelia_session',
  sameSite: 'lax',
  expiration: 60 * MIN,
  inactivity: 5 * MIN,
  rememberMe: 30 * 24 * 60 * MIN,
};

const T0 = Date.UTC(2026, 0, 1);
function session(over: Partial<UserSession> = {}): UserSession {
  return {
    id: 'a'.repeat(32),
    cookieDomain: 'example.com',
    username: 'john',
    displayName: 'John',
    groups: ['dev'],
    emails: ['john@example.com'],
    keepMeLoggedIn: false,
    createdAt: T0,
    lastActivity: T0,
    firstFactorAt: T0,
    secondFactorAt: 0,
    amr: { pwd: true, otp: false, webauthn: false },
    refreshAt: T0,
    ip: '192.0.2.1',
    ...over,
  };
}

test('authLevel: knowledge + possession is two factors, either alone one, nothing or anonymous zero', () => {
  assert.equal(authLevel(session()), 1);
  assert.equal(authLevel(session({ amr: { pwd: true, otp: true, webauthn: false } })), 2);
  assert.equal(authLevel(session({ amr: { pwd: true, otp: false, webauthn: true } })), 2);
  assert.equal(authLevel(session({ amr: { pwd: true, otp: false, webauthn: false, duo: true } })), 2);
  assert.equal(authLevel(session({ amr: { pwd: false, otp: true, webauthn: false } })), 1);
  assert.equal(authLevel(session({ amr: { pwd: false, otp: false, webauthn: false } })), 0);
  assert.equal(authLevel(session({ username: '', amr: { pwd: true, otp: true, webauthn: false } })), 0);
});

test('authLevel: a user-verified passkey is two factors only with the passkey option', () => {
  const passkey = session({ amr: { pwd: false, otp: false, webauthn: true, uv: true } });
  assert.equal(authLevel(passkey), 1);
  assert.equal(authLevel(passkey, { passkeyUvTwoFactors: true }), 2);
  const noUv = session({ amr: { pwd: false, otp: false, webauthn: true, uv: false } });
  assert.equal(authLevel(noUv, { passkeyUvTwoFactors: true }), 1);
});

test('lifetime: remember_me when ticked and enabled, else expiration; -1 disables remember-me', () => {
  assert.equal(sessionLifetime(cfg, false), cfg.expiration);
  assert.equal(sessionLifetime(cfg, true), cfg.rememberMe);
  assert.equal(sessionLifetime({ ...cfg, rememberMe: -1 }, true), cfg.expiration);
});

test('expiry slides with activity without remember-me and is fixed at login + remember_me with it', () => {
  const s = session({ lastActivity: T0 + 10 * MIN });
  assert.equal(expiresAt(s, cfg), T0 + 70 * MIN);
  assert.equal(isExpired(s, cfg, T0 + 70 * MIN - 1), false);
  assert.equal(isExpired(s, cfg, T0 + 70 * MIN), true);
  const kept = session({ keepMeLoggedIn: true, lastActivity: T0 + 10 * MIN });
  assert.equal(expiresAt(kept, cfg), T0 + cfg.rememberMe);
  assert.equal(isExpired(kept, cfg, T0 + cfg.rememberMe - 1), false);
  assert.equal(isExpired(kept, cfg, T0 + cfg.rememberMe), true);
});

test('inactivity: strictly after last_activity + inactivity, skipped for remember-me and when 0', () => {
  const s = session();
  assert.equal(isInactive(s, cfg, T0 + 5 * MIN), false);
  assert.equal(isInactive(s, cfg, T0 + 5 * MIN + 1), true);
  assert.equal(isInactive(session({ keepMeLoggedIn: true }), cfg, T0 + 24 * 60 * MIN), false);
  assert.equal(isInactive(s, { ...cfg, inactivity: 0 }, T0 + 59 * MIN), false);
});

test('sameStringSet ignores order but not content or length', () => {
  assert.equal(sameStringSet(['a', 'b'], ['b', 'a']), true);
  assert.equal(sameStringSet([], []), true);
  assert.equal(sameStringSet(['a'], ['a', 'b']), false);
  assert.equal(sameStringSet(['a', 'a'], ['a', 'b']), false);
  assert.equal(sameStringSet(['a', 'c'], ['a', 'b']), false);
});
