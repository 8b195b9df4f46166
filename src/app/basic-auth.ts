/**
 * Checks HTTP Basic credentials sent to the authz endpoints: same user lookup, regulation and password
 * verification as the portal's first factor, recorded as a 1FA attempt.
 */
import type { AuthnUser, PasswordCheck } from './password-check.js';

export interface BasicCredentials {
  readonly username: string;
  readonly password: string;
}

/** Parses `Basic base64(user:pass)`; undefined when the header is not Basic or is malformed. */
export function parseBasic(value: string): BasicCredentials | 'malformed' | undefined {
  const space = value.indexOf(' ');
  if (space < 0) return value.toLowerCase() === 'basic' ? 'malformed' : undefined;
  if (value.slice(0, space).toLowerCase() !== 'basic') return undefined;
  const raw = Buffer.from(value.slice(space + 1).trim(), 'base64').toString('utf8');
  const colon = raw.indexOf(':');
  if (colon <= 0 || colon === raw.length - 1) return 'malformed';
  return { username: raw.slice(0, colon), password: raw.slice(colon + 1) };
}

export async function checkBasic(
  check: PasswordCheck,
  creds: BasicCredentials,
  ctx: { ip: string; requestUri: string; requestMethod: string },
): Promise<AuthnUser | undefined> {
  const r = await check(creds.username, creds.password, { ...ctx, authType: '1FA' });
  return r.ok ? r.user : undefined;
}
