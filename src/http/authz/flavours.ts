/**
 * The proxy flavours as one table of small functions (Authelia's AuthzBuilder): where the original request is
 * described, where a portal override comes from, and how "please log in" is answered.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { AuthzImplementation } from '../../config/index.js';

export interface FlavourInput {
  readonly headers: IncomingHttpHeaders;
  /** Forwarded headers, already emptied when the peer is not a trusted proxy. */
  readonly fwd: (name: string) => string | undefined;
  readonly query: URLSearchParams;
  /** Path after the endpoint's route, for sub-path flavours (ext-authz, legacy). */
  readonly subPath: string;
  readonly requestMethod: string;
  readonly requestUri: string;
  readonly tls: boolean;
}

export type TargetSpec = { readonly url: string; readonly method: string } | { readonly error: string };

export interface Flavour {
  readonly subPaths: boolean;
  readonly anyMethod: boolean;
  /** Status for a request we cannot even describe: 400, except legacy which answers 401. */
  readonly badRequestStatus: 400 | 401;
  target(i: FlavourInput): TargetSpec;
  portalOverride(i: FlavourInput): string | undefined;
  /** Legacy never falls back to session.cookies[].authelia_url. */
  readonly usesCookiePortal: boolean;
  /** nginx auth_request accepts only 2xx/401/403, so AuthRequest always answers 401 (+ Location). */
  readonly alwaysUnauthorized: boolean;
}

function header(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

function forwardedTarget(i: FlavourInput, host: string | undefined, uri: string | undefined): TargetSpec {
  if (!host) return { error: 'missing X-Forwarded-Host' };
  const proto = i.fwd('x-forwarded-proto') ?? (i.tls ? 'https' : 'http');
  return { url: `${proto}://${host}${uri ?? ''}`, method: '' };
}

export const FLAVOURS: Readonly<Record<AuthzImplementation, Flavour>> = {
  ForwardAuth: {
    subPaths: false,
    anyMethod: false,
    badRequestStatus: 400,
    usesCookiePortal: true,
    alwaysUnauthorized: false,
    target(i) {
      const t = forwardedTarget(i, i.fwd('x-forwarded-host'), i.fwd('x-forwarded-uri'));
      if ('error' in t) return t;
      const method = i.fwd('x-forwarded-method');
      return method === undefined ? { error: 'missing X-Forwarded-Method' } : { url: t.url, method };
    },
    portalOverride: (i) => i.query.get('authelia_url') ?? undefined,
  },
  AuthRequest: {
    subPaths: false,
    anyMethod: false,
    badRequestStatus: 400,
    usesCookiePortal: true,
    alwaysUnauthorized: true,
    target(i) {
      const url = i.fwd('x-original-url');
      const method = i.fwd('x-original-method');
      if (url === undefined) return { error: 'missing X-Original-URL' };
      if (method === undefined) return { error: 'missing X-Original-Method' };
      return { url, method };
    },
    portalOverride: (i) => i.query.get('authelia_url') ?? undefined,
  },
  ExtAuthz: {
    subPaths: true,
    anyMethod: true,
    badRequestStatus: 400,
    usesCookiePortal: true,
    alwaysUnauthorized: false,
    target(i) {
      const t = forwardedTarget(i, header(i.headers, 'host'), i.subPath || '/');
      return 'error' in t ? t : { url: t.url, method: i.requestMethod };
    },
    portalOverride: (i) => header(i.headers, 'x-authelia-url'),
  },
  Legacy: {
    subPaths: true,
    anyMethod: true,
    badRequestStatus: 401,
    usesCookiePortal: false,
    alwaysUnauthorized: false,
    target(i) {
      const method = i.fwd('x-forwarded-method') ?? i.requestMethod;
      const original = i.fwd('x-original-url');
      if (original !== undefined) return { url: original, method };
      const t = forwardedTarget(
        i,
        i.fwd('x-forwarded-host') ?? header(i.headers, 'host'),
        i.fwd('x-forwarded-uri') ?? i.requestUri,
      );
      return 'error' in t ? t : { url: t.url, method };
    },
    portalOverride: (i) => i.query.get('rd') ?? header(i.headers, 'x-authelia-url'),
  },
};
