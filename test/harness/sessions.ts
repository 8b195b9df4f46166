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
