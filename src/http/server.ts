/**
 * The gateway's node:http server: a small exact-match router (the hot path cannot afford a framework,
 * see docs/decisions/0003), the server's sub-path, and one catch that fails closed.
 */

import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Authorizer, PortalFlows, PreferencesFlow } from '../app/index.js';
import type { AuthzEndpoint, SessionCookieConfig } from '../config/index.js';
import { isPortcullisError, type Logger, publishRequestEvent } from '../core/index.js';
import type { AccountFlows, PortalDeps } from './api/portal.js';
import { PORTAL_ROUTES } from './api/routes.js';
import { createAuthzHandler } from './authz/handler.js';
import { createTrustedProxies } from './client-ip.js';
import type { PortalStatic } from './portal-static.js';
import { ko, sendJson, sendText } from './respond.js';

export interface GatewayDeps {
  readonly pathPrefix: string;
  readonly endpoints: readonly AuthzEndpoint[];
  readonly trustedProxies: readonly string[];
  readonly authorize: Authorizer;
  readonly flows: PortalFlows;
  readonly cookies: readonly SessionCookieConfig[];
  readonly cookieForHost: (host: string) => SessionCookieConfig | undefined;
  readonly secondFactorEnabled: () => boolean;
  readonly hasTotp: (username: string) => Promise<boolean>;
  readonly hasWebAuthn?: ((username: string) => Promise<boolean>) | undefined;
  readonly preferences?: PreferencesFlow | undefined;
  readonly account?: AccountFlows | undefined;
  readonly passkeyUvTwoFactors?: boolean | undefined;
  readonly logger: Logger;
  /** Where `authz.decision` events go (the runtime's redaction-free decision logger); default `logger`. */
  readonly decisionLogger?: Logger | undefined;
  /** PEM material when the listener itself terminates TLS (`server.tls`); client CAs turn on mTLS. */
  readonly tls: { readonly key: string; readonly cert: string; readonly ca: readonly string[] } | undefined;
  readonly maxHeaderSize: number;
  /** Dependencies `/api/health` reports (storage, sessions); absent = always OK. */
  readonly health?:
    | (() => Promise<{ ok: boolean; dependencies: Readonly<Record<string, string>> }>)
    | undefined;
  /** The built login portal (index.html for its routes, /assets/*); absent = API only. */
  readonly portal?: PortalStatic;
}

type AuthzFn = ReturnType<typeof createAuthzHandler>;

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
};

/** Authelia binds `legacy` to /api/verify and any other name X to /api/authz/X. */
export function routeFor(endpoint: AuthzEndpoint): string {
  return endpoint.name === 'legacy' ? '/api/verify' : `/api/authz/${endpoint.name}`;
}

export function createGatewayServer(deps: GatewayDeps): Server {
  const trusted = createTrustedProxies(deps.trustedProxies);
  const handlerDeps = {
    authorize: deps.authorize,
    cookieForHost: deps.cookieForHost,
    trusted,
    logger: deps.decisionLogger ?? deps.logger,
    tls: deps.tls !== undefined,
  };
  const exact = new Map<string, { fn: AuthzFn; anyMethod: boolean }>();
  const prefixed: { route: string; fn: AuthzFn }[] = [];
  for (const ep of deps.endpoints) {
    const route = routeFor(ep);
    const fn = createAuthzHandler(ep, route, () => handlerDeps);
    const anyMethod = ep.implementation === 'ExtAuthz' || ep.implementation === 'Legacy';
    exact.set(route, { fn, anyMethod });
    if (anyMethod) prefixed.push({ route: `${route}/`, fn });
  }
  const portalDeps: PortalDeps = {
    flows: deps.flows,
    cookies: deps.cookies,
    cookieForHost: deps.cookieForHost,
    secondFactorEnabled: deps.secondFactorEnabled,
    hasTotp: deps.hasTotp,
    hasWebAuthn: deps.hasWebAuthn,
    preferences: deps.preferences,
    account: deps.account,
    passkeyUvTwoFactors: deps.passkeyUvTwoFactors,
  };
  const prefix = deps.pathPrefix;

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    let path = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const rawQuery = q < 0 ? '' : rawUrl.slice(q + 1);
    if (prefix) {
      if (path !== prefix && !path.startsWith(`${prefix}/`)) return sendText(res, 404, '404 Not Found');
      path = path.slice(prefix.length) || '/';
    }
    const peer = req.socket.remoteAddress ?? '';
    const method = req.method ?? 'GET';

    const authz = exact.get(path);
    if (authz) {
      if (!authz.anyMethod && method !== 'GET' && method !== 'HEAD') {
        return sendText(res, 405, '405 Method Not Allowed', { allow: 'GET, HEAD' });
      }
      return authz.fn(req, res, peer, path, rawQuery);
    }
    for (const p of prefixed) {
      if (path.startsWith(p.route)) return p.fn(req, res, peer, path, rawQuery);
    }
    if (path === '/api/health' && (method === 'GET' || method === 'HEAD')) {
      if (!deps.health) return sendJson(res, 200, { status: 'OK' });
      return deps.health().then(
        (h) =>
          sendJson(
            res,
            h.ok ? 200 : 503,
            h.ok ? { status: 'OK' } : { status: 'KO', dependencies: h.dependencies },
          ),
        () => sendJson(res, 503, { status: 'KO' }),
      );
    }
    // `/*` entries take one trailing path segment (an id), read by the handler from the URL.
    const handler =
      PORTAL_ROUTES.get(`${method} ${path}`) ??
      PORTAL_ROUTES.get(`${method} ${path.slice(0, path.lastIndexOf('/'))}/*`);
    if (handler) {
      for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
      const fwdHost = trusted.trusts(peer) ? req.headers['x-forwarded-host'] : undefined;
      const host = (Array.isArray(fwdHost) ? fwdHost[0] : fwdHost) ?? req.headers.host ?? '';
      const xff = req.headers['x-forwarded-for'];
      const ip = trusted.clientIp(peer, Array.isArray(xff) ? xff[0] : xff);
      return handler({ req, res, host, ip }, portalDeps);
    }
    if (deps.portal && (method === 'GET' || method === 'HEAD')) {
      const fwdHost = trusted.trusts(peer) ? req.headers['x-forwarded-host'] : undefined;
      if (deps.portal(res, path, (Array.isArray(fwdHost) ? fwdHost[0] : fwdHost) ?? req.headers.host ?? ''))
        return;
    }
    return sendText(res, 404, '404 Not Found');
  }

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    res.once('finish', () =>
      publishRequestEvent({
        method: req.method ?? '',
        status: res.statusCode,
        durationMs: performance.now() - started,
      }),
    );
    route(req, res).catch((err: unknown) => {
      // Fail closed: whatever broke, the answer is never a 2xx.
      const overloaded = isPortcullisError(err) && err.code === 'ERR_OVERLOADED';
      if (!overloaded) deps.logger.error({ err, url: req.url }, 'request failed');
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const status = overloaded ? 503 : 500;
      if ((req.url ?? '').includes('/api/authz/') || (req.url ?? '').includes('/api/verify')) {
        sendText(res, status, overloaded ? '503 Service Unavailable' : '500 Internal Server Error');
      } else {
        sendJson(res, status, ko(overloaded ? 'Too many requests, try again shortly.' : 'Internal error.'), {
          ...(overloaded ? { 'retry-after': '1' } : {}),
        });
      }
    });
  };
  const server: Server = deps.tls
    ? createHttpsServer(
        {
          maxHeaderSize: deps.maxHeaderSize,
          key: deps.tls.key,
          cert: deps.tls.cert,
          ...(deps.tls.ca.length
            ? { ca: [...deps.tls.ca], requestCert: true, rejectUnauthorized: true }
            : {}),
        },
        handler,
      )
    : createHttpServer({ maxHeaderSize: deps.maxHeaderSize }, handler);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}
