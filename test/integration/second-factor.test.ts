/** TOTP second factor through the portal API, and the first factor's uniform answers. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newTotpRecord, totpCode } from '../../src/authn/index.js';
import { type Harness, startHarness } from '../harness/gateway.js';
import { cookieFrom, forwardAuthHeaders, login, request } from '../harness/http.js';

const json = { host: 'auth.example.com', 'content-type': 'application/json', 'x-forwarded-proto': 'https' };

describe('second factor and first-factor answers', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ runtime: { basicFailureDelayMs: 0 } });
  });
  after(() => h.stop());

  const totp = (cookie: string, token: string, targetURL?: string) =>
    request(h.port, {
      method: 'POST',
      path: '/api/secondfactor/totp',
      headers: { ...json, cookie },
      body: JSON.stringify({ token, targetURL }),
    });

  it('upgrades a one-factor session with a TOTP code, once per code', async () => {
    const now = h.runtime.clock.now();
    const record = newTotpRecord('john', h.runtime.config.totp, now);
    await h.runtime.storage.totp.save(record);
    const { cookie, res } = await login(h.port, 'john', 'john-password', {
      targetURL: 'https://secure.example.com/',
    });
    assert.deepEqual(JSON.parse(res.body), { status: 'OK' }, 'two_factor target: no redirect after 1FA');
    const fa = (c: string) =>
      request(h.port, {
        path: '/api/authz/forward-auth',
        headers: forwardAuthHeaders('https://secure.example.com/', 'GET', { cookie: c }),
      });
    assert.equal((await fa(cookie)).status, 302);

    assert.equal((await totp(cookie, '000000')).status, 401);
    const code = totpCode(record, h.runtime.clock.now());
    const ok = await totp(cookie, code, 'https://secure.example.com/');
    assert.equal(ok.status, 200);
    assert.deepEqual(JSON.parse(ok.body), {
      status: 'OK',
      data: { redirect: 'https://secure.example.com/' },
    });
    const upgraded = cookieFrom(ok);
    assert.notEqual(upgraded, cookie, 'the session id changes when the level rises');
    assert.equal((await fa(upgraded)).status, 200);

    const state = await request(h.port, { path: '/api/state', headers: { ...json, cookie: upgraded } });
    assert.equal(JSON.parse(state.body).data.authentication_level, 2);

    // The same code cannot be replayed, even on a fresh one-factor session.
    const again = await login(h.port, 'john', 'john-password');
    assert.equal((await totp(again.cookie, code)).status, 401);
  });

  it('refuses TOTP without a first factor', async () => {
    assert.equal((await totp('authelia_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', '123456')).status, 401);
  });

  it('answers an unknown user exactly like a wrong password', async () => {
    const unknown = await login(h.port, 'nobody', 'whatever');
    const wrong = await login(h.port, 'harry', 'whatever');
    assert.equal(unknown.res.status, 401);
    assert.equal(unknown.res.body, wrong.res.body);
    assert.deepEqual(JSON.parse(unknown.res.body), {
      status: 'KO',
      message: 'Authentication failed. Check your credentials.',
    });
  });

  it('redirects after 1FA only to safe targets', async () => {
    const safe = await login(h.port, 'bob', 'bob-password', { targetURL: 'https://dev.example.com/x' });
    assert.deepEqual(JSON.parse(safe.res.body), {
      status: 'OK',
      data: { redirect: 'https://dev.example.com/x' },
    });
    for (const target of [
      'https://evil.com/',
      'http://dev.example.com/',
      'https://example.com.evil.com/',
      'javascript:alert(1)',
    ]) {
      const r = await login(h.port, 'bob', 'bob-password', { targetURL: target });
      assert.deepEqual(JSON.parse(r.res.body), { status: 'OK' }, target);
    }
  });

  it('requires JSON for state-changing calls (a cross-site form cannot post)', async () => {
    const r = await request(h.port, {
      method: 'POST',
      path: '/api/firstfactor',
      headers: { host: 'auth.example.com', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=john&password=john-password',
    });
    assert.equal(r.status, 415);
  });

  it('bans after max_retries wrong passwords and answers the ban like a wrong password', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await login(h.port, 'bob', 'nope')).res.status, 401);
    const banned = await login(h.port, 'bob', 'bob-password');
    const wrong = await login(h.port, 'john', 'nope');
    assert.equal(banned.res.status, 401);
    assert.equal(banned.res.body, wrong.res.body, 'a ban answers byte for byte like a wrong password');
  });
});
