/** Small response helpers shared by the authz endpoints and the portal API. */
import type { ServerResponse } from 'node:http';

export function sendText(
  res: ServerResponse,
  status: number,
  body: string,
  headers?: Record<string, string>,
): void {
  const head = res.req?.method === 'HEAD';
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': head ? 0 : Buffer.byteLength(body),
    ...headers,
  });
  res.end(head ? undefined : body);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers?: Record<string, string>,
): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(body);
}

/** Authelia's JSON envelope. */
export const ok = (data?: unknown) => (data === undefined ? { status: 'OK' } : { status: 'OK', data });
export const ko = (message: string) => ({ status: 'KO', message });

export function htmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
