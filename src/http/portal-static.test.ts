import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PortalSettings } from './api/contract.js';
import { createPortalStatic, type PortalConfig, prepareIndex } from './portal-static.js';

const INDEX = `<!doctype html><html><head><meta charset="utf-8" />
<script type="module" crossorigin src="./assets/index-abc123.js"></script>
<link rel="stylesheet" crossorigin href="./assets/index-def456.css"></head>
<body><div id="app"></div></body></html>`;

function config(
  over: { theme?: PortalConfig['theme']; csp?: string; path?: string; passkey?: boolean } = {},
): PortalConfig {
  return {
    theme: over.theme ?? 'dark',
    totp: { disable: false } as PortalConfig['totp'],
    webauthn: { disable: false, enablePasskeyLogin: over.passkey ?? false } as PortalConfig['webauthn'],
    authenticationBackend: {
      passwordReset: { disable: false, customUrl: '' },
      passwordChange: { disable: true },
    } as unknown as PortalConfig['authenticationBackend'],
    server: {
      address: { path: over.path ?? '' },
      headers: { cspTemplate: over.csp ?? '' },
    } as PortalConfig['server'],
  };
}

function settingsOf(html: string): PortalSettings {
  const m = /data-settings="([^"]*)"/.exec(html);
  assert.ok(m, 'index has data-settings');
  return JSON.parse(
    m[1]!.replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c))),
  ) as PortalSettings;
}

/** fetch() cannot set Host; node:http can. */
function getWithHost(url: string, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

describe('portal static files', () => {
  let root: string;
  let server: Server;
  let base: string;
  const servers: Server[] = [];

  async function serve(opts: Parameters<typeof createPortalStatic>[0]): Promise<string> {
    const handle = createPortalStatic(opts);
    const s = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (!handle(res, path, req.headers.host ?? '')) res.writeHead(404).end('nope');
    });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    servers.push(s);
    const a = s.address();
    return `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  }

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'portal-static-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), INDEX);
    writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(join(root, 'assets', 'index-def456.css'), 'body{}');
    writeFileSync(join(root, 'assets', 'notes.exe'), 'MZ');
    writeFileSync(join(root, 'favicon.svg'), '<svg/>');
    base = await serve({ root, config: config(), rememberMeFor: (host) => host === 'auth.example.com' });
    server = servers[0]!;
  });
  after(() => {
    for (const s of servers) s.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves index.html for each SPA route with a fresh nonce in the CSP and on every script and stylesheet', async () => {
    const nonces = new Set<string>();
    const paths = [
      '/',
      '/settings',
      '/reset-password/step2',
      '/logout',
      '/2fa/one-time-password',
      '/revoke/reset-password',
      '/revoke/one-time-code',
    ];
    for (const path of paths) {
      const res = await fetch(`${base}${path}?token=x`);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      const csp = res.headers.get('content-security-policy') ?? '';
      const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
      assert.ok(nonce, `CSP carries a nonce: ${csp}`);
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      const html = await res.text();
      assert.match(html, new RegExp(`<script nonce="${nonce}" type="module"`));
      assert.match(html, new RegExp(`<link nonce="${nonce}" rel="stylesheet"`));
      nonces.add(nonce);
    }
    assert.equal(nonces.size, paths.length, 'every response gets its own nonce');
    assert.ok(server.listening);
  });

  it('writes the theme and settings from the config, remember-me per portal host', async () => {
    const a = await getWithHost(`${base}/`, 'auth.example.com');
    assert.match(a, /<body data-theme="dark"/);
    assert.match(a, /<head><base href="\/" \/>/);
    const s = settingsOf(a);
    assert.equal(s.rememberMe, true);
    assert.equal(s.resetPassword, true);
    assert.equal(s.passwordChange, false);
    assert.equal(s.passkeyLogin, false);
    const b = await getWithHost(`${base}/`, 'other.example.org');
    assert.equal(settingsOf(b).rememberMe, false);
  });

  it('uses server.headers.csp_template with ${NONCE} replaced, and the sub-path as base href', async () => {
    const url = await serve({
      root,
      config: config({
        theme: 'auto',
        csp: "default-src 'self'; script-src 'nonce-${NONCE}'",
        path: '/authelia',
        passkey: true,
      }),
      rememberMeFor: () => false,
    });
    const res = await fetch(`${url}/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1] ?? '';
    assert.equal(csp, `default-src 'self'; script-src 'nonce-${nonce}'`);
    const html = await res.text();
    assert.match(html, /<base href="\/authelia\/" \/>/);
    assert.match(html, /data-theme="auto"/);
    assert.equal(settingsOf(html).passkeyLogin, true);
    assert.equal(settingsOf(html).basePath, '/authelia');
  });

  it('serves hashed assets as immutable for a year and other files briefly', async () => {
    const js = await fetch(`${base}/assets/index-abc123.js`);
    assert.equal(js.status, 200);
    assert.equal(js.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(await js.text(), 'console.log(1)');
    const icon = await fetch(`${base}/favicon.svg`);
    assert.equal(icon.headers.get('cache-control'), 'public, max-age=3600');
    assert.equal(icon.headers.get('content-type'), 'image/svg+xml');
  });

  it('answers nothing for unknown assets, unknown types, traversal and non-portal paths', async () => {
    for (const path of [
      '/assets/missing.js',
      '/assets/notes.exe',
      '/assets/../index.html',
      '/%2e%2e/etc/passwd',
      '/api/nothing',
      '/settingsx',
      '/index.html',
      '/revoke',
      '/revoke/',
      '/revoke/password',
      '/revoke/one-time-code/x',
    ]) {
      const res = await fetch(`${base}${path}`);
      assert.equal(res.status, 404, path);
      await res.text();
    }
  });

  it('explains a missing build instead of serving an empty page', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'portal-empty-'));
    const url = await serve({ root: empty, config: config(), rememberMeFor: () => false });
    const res = await fetch(`${url}/`);
    assert.equal(res.status, 503);
    assert.match(await res.text(), /npm run build/);
    rmSync(empty, { recursive: true, force: true });
  });

  it('escapes settings so a config value cannot break out of the attribute', () => {
    const render = prepareIndex('<html><head></head><body></body></html>');
    const html = render('n0nce', {
      theme: 'light',
      basePath: '',
      rememberMe: false,
      resetPassword: true,
      resetPasswordCustomUrl: 'https://x.example.com/"><script>alert(1)</script>$&',
      passwordChange: true,
      passkeyLogin: false,
      totp: true,
      webauthn: true,
    });
    assert.doesNotMatch(html, /<script>/);
    assert.equal(
      settingsOf(html).resetPasswordCustomUrl,
      'https://x.example.com/"><script>alert(1)</script>$&',
    );
  });
});
