/**
 * Forgotten password: `/api/reset-password/identity/start` (always OK), `/identity/finish` (the emailed link; sets a
 * short-lived reset cookie), `POST /api/reset-password` (the new password), `DELETE` (revoke a link); and the
 * policy the portal shows (`GET /api/configuration/password-policy`).
 */
import type { SessionCookieConfig } from '../../config/index.js';
import { ko, ok, sendJson } from '../respond.js';
import { body, OPERATION_FAILED, portalUrl, withAccount } from './account-helpers.js';
import { str } from './body.js';
import type { Handler, PortalRequest } from './portal.js';

const grantCookie = (c: SessionCookieConfig) => `${c.name}_reset`;

function readGrant(p: PortalRequest, c: SessionCookieConfig): string | undefined {
  const header = p.req.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [k, v] = part.trim().split('=', 2);
    if (k === grantCookie(c) && v) return v;
  }
  return undefined;
}

/** Host-only, path-wide, HttpOnly and SameSite=Strict: only the portal page that followed the link can use it. */
function setGrant(c: SessionCookieConfig, value: string, maxAgeMs: number): string {
  return `${grantCookie(c)}=${value}; Path=/; Max-Age=${Math.floor(maxAgeMs / 1000)}; HttpOnly; Secure; SameSite=Strict`;
}

const start: Handler = withAccount(async (p, a, c) => {
  const b = await body(p);
  if (!b) return;
  const username = str(b['username']);
  if (!username) return sendJson(p.res, 400, ko(OPERATION_FAILED));
  const r = a.passwords.resetStart(username, p.ip, portalUrl(p, c), c.domain);
  if (!r.ok) return sendJson(p.res, r.status, ko(OPERATION_FAILED));
  sendJson(p.res, 200, ok());
});

const finish: Handler = withAccount(async (p, a, c) => {
  const b = await body(p);
  if (!b) return;
  const token = str(b['token']);
  if (!token) return sendJson(p.res, 400, ko(OPERATION_FAILED));
  const r = await a.passwords.resetFinish(token, p.ip);
  if (!r.ok) return sendJson(p.res, r.status, ko(OPERATION_FAILED));
  sendJson(p.res, 200, ok(), { 'set-cookie': setGrant(c, r.data.grant, r.data.maxAge) });
});

const reset: Handler = withAccount(async (p, a, c) => {
  const b = await body(p);
  if (!b) return;
  const password = str(b['password']);
  if (password === undefined) return sendJson(p.res, 400, ko(OPERATION_FAILED));
  const r = await a.passwords.resetPassword(readGrant(p, c), password, p.ip, c.domain);
  if (!r.ok) return sendJson(p.res, r.status, ko(r.message ?? OPERATION_FAILED));
  sendJson(p.res, 200, ok(), { 'set-cookie': setGrant(c, '', 0) });
});

const revoke: Handler = withAccount(async (p, a) => {
  const b = await body(p);
  if (!b) return;
  const token = str(b['token']);
  if (!token) return sendJson(p.res, 400, ko(OPERATION_FAILED));
  const r = await a.passwords.revokeToken(token, p.ip);
  if (!r.ok) return sendJson(p.res, r.status, ko(OPERATION_FAILED));
  sendJson(p.res, 200, ok());
});

const policy: Handler = withAccount(async (p, a) => {
  sendJson(p.res, 200, ok(a.passwords.policy));
});

export const RESET_PASSWORD_ROUTES: ReadonlyMap<string, Handler> = new Map([
  ['POST /api/reset-password/identity/start', start],
  ['POST /api/reset-password/identity/finish', finish],
  ['POST /api/reset-password', reset],
  ['DELETE /api/reset-password', revoke],
  ['GET /api/configuration/password-policy', policy],
]);
