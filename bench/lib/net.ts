/** Loopback helpers: a free port, waiting for a listener, and one-off HTTP requests for checks and logins. */
import { request } from 'node:http';
import { createConnection, createServer } from 'node:net';
import { LOOPBACK } from './loopback.js';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, LOOPBACK, () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = createConnection({ host: LOOPBACK, port });
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

export async function waitForPort(port: number, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await canConnect(port)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${what} is not listening on ${LOOPBACK}:${port} after ${timeoutMs} ms`);
}

export interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** One request to 127.0.0.1 on a fresh connection, with a timeout. */
export function httpRequest(
  port: number,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: LOOPBACK,
        port,
        path,
        method: opts.method ?? 'GET',
        headers:
          opts.body === undefined
            ? opts.headers
            : { ...opts.headers, 'content-length': Buffer.byteLength(opts.body) },
        agent: false,
        timeout: opts.timeoutMs ?? 10_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.once('timeout', () => req.destroy(new Error(`request to :${port}${path} timed out`)));
    req.once('error', reject);
    req.end(opts.body);
  });
}
