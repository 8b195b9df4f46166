/**
 * The demo's TLS front door on one port: the portal host is proxied to the gateway, and the app host is a tiny
 * "hello" app that asks the gateway's forward-auth endpoint before every request (what Caddy/nginx do in production).
 */
import {
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer, type Server } from 'node:https';

export interface DemoFrontOptions {
  readonly key: string;
  readonly cert: string;
  /** Host names as the browser sees them (without port). */
  readonly portalHost: string;
  readonly appHost: string;
  /** Port the browser uses (the front's own port); part of every forwarded host. */
  readonly publicPort: number;
  readonly gateway: { readonly host: string; readonly port: number };
}

/** Hop-by-hop headers (RFC 9110 §7.6.1) and forwarded headers the front sets itself, so clients cannot spoof them. */
const DROP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-uri',
  'x-forwarded-method',
  'x-original-url',
  'remote-user',
  'remote-groups',
  'remote-email',
  'remote-name',
]);

function forwardHeaders(req: IncomingMessage): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !DROP.has(k)) out[k] = v;
  out['x-forwarded-proto'] = 'https';
  out['x-forwarded-host'] = req.headers.host ?? '';
  out['x-forwarded-for'] = req.socket.remoteAddress ?? '';
  return out;
}

function proxy(req: IncomingMessage, res: ServerResponse, o: DemoFrontOptions): void {
  const up = httpRequest(
    {
      host: o.gateway.host,
      port: o.gateway.port,
      method: req.method,
      path: req.url,
      headers: forwardHeaders(req),
    },
    (ur) => {
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      ur.pipe(res);
    },
  );
  up.on('error', () => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end('The Portcullis gateway is not answering.');
  });
  req.pipe(up);
}

/** Asks the gateway about this request exactly as Caddy's forward_auth does (method, proto, host, URI headers). */
function forwardAuth(
  req: IncomingMessage,
  o: DemoFrontOptions,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  const headers: Record<string, string | string[]> = {
    ...forwardHeaders(req),
    'x-forwarded-method': req.method ?? 'GET',
    'x-forwarded-uri': req.url ?? '/',
  };
  delete headers['content-length'];
  return new Promise((resolve, reject) => {
    const r = httpRequest(
      { host: o.gateway.host, port: o.gateway.port, method: 'GET', path: '/api/authz/forward-auth', headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    r.on('error', reject);
    r.end();
  });
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function appPage(o: DemoFrontOptions, path: string, h: IncomingHttpHeaders): string {
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';
  const user = one(h['remote-user']);
  const name = one(h['remote-name']) || user;
  const portal = `https://${o.portalHost}:${o.publicPort}`;
  const app = `https://${o.appHost}:${o.publicPort}`;
  const secure = path.startsWith('/secure');
  const rows = [
    ['Remote-User', user],
    ['Remote-Name', one(h['remote-name'])],
    ['Remote-Email', one(h['remote-email'])],
    ['Remote-Groups', one(h['remote-groups'])],
  ]
    .map(([k, v]) => `<tr><th>${esc(k!)}</th><td>${esc(v || '—')}</td></tr>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Demo app · Portcullis</title><style>
:root{color-scheme:light dark;--bg:#f6f7f9;--card:#fff;--text:#161b22;--muted:#5c6675;--line:#e3e7ee;--accent:#1e7a46}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--card:#161b24;--text:#e7ebf1;--muted:#98a3b3;--line:#262e3b;--accent:#5fd393}}
body{margin:0;background:var(--bg);color:var(--text);font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}
main{max-width:560px;margin:56px auto;padding:32px;background:var(--card);border:1px solid var(--line);border-radius:16px}
h1{margin:0 0 4px;font-size:24px}p{color:var(--muted);margin:0 0 20px}table{width:100%;border-collapse:collapse;margin:8px 0 24px}
th,td{text-align:left;padding:8px 0;border-bottom:1px solid var(--line);font-size:14px}th{color:var(--muted);font-weight:600;width:40%}
.pill{display:inline-block;padding:2px 10px;border-radius:999px;font-size:12px;font-weight:600;color:var(--accent);border:1px solid currentColor;margin-bottom:16px}
nav a{margin-right:16px;color:inherit;font-weight:600}</style></head><body><main>
<span class="pill">${secure ? 'two-factor area' : 'one-factor area'}</span>
<h1 id="greeting">Hello, ${esc(name)}</h1>
<p>This small app sits behind Portcullis. Every request was checked by the gateway's forward-auth endpoint, which added these headers:</p>
<table>${rows}</table>
<nav><a href="${esc(app)}/">Home</a><a href="${esc(app)}/secure/">Secure area (2FA)</a><a href="${esc(portal)}/settings">Security settings</a><a href="${esc(portal)}/logout?rd=${encodeURIComponent(`${app}/`)}">Sign out</a></nav>
</main></body></html>`;
}

export function createDemoFront(o: DemoFrontOptions): Server {
  return createHttpsServer({ key: o.key, cert: o.cert }, (req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    if (host === o.portalHost) return proxy(req, res, o);
    if (host !== o.appHost) {
      res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(
        `This demo answers for https://${o.portalHost}:${o.publicPort}/ and https://${o.appHost}:${o.publicPort}/ only.\n`,
      );
      return;
    }
    forwardAuth(req, o).then(
      (auth) => {
        if (auth.status >= 200 && auth.status < 300) {
          const body = appPage(o, req.url ?? '/', auth.headers);
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
          res.end(body);
          return;
        }
        const headers: Record<string, string | string[]> = {};
        for (const k of ['location', 'content-type', 'set-cookie', 'www-authenticate']) {
          const v = auth.headers[k];
          if (v !== undefined) headers[k] = v;
        }
        res.writeHead(auth.status, headers);
        res.end(auth.body);
      },
      () => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end('The Portcullis gateway is not answering.');
      },
    );
  });
}
