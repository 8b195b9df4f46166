/**
 * Serves the built portal (dist/portal): index.html for the SPA's routes with a per-response CSP nonce and the
 * portal settings in `data-*`, and the hashed assets with a year-long immutable cache.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/index.js';
import type { PortalSettings } from './api/contract.js';
import { htmlEscape, sendText } from './respond.js';

/** dist/portal, both from dist/http (built) and from src/http (tsx). */
export const DEFAULT_PORTAL_ROOT = fileURLToPath(new URL('../../dist/portal/', import.meta.url));

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** The SPA's client-side routes (after the server's sub-path); everything else under /api stays the API's. */
const SPA_ROUTE =
  /^\/(?:|2fa(?:\/[\w-]+)?|settings(?:\/[\w-]+)?|reset-password\/step[12]|revoke\/(?:reset-password|one-time-code)|logout)$/;

export const NONCE_PLACEHOLDER = '__PORTCULLIS_CSP_NONCE__';

export function defaultCsp(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'self' 'nonce-${nonce}'`,
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "manifest-src 'self'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

export type PortalConfig = Pick<Config, 'theme' | 'totp' | 'webauthn' | 'authenticationBackend' | 'server'>;

export interface PortalStaticOptions {
  readonly config: PortalConfig;
  /** Remember-me depends on the session cookie of the portal host (`remember_me: -1` hides the checkbox). */
  readonly rememberMeFor: (host: string) => boolean;
  readonly root?: string;
}

interface Asset {
  readonly body: Buffer;
  readonly type: string;
  readonly immutable: boolean;
}

export type PortalStatic = (res: ServerResponse, path: string, host: string) => boolean;

export function portalSettings(config: PortalConfig, rememberMe: boolean): PortalSettings {
  const reset = config.authenticationBackend.passwordReset;
  return {
    theme: config.theme,
    basePath: config.server.address.path,
    rememberMe,
    resetPassword: !reset.disable,
    resetPasswordCustomUrl: reset.customUrl,
    passwordChange: !config.authenticationBackend.passwordChange.disable,
    passkeyLogin: !config.webauthn.disable && config.webauthn.enablePasskeyLogin,
    totp: !config.totp.disable,
    webauthn: !config.webauthn.disable,
  };
}

/**
 * Loads the build once. Returns a function that answers a GET/HEAD for `path` (after the sub-path) and returns
 * false when the path is not the portal's, so the caller can answer 404.
 */
export function createPortalStatic(opts: PortalStaticOptions): PortalStatic {
  const root = opts.root ?? DEFAULT_PORTAL_ROOT;
  const indexPath = join(root, 'index.html');
  const built = existsSync(indexPath);
  // The index is split around the nonce once, so each response is a join, not a re-parse.
  const index = built ? prepareIndex(readFileSync(indexPath, 'utf8')) : undefined;
  const assets = new Map<string, Asset>();
  if (built) {
    for (const name of readdirSync(root)) {
      if (name === 'index.html' || !TYPES[extname(name)]) continue;
      assets.set(`/${name}`, {
        body: readFileSync(join(root, name)),
        type: TYPES[extname(name)]!,
        immutable: false,
      });
    }
    const assetDir = join(root, 'assets');
    if (existsSync(assetDir)) {
      for (const name of readdirSync(assetDir)) {
        const type = TYPES[extname(name)];
        if (type)
          assets.set(`/assets/${name}`, { body: readFileSync(join(assetDir, name)), type, immutable: true });
      }
    }
  }
  const csp = (nonce: string) => {
    const tpl = opts.config.server.headers.cspTemplate;
    return tpl ? tpl.replaceAll('${NONCE}', nonce) : defaultCsp(nonce);
  };

  return (res, path, host) => {
    const head = res.req?.method === 'HEAD';
    const asset = assets.get(path);
    if (asset) {
      res.writeHead(200, {
        'content-type': asset.type,
        'content-length': asset.body.length,
        'cache-control': asset.immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=3600',
        'x-content-type-options': 'nosniff',
      });
      res.end(head ? undefined : asset.body);
      return true;
    }
    if (path.startsWith('/assets/')) return false;
    if (!SPA_ROUTE.test(path)) return false;
    if (!index) {
      sendText(res, 503, 'The portal has not been built. Run `npm run build` (it runs `vite build web`).', {
        'cache-control': 'no-store',
      });
      return true;
    }
    const nonce = randomBytes(18).toString('base64url');
    const settings = portalSettings(opts.config, opts.rememberMeFor(host.split(':')[0]!));
    const body = index(nonce, settings);
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-store',
      'content-security-policy': csp(nonce),
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'strict-origin-when-cross-origin',
      'permissions-policy': 'camera=(), microphone=(), geolocation=()',
    });
    res.end(head ? undefined : body);
    return true;
  };
}

/**
 * Adds the nonce to every <script> and stylesheet <link> Vite emitted, and the settings to <body>, with the
 * base href that makes the relative asset URLs work under a sub-path.
 */
export function prepareIndex(html: string): (nonce: string, settings: PortalSettings) => string {
  const tagged = html
    .replace(/<script\b/g, `<script nonce="${NONCE_PLACEHOLDER}"`)
    .replace(/<link\b(?=[^>]*rel="(?:stylesheet|modulepreload)")/g, `<link nonce="${NONCE_PLACEHOLDER}"`)
    .replace(/<style\b/g, `<style nonce="${NONCE_PLACEHOLDER}"`);
  const parts = tagged.split(NONCE_PLACEHOLDER);
  return (nonce, settings) => {
    const body = `<body data-theme="${htmlEscape(settings.theme)}" data-settings="${htmlEscape(JSON.stringify(settings))}"`;
    const base = `<base href="${htmlEscape(settings.basePath)}/" />`;
    return parts
      .join(nonce)
      .replace(/<body\b/, () => body)
      .replace(/<head>/, () => `<head>${base}`);
  };
}
