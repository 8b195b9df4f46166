/** The session cookie on the wire: read our id from a Cookie header, write Set-Cookie for login and logout. */
import type { SessionCookieConfig } from '../config/index.js';
import { isSessionId } from './id.js';

const SAME_SITE = { lax: 'Lax', strict: 'Strict', none: 'None' } as const;

/**
 * The session id carried by the cookie named `name`, or undefined. When the name repeats (a parent and a
 * child domain both set it) the first well-formed value wins, like fasthttp's cookie lookup; malformed
 * values are skipped so garbage never reaches a store.
 */
export function readSessionCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  const prefix = `${name}=`;
  for (const part of header.split(';')) {
    const pair = part.trim();
    if (!pair.startsWith(prefix)) continue;
    let value = pair.slice(prefix.length);
    if (value.length > 1 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (isSessionId(value)) return value;
  }
  return undefined;
}

function attributes(cfg: SessionCookieConfig): string {
  // Always Secure and scoped to the configured domain (and so all its subdomains), as Authelia does.
  return `Domain=${cfg.domain}; Path=/`;
}

function flags(cfg: SessionCookieConfig): string {
  return `HttpOnly; Secure; SameSite=${SAME_SITE[cfg.sameSite]}`;
}

/** Set-Cookie for a session id that lives `lifetimeMs` from `now`. */
export function serializeSessionCookie(
  cfg: SessionCookieConfig,
  id: string,
  lifetimeMs: number,
  now: number,
): string {
  const maxAge = Math.max(0, Math.floor(lifetimeMs / 1000));
  const expires = new Date(now + maxAge * 1000).toUTCString();
  return `${cfg.name}=${id}; ${attributes(cfg)}; Expires=${expires}; Max-Age=${maxAge}; ${flags(cfg)}`;
}

/** Set-Cookie that makes the browser drop the session cookie (same name, domain and path, expired). */
export function deletionCookie(cfg: SessionCookieConfig): string {
  return `${cfg.name}=; ${attributes(cfg)}; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; ${flags(cfg)}`;
}
