/** Shared steps of the account routes (elevation, TOTP, WebAuthn, passwords): flows present, session, elevation, RP. */
import type { ElevationNeed, RelyingParty } from '../../app/index.js';
import type { SessionCookieConfig } from '../../config/index.js';
import type { UserSession } from '../../session/index.js';
import { ko, sendJson } from '../respond.js';
import { readJson } from './body.js';
import {
  type AccountFlows,
  context,
  type Handler,
  needCookie,
  type PortalDeps,
  type PortalRequest,
} from './portal.js';

export const OPERATION_FAILED = 'Operation failed.';
export const UNAUTHORIZED = 'Unauthorized';

export type AccountHandler = (
  p: PortalRequest,
  a: AccountFlows,
  c: SessionCookieConfig,
  d: PortalDeps,
) => Promise<void>;

/** The account routes exist only when the runtime built the account flows. */
export function withAccount(inner: AccountHandler): Handler {
  return needCookie(async (p, d, c) => {
    if (!d.account) return sendJson(p.res, 404, ko('Not Found'));
    return inner(p, d.account, c, d);
  });
}

/** The JSON body, or the 4xx already sent (undefined). */
export async function body(p: PortalRequest): Promise<Record<string, unknown> | undefined> {
  const b = await readJson(p.req);
  if (b.ok) return b.value;
  sendJson(p.res, b.status, ko('The request body is not valid JSON.'));
  return undefined;
}

/** Authelia's RequireElevated answer: 403 naming the step the portal must run first. */
export function sendNeed(p: PortalRequest, need: ElevationNeed): void {
  sendJson(p.res, 403, {
    status: 'KO',
    message: UNAUTHORIZED,
    ...(need === 'elevation' ? { elevation: true } : { authentication: true }),
    data: { [need]: true },
  });
}

/** Runs `inner` only for an elevated session (or one allowed to skip it), else answers what is missing. */
export function elevated(
  inner: (p: PortalRequest, a: AccountFlows, c: SessionCookieConfig, s: UserSession) => Promise<void>,
): Handler {
  return withAccount(async (p, a, c) => {
    const g = await a.elevation.guard(context(p, c));
    if (!g.ok) {
      p.req.resume();
      return sendNeed(p, g.need);
    }
    return inner(p, a, c, g.session);
  });
}

/** A logged-in session (any level ≥ 1), or 403 after answering. */
export async function loggedIn(
  p: PortalRequest,
  d: PortalDeps,
  c: SessionCookieConfig,
): Promise<UserSession | undefined> {
  const s = await d.flows.current(context(p, c));
  if (s && (s.amr.pwd || s.amr.otp || s.amr.webauthn)) return s;
  p.req.resume();
  sendJson(p.res, 403, ko(OPERATION_FAILED));
  return undefined;
}

function proto(p: PortalRequest): string {
  const h = p.req.headers['x-forwarded-proto'];
  const v = (Array.isArray(h) ? h[0] : h)?.split(',')[0]?.trim().toLowerCase();
  return v === 'http' || v === 'https' ? v : 'https';
}

/** The WebAuthn relying party: RP ID = the portal's hostname, origin = the portal's origin as the browser has it. */
export function relyingParty(p: PortalRequest): RelyingParty {
  const host = p.host.toLowerCase();
  const rpId = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!;
  return { rpId, origin: `${proto(p)}://${host}` };
}

/** The portal's external URL for links in emails: the cookie's authelia_url, else this request's origin. */
export function portalUrl(p: PortalRequest, c: SessionCookieConfig): string {
  return c.autheliaUrl || relyingParty(p).origin;
}

/** The `{id}` of a `/*` route. */
export function lastSegment(p: PortalRequest): string {
  const path = (p.req.url ?? '').split('?')[0]!;
  try {
    return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
  } catch {
    return '';
  }
}
