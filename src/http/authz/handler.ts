/**
 * One handler for every authz endpoint: describe the target (per flavour), pick the cookie domain and portal,
 * authorize, answer. Processing order and status codes follow Authelia (docs/endpoints.md).
 */

import { hash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Authorizer, type AuthzResult, hostWithin } from '../../app/index.js';
import type { AuthzEndpoint, SessionCookieConfig } from '../../config/index.js';
import { type AuthzEvent, type Logger, publishAuthzEvent } from '../../core/index.js';
import type { TrustedProxies } from '../client-ip.js';
import { htmlEscape, sendText } from '../respond.js';
import { FLAVOURS, type FlavourInput } from './flavours.js';
import { withQuery } from './go-query.js';
import { parseTarget } from './target.js';

export interface AuthzHandlerDeps {
  readonly authorize: Authorizer;
  readonly cookieForHost: (host: string) => SessionCookieConfig | undefined;
  readonly trusted: TrustedProxies;
  readonly logger: Logger;
  readonly tls: boolean;
}

const REALM = 'Basic realm="Authorization Required"';
const STATUS_TEXT: Record<number, string> = { 302: 'Found', 303: 'See Other', 401: 'Unauthorized' };

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** 401 for XHR and for clients that do not accept HTML (Authelia's rule), else 302/303 by method. */
function redirectStatus(req: IncomingMessage, method: string): 302 | 303 | 401 {
  const xrw = first(req.headers['x-requested-with']);
  if (xrw !== undefined && xrw.toLowerCase() === 'xmlhttprequest') return 401;
  const accept = first(req.headers.accept);
  if (accept === undefined) return 401;
  if (!accept.includes('text/html')) {
    const firstType = accept.split(',')[0]!.split(';')[0]!.trim();
    if (firstType !== '*/*') return 401;
  }
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS' || method === '' ? 302 : 303;
}

/** A short digest of the Cookie header, so monitoring can group decisions per session without seeing the cookie. */
function sessionDigest(cookie: string | undefined): string | undefined {
  // One-shot crypto.hash: same digest as createHash().update().digest(), without the Hash object per request.
  return cookie ? hash('sha256', cookie, 'base64url').slice(0, 16) : undefined;
}

export function createAuthzHandler(endpoint: AuthzEndpoint, route: string, deps: () => AuthzHandlerDeps) {
  const flavour = FLAVOURS[endpoint.implementation];
  return async function authzHandler(
    req: IncomingMessage,
    res: ServerResponse,
    peer: string,
    pathname: string,
    rawQuery: string,
  ): Promise<void> {
    const started = performance.now();
    const d = deps();
    const trustedPeer = d.trusted.trusts(peer);
    const fwd = (name: string) => (trustedPeer ? first(req.headers[name]) : undefined);
    const ip = d.trusted.clientIp(peer, fwd('x-forwarded-for'));
    const log = (status: number, extra: Record<string, unknown>) => {
      const x = extra as {
        outcome?: AuthzEvent['outcome'];
        policy?: string;
        rule?: number;
        user?: string;
        method?: string;
        url?: string;
      };
      publishAuthzEvent({
        at: Date.now(),
        endpoint: endpoint.name,
        status,
        outcome: x.outcome ?? 'bad-request',
        policy: x.policy ?? '',
        rule: x.rule ?? 0,
        ip,
        username: x.user ?? '',
        method: x.method ?? '',
        url: x.url ?? '',
        // Detection groups denials per session; an allow needs no digest (a hash per check saved).
        session: status === 200 ? undefined : sessionDigest(first(req.headers.cookie)),
        durationMs: performance.now() - started,
      });
      d.logger.info(
        {
          event: 'authz.decision',
          endpoint: endpoint.name,
          status,
          remote_ip: ip,
          duration_ms: Math.round((performance.now() - started) * 1000) / 1000,
          ...extra,
        },
        'authz decision',
      );
    };
    const input: FlavourInput = {
      headers: req.headers,
      fwd,
      query: new URLSearchParams(rawQuery),
      subPath: pathname.slice(route.length),
      requestMethod: req.method ?? '',
      requestUri: req.url ?? '/',
      tls: d.tls,
    };
    const bad = (reason: string) => {
      const status = flavour.badRequestStatus;
      log(status, { outcome: 'bad-request', reason });
      sendText(res, status, status === 400 ? '400 Bad Request' : '401 Unauthorized');
    };

    const spec = flavour.target(input);
    if ('error' in spec) return bad(spec.error);
    const target = parseTarget(spec.url, spec.method);
    if ('error' in target) return bad(target.error);
    const cookieCfg = d.cookieForHost(target.url.hostname);
    if (!cookieCfg) return bad('no session cookie domain for target host');

    let portal: URL | undefined;
    const override = flavour.portalOverride(input);
    if (override !== undefined) {
      // Checked for every flavour, legacy included (Authelia 4.39 did not check legacy's rd: an open redirect).
      try {
        portal = new URL(override);
      } catch {
        return bad('invalid portal URL override');
      }
      if (portal.protocol !== 'https:' || !hostWithin(portal.hostname, cookieCfg.domain)) {
        return bad('portal URL override outside the cookie domain');
      }
    } else if (flavour.usesCookiePortal) {
      if (!cookieCfg.autheliaUrl) return bad('authelia url lookup failed');
      portal = new URL(cookieCfg.autheliaUrl);
    }

    const result: AuthzResult = await d.authorize({
      url: target.url,
      method: target.method,
      ip,
      cookieCfg,
      strategies: endpoint.authnStrategies,
      cookieHeader: first(req.headers.cookie),
      authorization: first(req.headers.authorization),
      proxyAuthorization: first(req.headers['proxy-authorization']),
      sessionUsername: first(req.headers['session-username']),
      legacyAuthBasic: endpoint.implementation === 'Legacy' && input.query.get('auth') === 'basic',
      requestUri: `${target.url.origin}${target.url.pathname}`,
    });
    const { decision, user } = result;
    const common = {
      method: target.method,
      url: `${target.url.origin}${target.url.pathname}`,
      user: user?.username ?? '',
      rule: decision.rule,
      policy: decision.policy,
      outcome: decision.outcome,
      reasons: decision.reasons,
      via: result.via,
      ...(result.sessionDropped ? { session_dropped: result.sessionDropped } : {}),
    };

    if (decision.outcome === 'allow') {
      // Always send all four headers (empty when unknown): Caddy 2.6 leaks its placeholder text otherwise.
      log(200, common);
      return sendText(res, 200, '200 OK', {
        'Remote-User': user?.username ?? '',
        'Remote-Groups': user ? user.groups.join(',') : '',
        'Remote-Name': user?.displayName ?? '',
        'Remote-Email': user?.emails[0] ?? '',
      });
    }
    if (decision.outcome === 'deny') {
      log(403, common);
      return sendText(res, 403, '403 Forbidden');
    }
    if (result.challenge) {
      log(result.challenge.status, common);
      return sendText(
        res,
        result.challenge.status,
        result.challenge.status === 407 ? '407 Proxy Authentication Required' : '401 Unauthorized',
        { [result.challenge.header]: REALM },
      );
    }
    if (!portal) {
      log(401, common);
      return sendText(res, 401, '401 Unauthorized');
    }
    const location = withQuery(portal, { rd: target.url.href, rm: target.method });
    const status = flavour.alwaysUnauthorized ? 401 : redirectStatus(req, target.method);
    log(status, { ...common, redirect: true });
    const body = `<a href="${htmlEscape(location)}">${status} ${STATUS_TEXT[status]}</a>`;
    const head = req.method === 'HEAD';
    res.writeHead(status, {
      location,
      'content-type': 'text/html; charset=utf-8',
      'content-length': head ? 0 : Buffer.byteLength(body),
    });
    res.end(head ? undefined : body);
  };
}
