/** Where to send the browser after a factor succeeds (Authelia's Handle1FA/2FAResponse rules, A.6). */
import type { CompiledAccessControl } from '../authz/index.js';
import { targetFromUrl } from '../authz/index.js';
import type { SessionCookieConfig } from '../config/index.js';

// Control characters, space, backslash and quotes: Go's ParseRequestURI and WHATWG URL disagree on them,
// and such disagreement is how rule and redirect checks get bypassed.
export const UNSAFE_URL_CHARS = /[\u0000-\u0020\u007f\\"<>`]/;

export function hostWithin(host: string, domain: string): boolean {
  const h = host.toLowerCase();
  const d = domain.toLowerCase();
  return h === d || (h.length > d.length && h.endsWith(d) && h[h.length - d.length - 1] === '.');
}

/** Safe = https/wss, no userinfo, and on (a subdomain of) one of our cookie domains. */
export function isSafeTarget(raw: string, domains: readonly string[]): boolean {
  if (UNSAFE_URL_CHARS.test(raw)) return false;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'wss:') || url.username || url.password) return false;
  return domains.some((d) => hostWithin(url.hostname, d));
}

export interface RedirectContext {
  readonly acl: CompiledAccessControl;
  readonly cookies: readonly SessionCookieConfig[];
  readonly cookieCfg: SessionCookieConfig;
}

/** After the first factor: undefined means "answer plain OK" (the portal moves on or stays). */
export function redirectAfterFirstFactor(
  ctx: RedirectContext,
  user: { username: string; groups: readonly string[] },
  ip: string,
  targetURL: string | undefined,
  requestMethod: string | undefined,
): string | undefined {
  const fallback = ctx.cookieCfg.defaultRedirectionUrl || undefined;
  if (!targetURL) return ctx.acl.isSecondFactorEnabled ? undefined : fallback;
  let url: URL;
  try {
    url = new URL(targetURL);
  } catch {
    return fallback;
  }
  const required = ctx.acl.requiredPolicy(
    { username: user.username, groups: user.groups, ip },
    targetFromUrl(url, requestMethod || 'GET'),
  );
  if (required.policy === 'two_factor') return undefined;
  return isSafeTarget(
    targetURL,
    ctx.cookies.map((c) => c.domain),
  )
    ? targetURL
    : fallback;
}

export function redirectAfterSecondFactor(
  ctx: RedirectContext,
  targetURL: string | undefined,
): string | undefined {
  const fallback = ctx.cookieCfg.defaultRedirectionUrl || undefined;
  if (!targetURL) return fallback;
  return isSafeTarget(
    targetURL,
    ctx.cookies.map((c) => c.domain),
  )
    ? targetURL
    : fallback;
}
