/** Elevation over HTTP: emailed one-time code, bound to the session and client IP, lifespans, revocation, CSRF. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/core/index.js';
import { type Harness, startHarness } from '../harness/gateway.js';
import { login, request } from '../harness/http.js';
import { api, elevatedLogin, JSON_HEADERS, lastCode } from './account-support.js';

describe('session elevation', () => {
  let h: Harness;
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  before(async () => {
    h = await startHarness({
      runtime: { clock, basicFailureDelayMs: 0 },
      modify: (cfg) => {
        cfg.session.inactivity = '0';
        cfg.identity_validation.elevated_session = {
          code_lifespan: '2m',
          elevation_lifespan: '3m',
          characters: 10,
        };
      },
    });
  });
  after(() => h.stop());

  it('an elevated endpoint answers 403 {elevation} until a code is proved, then works', async () => {
    const { cookie } = await login(h.port, 'john', 'john-password');
    const denied = await api(h, cookie, 'PUT', '/api/secondfactor/totp/register', {
      algorithm: 'SHA1',
      length: 6,
      period: 30,
    });
    assert.equal(denied.status, 403);
    assert.deepEqual(JSON.parse(denied.body), {
      status: 'KO',
      message: 'Unauthorized',
      elevation: true,
      data: { elevation: true },
    });

    let st = JSON.parse((await api(h, cookie, 'GET', '/api/user/session/elevation')).body);
    assert.equal(st.data.elevated, false);
    const started = await api(h, cookie, 'POST', '/api/user/session/elevation');
    assert.equal(started.status, 200);
    assert.match(JSON.parse(started.body).data.delete_id, /^[\w-]{16,}$/);
    const code = lastCode(h.dir);
    assert.match(
      code,
      /^[A-HJ-NP-RT-Z2346-9]{10}$/,
      'characters from the unambiguous alphabet, configured length',
    );

    assert.equal(
      (await api(h, cookie, 'PUT', '/api/user/session/elevation', { otc: 'WRONGCODE1' })).status,
      403,
    );
    assert.equal(
      (await api(h, cookie, 'PUT', '/api/user/session/elevation', { otc: code.toLowerCase() })).status,
      200,
    );
    // A double submit of the same code does not elevate twice (and says so).
    assert.equal((await api(h, cookie, 'PUT', '/api/user/session/elevation', { otc: code })).status, 403);
    st = JSON.parse((await api(h, cookie, 'GET', '/api/user/session/elevation')).body);
    assert.equal(st.data.elevated, true);
    assert.equal(st.data.expires, 180);
    const ok = await api(h, cookie, 'PUT', '/api/secondfactor/totp/register', {
      algorithm: 'SHA1',
      length: 6,
      period: 30,
    });
    assert.equal(ok.status, 200, ok.body);
  });

  it('is bound to the client IP and expires after elevation_lifespan', async () => {
    const cookie = await elevatedLogin(h);
    const from = (ip: string) =>
      api(
        h,
        cookie,
        'PUT',
        '/api/secondfactor/totp/register',
        { algorithm: 'SHA1', length: 6, period: 30 },
        { 'x-forwarded-for': ip },
      );
    assert.equal((await from('198.51.100.7')).status, 403, 'another IP destroys the elevation');
    assert.equal((await from('127.0.0.1')).status, 403, 'and it stays destroyed');

    const again = await elevatedLogin(h);
    clock.advance(3 * 60_000 + 1);
    const late = await api(h, again, 'PUT', '/api/secondfactor/totp/register', {
      algorithm: 'SHA1',
      length: 6,
      period: 30,
    });
    assert.equal(late.status, 403);
    assert.equal(JSON.parse(late.body).elevation, true);
  });

  it('a code expires after code_lifespan, is bound to its session, and can be revoked', async () => {
    const { cookie } = await login(h.port, 'john', 'john-password');
    await api(h, cookie, 'POST', '/api/user/session/elevation');
    const code = lastCode(h.dir);
    clock.advance(2 * 60_000 + 1);
    assert.equal(
      (await api(h, cookie, 'PUT', '/api/user/session/elevation', { otc: code })).status,
      403,
      'expired',
    );

    await api(h, cookie, 'POST', '/api/user/session/elevation');
    const mine = lastCode(h.dir);
    const other = await login(h.port, 'john', 'john-password');
    assert.equal(
      (await api(h, other.cookie, 'PUT', '/api/user/session/elevation', { otc: mine })).status,
      403,
      'another session',
    );

    const started = JSON.parse((await api(h, cookie, 'POST', '/api/user/session/elevation')).body);
    const revoked = lastCode(h.dir);
    const del = await api(h, '', 'DELETE', `/api/user/session/elevation/${started.data.delete_id}`);
    assert.equal(del.status, 200, 'the link in the email works without a session');
    assert.equal(
      (await api(h, cookie, 'PUT', '/api/user/session/elevation', { otc: revoked })).status,
      403,
      'revoked',
    );
    assert.equal(
      (await api(h, '', 'DELETE', `/api/user/session/elevation/${started.data.delete_id}`)).status,
      400,
      'once',
    );
  });

  it('anonymous callers cannot ask for or prove a code', async () => {
    assert.equal((await api(h, '', 'POST', '/api/user/session/elevation')).status, 403);
    assert.equal((await api(h, '', 'PUT', '/api/user/session/elevation', { otc: 'ABCDEFGH' })).status, 403);
    assert.equal((await api(h, '', 'GET', '/api/user/session/elevation')).status, 403);
  });

  it('CSRF: every state-changing endpoint refuses a foreign Origin and a non-JSON body', async () => {
    const cookie = await elevatedLogin(h);
    const endpoints: [string, string][] = [
      ['POST', '/api/user/session/elevation'],
      ['PUT', '/api/user/session/elevation'],
      ['PUT', '/api/secondfactor/totp/register'],
      ['POST', '/api/secondfactor/totp/register'],
      ['DELETE', '/api/secondfactor/totp'],
      ['PUT', '/api/secondfactor/webauthn/credential/register'],
      ['POST', '/api/secondfactor/webauthn/credential/register'],
      ['DELETE', '/api/secondfactor/webauthn/credential/1'],
      ['POST', '/api/reset-password/identity/start'],
      ['POST', '/api/reset-password'],
      ['POST', '/api/change-password'],
      ['POST', '/api/firstfactor'],
    ];
    for (const [method, path] of endpoints) {
      const evil = await api(h, cookie, method, path, {}, { origin: 'https://evil.example.net' });
      assert.equal(evil.status, 403, `${method} ${path} with a foreign Origin`);
      const nul = await api(h, cookie, method, path, {}, { origin: 'null' });
      assert.equal(nul.status, 403, `${method} ${path} with Origin null`);
    }
    for (const [method, path] of endpoints.filter(
      ([m, p]) => m !== 'DELETE' && p !== '/api/user/session/elevation',
    )) {
      const form = await request(h.port, {
        method,
        path,
        headers: {
          ...JSON_HEADERS,
          'content-type': 'text/plain',
          'content-length': '2',
          cookie,
          origin: 'https://auth.example.com',
        },
        body: '{}',
      });
      assert.ok(
        form.status === 415 || form.status === 403,
        `${method} ${path} as text/plain: ${form.status}`,
      );
    }
    // The portal's own origin passes the check.
    const same = await api(h, cookie, 'GET', '/api/user/session/elevation', undefined, {
      origin: 'https://auth.example.com',
    });
    assert.equal(same.status, 200);
    const own = await api(
      h,
      cookie,
      'PUT',
      '/api/secondfactor/totp/register',
      { algorithm: 'SHA1', length: 6, period: 30 },
      { origin: 'https://auth.example.com' },
    );
    assert.equal(own.status, 200);
  });
});
