/** Helpers shared by the account integration tests (elevation, enrolment, WebAuthn, password reset). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Harness } from '../harness/gateway.js';
import { login, request } from '../harness/http.js';

export const JSON_HEADERS = {
  host: 'auth.example.com',
  'content-type': 'application/json',
  'x-forwarded-proto': 'https',
};

export function lastCode(dir: string): string {
  const text = readFileSync(join(dir, 'notification.txt'), 'utf8');
  const codes = [...text.matchAll(/one-time code in the portal:\s+([A-Z0-9]+)/g)];
  assert.ok(codes.length, 'an elevation email was written');
  return codes.at(-1)![1]!;
}

export function api(
  h: Harness,
  cookie: string,
  method: string,
  path: string,
  body?: unknown,
  extra: Record<string, string> = {},
) {
  const text = body === undefined ? undefined : JSON.stringify(body);
  // Node's client sends a DELETE body without a length unless told; browsers always send one.
  const length: Record<string, string> =
    text === undefined ? {} : { 'content-length': String(Buffer.byteLength(text)) };
  return request(h.port, {
    method,
    path,
    headers: { ...JSON_HEADERS, cookie, ...length, ...extra },
    ...(text === undefined ? {} : { body: text }),
  });
}

/** Logs in and elevates the session; returns the cookie. */
export async function elevatedLogin(
  h: Harness,
  user = 'john',
  password = `${user}-password`,
): Promise<string> {
  const { cookie } = await login(h.port, user, password);
  assert.equal((await api(h, cookie, 'POST', '/api/user/session/elevation')).status, 200);
  const r = await api(h, cookie, 'PUT', '/api/user/session/elevation', { otc: lastCode(h.dir) });
  assert.equal(r.status, 200, r.body);
  return cookie;
}

/** The audit entries of `type` stored so far (after the queue is flushed to storage), with their detail parsed. */
export async function auditEntries(
  h: Harness,
  type: string,
): Promise<{ username: string; ip: string; data: Record<string, unknown> }[]> {
  await h.runtime.monitoring.audit!.flush();
  const rows = await h.runtime.storage.sql.all<{ username: string; ip: string; data: string }>(
    'SELECT username, ip, data FROM audit_log WHERE type = ? ORDER BY seq',
    [type],
  );
  return rows.map((r) => ({ username: r.username, ip: r.ip, data: JSON.parse(r.data) }));
}
