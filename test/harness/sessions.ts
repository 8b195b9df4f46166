/** A complete session for store tests: every field set (elevation included), so round trips check them all. */
import { newSessionId } from '../../src/session/id.js';
import type { UserSession } from '../../src/session/session.js';

const MIN = 60_000;

export function sampleSession(now: number, over: Partial<UserSession> = {}): UserSession {
  return {
    id: newSessionId(),
    cookieDomain: 'example.com',
    username: 'john',
    displayName: 'John Doe',
    groups: ['admins', 'dev'],
    emails: ['john@example.com'],
    keepMeLoggedIn: false,
    createdAt: now,
    lastActivity: now,
    firstFactorAt: now,
    secondFactorAt: now,
    amr: { pwd: true, otp: true, webauthn: false },
    refreshAt: now + 5 * MIN,
    ip: '192.0.2.7',
    elevation: { id: 3, expiresAt: now + 10 * MIN, ip: '192.0.2.7' },
    ...over,
  };
}

/**
 * Two sessions that between them set every optional field a store must keep: one with a TOTP enrolment in
 * progress, one remembered passkey session without elevation.
 */
export function roundTripSessions(now: number): [UserSession, UserSession] {
  const enrolling = sampleSession(now, {
    pendingTotp: {
      issuer: 'Example',
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
      secret: 'JBSWY3DPEHPK3PXP',
      expiresAt: now + MIN,
    },
  });
  const { elevation: _none, ...remembered } = sampleSession(now, {
    username: 'jane',
    keepMeLoggedIn: true,
    amr: { pwd: false, otp: false, webauthn: true, hwk: true, uv: true },
  });
  return [enrolling, remembered];
}
