/**
 * The authz decision flow shared by every proxy flavour: identify (header strategies, session cookie) →
 * required policy → decide. Returns a value; the http layer turns it into a response.
 */
import type { CompiledAccessControl } from '../authz/index.js';
import { decide } from '../authz/index.js';
import type { AuthnStrategy, SessionCookieConfig } from '../config/index.js';
import type { AuthLevel, Clock, Decision } from '../core/index.js';
import type { SessionManager, UserSession } from '../session/index.js';
import { authLevel } from '../session/index.js';
import { checkBasic, parseBasic } from './basic-auth.js';
import type { AuthnUser, PasswordCheck } from './password-check.js';

export interface AuthzRequest {
  readonly url: URL;
  readonly method: string;
  readonly ip: string;
  readonly cookieCfg: SessionCookieConfig;
  readonly strategies: readonly AuthnStrategy[];
  readonly cookieHeader: string | undefined;
  readonly authorization: string | undefined;
  readonly proxyAuthorization: string | undefined;
  readonly sessionUsername: string | undefined;
  /** `/api/verify?auth=basic`: HeaderLegacy reads Authorization and requires it. */
  readonly legacyAuthBasic: boolean;
  readonly requestUri: string;
}

export interface Challenge {
  readonly status: 401 | 407;
  readonly header: 'WWW-Authenticate' | 'Proxy-Authenticate';
}

export type AuthzResult = {
  readonly decision: Decision;
  readonly user: AuthnUser | undefined;
  readonly level: AuthLevel;
  /** Which strategy identified the caller. */
  readonly via: 'cookie' | 'header' | 'none';
  /** Set when a header strategy must answer (bad credentials, or a Basic user lacking level). */
  readonly challenge: Challenge | undefined;
  /** Why a presented session was destroyed, for the log. */
  readonly sessionDropped: string | undefined;
};

type Identified =
  | { kind: 'none' }
  | { kind: 'user'; user: AuthnUser; level: AuthLevel; via: 'cookie' | 'header'; challenge?: Challenge }
  | { kind: 'error'; challenge: Challenge };

const BASIC_CHALLENGE: Challenge = { status: 401, header: 'WWW-Authenticate' };
const PROXY_CHALLENGE: Challenge = { status: 407, header: 'Proxy-Authenticate' };

function userOf(s: UserSession): AuthnUser {
  return { username: s.username, displayName: s.displayName, groups: s.groups, emails: s.emails };
}

export interface AuthorizerDeps {
  readonly acl: () => CompiledAccessControl;
  readonly sessions: SessionManager;
  readonly passwordCheck: PasswordCheck;
  readonly clock: Clock;
  readonly passkeyUvTwoFactors: boolean;
  /** Minimum time a failed Basic check takes (Authelia: 2 s), waited with a timer, not a busy loop. */
  readonly basicFailureDelayMs: number;
}

export function createAuthorizer(deps: AuthorizerDeps) {
  async function headerStrategy(
    value: string | undefined,
    challenge: Challenge,
    req: AuthzRequest,
    required: boolean,
  ): Promise<Identified> {
    if (value === undefined || value === '')
      return required ? { kind: 'error', challenge } : { kind: 'none' };
    const creds = parseBasic(value);
    if (creds === undefined) return { kind: 'none' };
    const started = deps.clock.now();
    const user =
      creds === 'malformed'
        ? undefined
        : await checkBasic(deps.passwordCheck, creds, {
            ip: req.ip,
            requestUri: req.requestUri,
            requestMethod: req.method,
          });
    if (!user) {
      const wait = deps.basicFailureDelayMs - (deps.clock.now() - started);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      return { kind: 'error', challenge };
    }
    // A Basic login is one factor only: two_factor resources answer with the challenge again.
    return { kind: 'user', user, level: 1, via: 'header', challenge };
  }

  async function identify(req: AuthzRequest): Promise<{ id: Identified; dropped?: string }> {
    let dropped: string | undefined;
    for (const s of req.strategies) {
      let r: Identified = { kind: 'none' };
      switch (s.name) {
        case 'HeaderAuthorization':
          r = await headerStrategy(req.authorization, BASIC_CHALLENGE, req, false);
          break;
        case 'HeaderProxyAuthorization':
          r = await headerStrategy(req.proxyAuthorization, PROXY_CHALLENGE, req, false);
          break;
        case 'HeaderAuthRequestProxyAuthorization':
          r = await headerStrategy(req.proxyAuthorization, BASIC_CHALLENGE, req, false);
          break;
        case 'HeaderLegacy':
          r = req.legacyAuthBasic
            ? await headerStrategy(req.authorization, BASIC_CHALLENGE, req, true)
            : await headerStrategy(req.proxyAuthorization, BASIC_CHALLENGE, req, false);
          break;
        case 'CookieSession': {
          const loaded = await deps.sessions.load(req.cookieHeader, req.cookieCfg, {
            sessionUsernameHeader: req.sessionUsername,
          });
          dropped = loaded.destroyed;
          const session = loaded.session;
          if (session) {
            const level = authLevel(session, { passkeyUvTwoFactors: deps.passkeyUvTwoFactors });
            if (level > 0) r = { kind: 'user', user: userOf(session), level, via: 'cookie' };
          }
          break;
        }
      }
      if (r.kind !== 'none') return { id: r, ...(dropped ? { dropped } : {}) };
    }
    return { id: { kind: 'none' }, ...(dropped ? { dropped } : {}) };
  }

  return async function authorize(req: AuthzRequest): Promise<AuthzResult> {
    const { id, dropped } = await identify(req);
    const user = id.kind === 'user' ? id.user : undefined;
    const level: AuthLevel = id.kind === 'user' ? id.level : 0;
    const subject = { username: user?.username ?? '', groups: user?.groups ?? [], ip: req.ip };
    const rawQuery = req.url.search.length > 1 ? req.url.search.slice(1) : '';
    const required = deps.acl().requiredPolicy(subject, {
      host: req.url.hostname,
      path: req.url.pathname,
      rawQuery,
      method: req.method,
    });
    if (id.kind === 'error' && required.policy !== 'bypass') {
      const decision = decide(required, 0, false);
      return {
        decision: { ...decision, outcome: 'login', reasons: [...decision.reasons, 'credentials-invalid'] },
        user: undefined,
        level: 0,
        via: 'header',
        challenge: id.challenge,
        sessionDropped: dropped,
      };
    }
    const decision = decide(required, level, user !== undefined);
    const challenge = id.kind === 'user' && id.via === 'header' ? id.challenge : undefined;
    return {
      decision,
      user,
      level,
      via: id.kind === 'user' ? id.via : 'none',
      challenge,
      sessionDropped: dropped,
    };
  };
}

export type Authorizer = ReturnType<typeof createAuthorizer>;
