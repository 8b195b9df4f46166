/** The authz endpoints over real HTTP against an in-process gateway: every flavour, status and header. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Harness, startHarness } from '../harness/gateway.js';
import { forwardAuthHeaders, login, request } from '../harness/http.js';

const FA = '/api/authz/forward-auth';

describe('authz endpoints', () => {
  let h: Harness;
  let john = '';
  let bob = '';
  before(async () => {
    h = await startHarness({ runtime: { basicFailureDelayMs: 0 } });
    john = (await login(h.port, 'john', 'john-password')).cookie;
    bob = (await login(h.port, 'bob', 'bob-password')).cookie;
  });
  after(() => h.stop());

  const fa = (url: string, headers: Record<string, string> = {}, method = 'GET') =>
    request(h.port, { path: FA, headers: forwardAuthHeaders(url, method, headers) });

  it('answers /api/health', async () => {
    const r = await request(h.port, { path: '/api/health' });
    assert.equal(r.status, 200);
    assert.deepEqual(JSON.parse(r.body), { status: 'OK' });
  });

  it('redirects an anonymous browser to the portal with rd and rm, Go-encoded', async () => {
    const r = await fa('https://app.example.com/some/page?x=1&y=a b');
    assert.equal(r.status, 302);
    assert.equal(
      r.headers.location,
      'https://auth.example.com/?rd=https%3A%2F%2Fapp.example.com%2Fsome%2Fpage%3Fx%3D1%26y%3Da%2520b&rm=GET',
    );
    assert.match(r.body, /^<a href="https:\/\/auth\.example\.com\/\?rd=.*">302 Found<\/a>$/);
  });

  it('answers 303 for non-GET methods and 401 for XHR or non-HTML clients', async () => {
    assert.equal((await fa('https://app.example.com/', {}, 'POST')).status, 303);
    assert.equal(
      (await fa('https://app.example.com/', { 'x-requested-with': 'XMLHttpRequest' })).status,
      401,
    );
    assert.equal((await fa('https://app.example.com/', { accept: 'application/json' })).status, 401);
    assert.equal((await fa('https://app.example.com/', { accept: '*/*' })).status, 302);
  });

  it('lets bypass through without identity headers carrying values', async () => {
    const r = await fa('https://public.example.com/');
    assert.equal(r.status, 200);
    assert.equal(r.headers['remote-user'], '');
  });

  it('allows a logged-in user and sends Remote-* headers', async () => {
    const r = await fa('https://app.example.com/', { cookie: john });
    assert.equal(r.status, 200);
    assert.equal(r.headers['remote-user'], 'john');
    assert.equal(r.headers['remote-groups'], 'admins,dev');
    assert.equal(r.headers['remote-name'], 'John Doe');
    assert.equal(r.headers['remote-email'], 'john@example.com');
  });

  it('denies with 403 and sends one-factor users to the portal for two_factor apps', async () => {
    assert.equal((await fa('https://deny.example.com/', { cookie: john })).status, 403);
    const r = await fa('https://secure.example.com/', { cookie: john });
    assert.equal(r.status, 302);
    assert.match(String(r.headers.location), /^https:\/\/auth\.example\.com\/\?rd=https%3A%2F%2Fsecure/);
  });

  it('applies resources on the cleaned path, defeating traversal tricks', async () => {
    for (const path of [
      '/private',
      '/public/../private',
      '/public/..%2fprivate',
      '/public/%2e%2e/private/x',
    ]) {
      const r = await fa(`https://dev.example.com${path}`, { cookie: bob });
      assert.equal(r.status, 403, path);
    }
    assert.equal((await fa('https://dev.example.com/public', { cookie: bob })).status, 200);
  });

  it('sends anonymous users of a subject rule to log in, then 403s non-members', async () => {
    assert.equal((await fa('https://admin.example.com/')).status, 302);
    // bob is not in admins: falls through to the default deny.
    assert.equal((await fa('https://admin.example.com/', { cookie: bob })).status, 403);
  });

  it('refuses malformed targets with 400', async () => {
    const bad: Record<string, string>[] = [
      {
        'x-forwarded-proto': 'http',
        'x-forwarded-host': 'app.example.com',
        'x-forwarded-uri': '/',
        'x-forwarded-method': 'GET',
      },
      { 'x-forwarded-proto': 'https', 'x-forwarded-uri': '/', 'x-forwarded-method': 'GET' },
      {
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'app.example.com',
        'x-forwarded-uri': '/',
        'x-forwarded-method': 'GETz',
      },
      { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.example.com', 'x-forwarded-uri': '/' },
      {
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'app.evil.com',
        'x-forwarded-uri': '/',
        'x-forwarded-method': 'GET',
      },
      {
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'app.example.com\\@evil.com',
        'x-forwarded-uri': '/',
        'x-forwarded-method': 'GET',
      },
    ];
    for (const headers of bad) {
      const r = await request(h.port, { path: FA, headers });
      assert.equal(r.status, 400, JSON.stringify(headers));
    }
  });

  it('rejects a portal override outside the cookie domain', async () => {
    const r = await request(h.port, {
      path: `${FA}?authelia_url=${encodeURIComponent('https://evil.com/')}`,
      headers: forwardAuthHeaders('https://app.example.com/'),
    });
    assert.equal(r.status, 400);
    const ok = await request(h.port, {
      path: `${FA}?authelia_url=${encodeURIComponent('https://login.example.com/portal')}`,
      headers: forwardAuthHeaders('https://app.example.com/'),
    });
    assert.equal(ok.status, 302);
    assert.match(String(ok.headers.location), /^https:\/\/login\.example\.com\/portal\?rd=/);
  });

  it('auth-request answers 401 with Location for nginx', async () => {
    const r = await request(h.port, {
      path: '/api/authz/auth-request',
      headers: {
        'x-original-url': 'https://app.example.com/x',
        'x-original-method': 'GET',
        accept: 'text/html',
      },
    });
    assert.equal(r.status, 401);
    assert.equal(r.headers.location, 'https://auth.example.com/?rd=https%3A%2F%2Fapp.example.com%2Fx&rm=GET');
    const allowed = await request(h.port, {
      path: '/api/authz/auth-request',
      headers: { 'x-original-url': 'https://app.example.com/x', 'x-original-method': 'GET', cookie: john },
    });
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers['remote-user'], 'john');
  });

  it('auth-request accepts only GET and HEAD', async () => {
    const r = await request(h.port, { method: 'POST', path: '/api/authz/auth-request' });
    assert.equal(r.status, 405);
  });

  it('ext-authz reads Host and the sub-path, with any method', async () => {
    const r = await request(h.port, {
      method: 'PUT',
      path: '/api/authz/ext-authz/some/path',
      headers: { host: 'app.example.com', 'x-forwarded-proto': 'https', accept: 'text/html' },
    });
    assert.equal(r.status, 303);
    assert.equal(
      r.headers.location,
      'https://auth.example.com/?rd=https%3A%2F%2Fapp.example.com%2Fsome%2Fpath&rm=PUT',
    );
  });

  it('legacy /api/verify answers 401 without a portal and redirects with rd', async () => {
    const headers = forwardAuthHeaders('https://app.example.com/');
    const plain = await request(h.port, { path: '/api/verify', headers });
    assert.equal(plain.status, 401);
    assert.equal(plain.headers.location, undefined);
    const rd = await request(h.port, { path: '/api/verify?rd=https://auth.example.com', headers });
    assert.equal(rd.status, 302);
    assert.equal(rd.headers.location, 'https://auth.example.com/?rd=https%3A%2F%2Fapp.example.com%2F&rm=GET');
    const evil = await request(h.port, { path: '/api/verify?rd=https://evil.com', headers });
    assert.equal(evil.status, 401);
  });

  it('accepts Basic credentials on forward-auth at one factor only', async () => {
    const basic = `Basic ${Buffer.from('john:john-password').toString('base64')}`;
    const r = await fa('https://app.example.com/', { authorization: basic });
    assert.equal(r.status, 200);
    assert.equal(r.headers['remote-user'], 'john');
    const two = await fa('https://secure.example.com/', { authorization: basic });
    assert.equal(two.status, 401);
    assert.equal(two.headers['www-authenticate'], 'Basic realm="Authorization Required"');
    const wrong = await fa('https://app.example.com/', {
      authorization: `Basic ${Buffer.from('harry:nope').toString('base64')}`,
    });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers['www-authenticate'], 'Basic realm="Authorization Required"');
  });

  it('legacy ?auth=basic requires Authorization', async () => {
    const r = await request(h.port, {
      path: '/api/verify?auth=basic',
      headers: forwardAuthHeaders('https://app.example.com/'),
    });
    assert.equal(r.status, 401);
    assert.equal(r.headers['www-authenticate'], 'Basic realm="Authorization Required"');
  });

  it('logs one JSON event per decision without cookies or passwords', async () => {
    await fa('https://deny.example.com/', { cookie: john });
    const events = h.logs.map((l) => JSON.parse(l)).filter((e) => e.event === 'authz.decision');
    const last = events.at(-1);
    assert.equal(last.status, 403);
    assert.equal(last.user, 'john');
    assert.equal(last.policy, 'deny');
    assert.equal(last.rule, 2);
    assert.equal(last.endpoint, 'forward-auth');
    const all = h.logs.join('\n');
    assert.ok(!all.includes(john.split('=')[1]!), 'session id must never be logged');
    assert.ok(!all.includes('john-password'), 'password must never be logged');
  });
});

describe('Basic failures are delayed without blocking the loop', () => {
  it('takes at least 2 s for a wrong password while other requests are served', async () => {
    const h = await startHarness();
    try {
      const started = Date.now();
      const slow = request(h.port, {
        path: FA,
        headers: forwardAuthHeaders('https://app.example.com/', 'GET', {
          authorization: `Basic ${Buffer.from('john:wrong').toString('base64')}`,
        }),
      });
      const quick = await request(h.port, { path: '/api/health' });
      const quickAt = Date.now() - started;
      const r = await slow;
      assert.equal(quick.status, 200);
      assert.equal(r.status, 401);
      assert.ok(Date.now() - started >= 2000, 'failure answered before 2 s');
      assert.ok(quickAt < Date.now() - started, 'health check waited behind the delayed failure');
    } finally {
      await h.stop();
    }
  });
});
