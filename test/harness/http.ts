/** A raw node:http client for tests: fetch() cannot set Host or some forwarded headers, this can. */
import { request as httpRequest } from 'node:http';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function request(
  port: number,
  opts: { method?: string; path?: string; headers?: Record<string, string>; body?: string },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: opts.method ?? 'GET',
        path: opts.path ?? '/',
        headers: opts.headers ?? {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** The `name=value` part of a Set-Cookie header, for sending back. */
export function cookieFrom(res: RawResponse): string {
  const sc = res.headers['set-cookie'];
  const first = Array.isArray(sc) ? sc[0] : sc;
  if (!first) throw new Error(`no Set-Cookie in response ${res.status} ${res.body}`);
  return first.split(';')[0]!;
}

/** Logs in through the portal API as the browser would (portal host auth.example.com behind a proxy). */
export async function login(
  port: number,
  username: string,
  password: string,
  extra: Record<string, unknown> = {},
  prefix = '',
  headers: Record<string, string> = {},
): Promise<{ res: RawResponse; cookie: string }> {
  const res = await request(port, {
    method: 'POST',
    path: `${prefix}/api/firstfactor`,
    headers: {
      host: 'auth.example.com',
      'content-type': 'application/json',
      'x-forwarded-proto': 'https',
      ...headers,
    },
    body: JSON.stringify({ username, password, ...extra }),
  });
  return { res, cookie: res.status === 200 ? cookieFrom(res) : '' };
}

/** Headers Caddy's forward_auth sends for an original request to `url`. */
export function forwardAuthHeaders(url: string, method = 'GET', extra: Record<string, string> = {}) {
  const u = new URL(url);
  return {
    'x-forwarded-proto': u.protocol.slice(0, -1),
    'x-forwarded-host': u.host,
    'x-forwarded-uri': `${u.pathname}${u.search}`,
    'x-forwarded-method': method,
    accept: 'text/html,application/xhtml+xml',
    ...extra,
  };
}

/** A first-factor login as seen from client `ip` (the harness trusts loopback's X-Forwarded-For). */
export async function loginFrom(port: number, ip: string, username: string, password: string) {
  return (await login(port, username, password, {}, '', { 'x-forwarded-for': ip })).res;
}
