/**
 * Property: on a config where nothing is public, no combination of hostile request headers gets a 200
 * or a 5xx from any authz endpoint — only 4xx or a redirect to the portal.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { type Harness, startHarness } from '../harness/gateway.js';
import { request } from '../harness/http.js';

const ENDPOINTS = [
  '/api/authz/forward-auth',
  '/api/authz/auth-request',
  '/api/authz/ext-authz',
  '/api/authz/ext-authz/x/../y',
  '/api/verify',
  '/api/verify?rd=https://auth.example.com',
  '/api/verify?auth=basic',
  '/api/authz/forward-auth?authelia_url=https://auth.example.com',
];

const HOSTILE = [
  'app.example.com',
  'APP.EXAMPLE.COM',
  'example.com',
  'app.example.com.evil.com',
  'evil.com',
  '//evil.com',
  'https://evil.com\\@example.com',
  'javascript:alert(1)',
  'app.example.com\u0000.evil',
  '[::1]',
  '',
  ' ',
  '%00',
  'a'.repeat(3000),
];

const headerValue = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ maxLength: 40 }),
  fc.webUrl(),
  fc.constantFrom('GET', 'POST', 'get', 'GETz', '', 'HEAD'),
  fc.constantFrom('https', 'http', 'wss', 'HTTPS', 'ftp'),
  fc.constantFrom(
    'Basic am9objpqb2huLXBhc3N3b3Jk', // valid creds: still only one factor, nothing here is one_factor
    'Basic Og==',
    'Basic !!!',
    'Bearer abc',
    'authelia_session=garbage',
    `authelia_session=${'A'.repeat(32)}`,
  ),
);

const HEADER_NAMES = [
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-forwarded-uri',
  'x-forwarded-method',
  'x-forwarded-for',
  'x-original-url',
  'x-original-method',
  'x-authelia-url',
  'authorization',
  'proxy-authorization',
  'cookie',
  'accept',
  'x-requested-with',
  'session-username',
  'host',
];

// Node's client refuses some header values outright; those never reach a server, so they prove nothing.
const sendable = (v: string) => !/[\r\n\u0000]/.test(v) && /^[\u0020-\u007e\t]*$/.test(v);

describe('authz endpoints under random hostile headers', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      runtime: { basicFailureDelayMs: 0 },
      modify: (cfg) => {
        cfg.access_control = {
          default_policy: 'two_factor',
          rules: [{ domain: 'deny.example.com', policy: 'deny' }],
        };
      },
    });
  });
  after(() => h.stop());

  it('never answers 200 or 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ENDPOINTS),
        fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'OPTIONS'),
        fc.dictionary(fc.constantFrom(...HEADER_NAMES), headerValue, { maxKeys: 10 }),
        async (path, method, raw) => {
          const headers = Object.fromEntries(Object.entries(raw).filter(([, v]) => sendable(v)));
          const r = await request(h.port, { method, path, headers });
          assert.ok(r.status !== 200, `200 for ${method} ${path} ${JSON.stringify(headers)}`);
          assert.ok(r.status < 500, `${r.status} for ${method} ${path} ${JSON.stringify(headers)}`);
          if (r.status === 302 || r.status === 303) {
            assert.match(String(r.headers.location), /^https:\/\/auth\.example\.com\//);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('survives oversized headers and cookies with a 4xx', async () => {
    const r = await request(h.port, {
      path: '/api/authz/forward-auth',
      headers: { cookie: `authelia_session=${'x'.repeat(40_000)}` },
    });
    assert.equal(r.status, 431);
  });
});
