/** Session ids: 32 random alphanumerics (Authelia's length), and the SHA-256 form persistent stores key on. */
import { createHash } from 'node:crypto';
import { randomString } from '../core/index.js';

export const SESSION_ID_LENGTH = 32;

const ID_RE = /^[A-Za-z0-9]{32}$/;

/** ≈190 bits from the CSPRNG; a fresh one on every login, so a planted id never becomes authenticated. */
export function newSessionId(): string {
  return randomString(SESSION_ID_LENGTH);
}

/** Anything else in the cookie is treated as "no session" without touching a store. */
export function isSessionId(value: string): boolean {
  return ID_RE.test(value);
}

/** What persistent stores use as the key: a leaked table must not yield cookies that still work. */
export function hashSessionId(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}
