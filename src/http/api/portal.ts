/**
 * Authelia's portal JSON API (the subset the login flow needs), with its `{status, data|message}` envelope.
 * Handlers are short: read input, call an app flow, render.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  ElevationFlow,
  EnrolmentFlow,
  PasswordFlow,
  PortalFlows,
  PreferencesFlow,
  RequestContext,
  WebAuthnFlow,
} from '../../app/index.js';
import { isSafeTarget } from '../../app/index.js';
import type { SessionCookieConfig } from '../../config/index.js';
import { ko, ok, sendJson } from '../respond.js';
import { readJson, str } from './body.js';

export interface PortalDeps {
  readonly flows: PortalFlows;
  readonly cookies: readonly SessionCookieConfig[];
  readonly cookieForHost: (host: string) => SessionCookieConfig | undefined;
  readonly secondFactorEnabled: () => boolean;
  readonly hasTotp: (username: string) => Promise<boolean>;
  readonly hasWebAuthn?: ((username: string) => Promise<boolean>) | undefined;
  /** The preferred second-factor method; absent = `method` falls back to the first enrolled device (no storage). */
  readonly preferences?: PreferencesFlow | undefined;
  /** `webauthn.experimental_enable_passkey_uv_two_factors`: a user-verified passkey session is level 2. */
  readonly passkeyUvTwoFactors?: boolean | undefined;
  /** Credential management, elevation and password flows (issue 4); absent = those routes answer 404. */
  readonly account?: AccountFlows | undefined;
}

export interface AccountFlows {
  readonly elevation: ElevationFlow;
  readonly enrolment: EnrolmentFlow;
  readonly webauthn: WebAuthnFlow;
  readonly passwords: PasswordFlow;
}

export interface PortalRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The portal's own host as the browser sees it (X-Forwarded-Host from a trusted proxy, else Host). */
  readonly host: string;
  readonly ip: string;
}

// One answer for a wrong password, an unknown user and a ban (Authelia's behaviour, issue 3): telling a
// guesser that a ban started tells them the threshold and when to resume. The portal's wording covers the
// ban case for the honest user instead.
const AUTH_FAILED = 'Authentication failed. Check your credentials.';
const UNAUTHORIZED = 'Unauthorized';
const OPERATION_FAILED = 'Operation failed.';

export type Handler = (p: PortalRequest, d: PortalDeps) => Promise<void>;

export function context(p: PortalRequest, cookieCfg: SessionCookieConfig): RequestContext {
  const cookie = p.req.headers.cookie;
  return {
    ip: p.ip,
    cookieCfg,
    cookieHeader: Array.isArray(cookie) ? cookie[0] : cookie,
    requestUri: p.req.url ?? '/',
    requestMethod: p.req.method ?? 'GET',
  };
}

export function withCookie(setCookie: string | undefined): Record<string, string> | undefined {
  return setCookie ? { 'set-cookie': setCookie } : undefined;
}

/**
 * CSRF defence beside the JSON content type: a state-changing request that carries an Origin (every browser sends
 * one on POST/PUT/DELETE) must come from the portal's own host. Non-browser clients send none and are let through.
 */
export function crossOrigin(p: PortalRequest): boolean {
  const method = p.req.method ?? 'GET';
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return false;
  const origin = p.req.headers.origin;
  if (origin === undefined) return false;
  try {
    return new URL(origin).host.toLowerCase() !== p.host.toLowerCase();
  } catch {
    return true; // 'null' (sandboxed frames, some redirects) or garbage
  }
}

/** Every handler below needs the cookie domain of the portal host; without one there is no session to speak of. */
export function needCookie(
  inner: (p: PortalRequest, d: PortalDeps, c: SessionCookieConfig) => Promise<void>,
): Handler {
  return async (p, d) => {
    if (crossOrigin(p)) {
      p.req.resume();
      return sendJson(p.res, 403, ko('Cross-origin requests are not allowed.'));
    }
    const c = d.cookieForHost(p.host.split(':')[0]!);
    if (!c)
      return sendJson(p.res, 400, ko('The portal host is not within any configured session cookie domain.'));
    return inner(p, d, c);
  };
}

export function needBody(
  inner: (
    p: PortalRequest,
    d: PortalDeps,
    c: SessionCookieConfig,
    body: Record<string, unknown>,
  ) => Promise<void>,
): Handler {
  return needCookie(async (p, d, c) => {
    const body = await readJson(p.req);
    if (!body.ok) return sendJson(p.res, body.status, ko('The request body is not valid JSON.'));
    return inner(p, d, c, body.value);
  });
}

const firstFactor: Handler = needBody(async (p, d, c, b) => {
  const username = str(b['username']);
  const password = str(b['password']);
  if (!username || !password) return sendJson(p.res, 401, ko(AUTH_FAILED));
  const r = await d.flows.firstFactor(
    {
      username,
      password,
      keepMeLoggedIn: b['keepMeLoggedIn'] === true,
      targetURL: str(b['targetURL']),
      requestMethod: str(b['requestMethod']),
    },
    context(p, c),
  );
  // Unlike Authelia, a ban is said out loud: a person locked out needs to know why (bans cover unknown users too).
  if (!r.ok) return sendJson(p.res, 401, ko(AUTH_FAILED));
  sendJson(p.res, 200, ok(r.redirect ? { redirect: r.redirect } : undefined), withCookie(r.setCookie));
});

const secondFactorTotp: Handler = needBody(async (p, d, c, b) => {
  const token = str(b['token']);
  if (!token) return sendJson(p.res, 401, ko(AUTH_FAILED));
  const r = await d.flows.secondFactorTotp({ token, targetURL: str(b['targetURL']) }, context(p, c));
  if (!r.ok) return sendJson(p.res, r.status, ko(AUTH_FAILED));
  sendJson(p.res, 200, ok(r.redirect ? { redirect: r.redirect } : undefined), withCookie(r.setCookie));
});

const logout: Handler = needCookie(async (p, d, c) => {
  // The body is optional for logout; a non-JSON one is ignored rather than trusted.
  const body = p.req.headers['content-type']?.startsWith('application/json')
    ? await readJson(p.req)
    : undefined;
  if (body && !body.ok) return sendJson(p.res, body.status, ko('The request body is not valid JSON.'));
  const target = body?.ok ? str(body.value['targetURL']) : undefined;
  const r = await d.flows.logout(context(p, c));
  const safe = target
    ? isSafeTarget(
        target,
        d.cookies.map((x) => x.domain),
      )
    : false;
  sendJson(p.res, 200, ok({ safeTargetURL: safe }), withCookie(r.setCookie));
});

const state: Handler = needCookie(async (p, d, c) => {
  const s = await d.flows.current(context(p, c));
  const possession = s ? s.amr.otp || s.amr.webauthn : false;
  const uvPasskey = d.passkeyUvTwoFactors === true && s?.amr.webauthn === true && s.amr.uv === true;
  const level = s ? ((s.amr.pwd && possession) || uvPasskey ? 2 : s.amr.pwd || possession ? 1 : 0) : 0;
  sendJson(
    p.res,
    200,
    ok({
      username: s?.username ?? '',
      authentication_level: level,
      default_redirection_url: c.defaultRedirectionUrl,
    }),
  );
});

/** A session past its first factor (Authelia's RequireFirstFactor), or undefined after answering 401. */
async function firstFactorSession(p: PortalRequest, d: PortalDeps, c: SessionCookieConfig) {
  const s = await d.flows.current(context(p, c));
  if (s && (s.amr.pwd || s.amr.otp || s.amr.webauthn)) return s;
  p.req.resume();
  sendJson(p.res, 401, ko(UNAUTHORIZED));
  return undefined;
}

// GET and POST alike (Authelia serves both): the stored preference, or the default it stores in its place.
const userInfo: Handler = needCookie(async (p, d, c) => {
  const s = await firstFactorSession(p, d, c);
  if (!s) return;
  p.req.resume();
  let info: { method: string; hasTotp: boolean; hasWebAuthn: boolean; hasDuo: boolean };
  if (d.preferences) info = await d.preferences.info(s.username);
  else {
    const hasTotp = await d.hasTotp(s.username);
    const hasWebAuthn = (await d.hasWebAuthn?.(s.username)) ?? false;
    info = { method: !hasTotp && hasWebAuthn ? 'webauthn' : 'totp', hasTotp, hasWebAuthn, hasDuo: false };
  }
  sendJson(
    p.res,
    200,
    ok({
      display_name: s.displayName,
      emails: s.emails,
      method: info.method,
      has_totp: info.hasTotp,
      has_webauthn: info.hasWebAuthn,
      has_duo: info.hasDuo,
    }),
  );
});

/** POST /api/user/info/2fa_method `{method}`: only a method enabled in the configuration is stored. */
const preferredMethod: Handler = needBody(async (p, d, c, b) => {
  const s = await firstFactorSession(p, d, c);
  if (!s) return;
  if (!d.preferences) return sendJson(p.res, 404, ko('Not Found'));
  const r = await d.preferences.setMethod(s.username, b['method']);
  if (!r.ok) return sendJson(p.res, 400, ko(OPERATION_FAILED));
  sendJson(p.res, 200, ok());
});

const safeRedirection: Handler = needBody(async (p, d, c, b) => {
  const s = await d.flows.current(context(p, c));
  if (!s) return sendJson(p.res, 401, ko(UNAUTHORIZED));
  const uri = str(b['uri']) ?? '';
  sendJson(
    p.res,
    200,
    ok({
      ok: isSafeTarget(
        uri,
        d.cookies.map((x) => x.domain),
      ),
    }),
  );
});

/** The session API: method + path (after the server's sub-path) → handler. */
export const SESSION_ROUTES: ReadonlyMap<string, Handler> = new Map([
  ['GET /api/state', state],
  ['POST /api/firstfactor', firstFactor],
  ['POST /api/secondfactor/totp', secondFactorTotp],
  ['POST /api/logout', logout],
  ['GET /api/user/info', userInfo],
  ['POST /api/user/info', userInfo],
  ['POST /api/user/info/2fa_method', preferredMethod],
  ['POST /api/checks/safe-redirection', safeRedirection],
]);
