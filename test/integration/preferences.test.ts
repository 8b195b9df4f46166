/** The preferred second-factor method: /api/user/info (GET and POST) and /api/user/info/2fa_method, as Authelia. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Harness, startHarness } from '../harness/gateway.js';
import { login } from '../harness/http.js';
import { api } from './account-support.js';

const totpRecord = (username: string) => ({
  username,
  issuer: 'Portcullis',
  algorithm: 'SHA1' as const,
  digits: 6,
  period: 30,
  secret: Buffer.alloc(20, 7),
  createdAt: 0,
  lastUsedAt: undefined,
});

async function info(h: Harness, cookie: string, method: 'GET' | 'POST' = 'GET') {
  const r = await api(h, cookie, method, '/api/user/info', method === 'POST' ? {} : undefined);
  assert.equal(r.status, 200, r.body);
  return JSON.parse(r.body).data as { method: string; has_totp: boolean; has_webauthn: boolean };
}

describe('preferred second factor (default_2fa_method: webauthn)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      runtime: { basicFailureDelayMs: 0 },
      modify: (cfg) => {
        cfg.default_2fa_method = 'webauthn';
      },
    });
  });
  after(() => h.stop());

  it('without devices the configured default is reported and stored', async () => {
    const { cookie } = await login(h.port, 'john', 'john-password');
    assert.deepEqual(await info(h, cookie), {
      display_name: 'John Doe',
      emails: ['john@example.com'],
      method: 'webauthn',
      has_totp: false,
      has_webauthn: false,
      has_duo: false,
    });
    assert.equal(await h.runtime.storage.preferences.getSecondFactorMethod('john'), 'webauthn');
  });

  it('an enrolled device beats the configured default; POST answers like GET', async () => {
    await h.runtime.storage.totp.save(totpRecord('harry'));
    const { cookie } = await login(h.port, 'harry', 'harry-password');
    const got = await info(h, cookie, 'POST');
    assert.equal(got.method, 'totp');
    assert.equal(got.has_totp, true);
    assert.equal(got.has_webauthn, false);
    assert.equal(await h.runtime.storage.preferences.getSecondFactorMethod('harry'), 'totp');
  });

  it('2fa_method stores an enabled method and refuses the others with Authelia’s KO shape', async () => {
    const { cookie } = await login(h.port, 'harry', 'harry-password');
    const set = await api(h, cookie, 'POST', '/api/user/info/2fa_method', { method: 'webauthn' });
    assert.equal(set.status, 200, set.body);
    assert.deepEqual(JSON.parse(set.body), { status: 'OK' });
    assert.equal((await info(h, cookie)).method, 'webauthn', 'a stored choice wins over the enrolled device');
    assert.equal((await info(h, cookie, 'POST')).method, 'webauthn');

    for (const method of ['mobile_push', 'sms', '', 42]) {
      const r = await api(h, cookie, 'POST', '/api/user/info/2fa_method', { method });
      assert.equal(r.status, 400, String(method));
      assert.deepEqual(JSON.parse(r.body), { status: 'KO', message: 'Operation failed.' });
    }
    assert.equal((await info(h, cookie)).method, 'webauthn', 'a refused change leaves the preference');
    assert.equal(
      (
        await api(
          h,
          cookie,
          'POST',
          '/api/user/info/2fa_method',
          { method: 'totp' },
          { origin: 'https://evil.example.net' },
        )
      ).status,
      403,
      'cross-origin',
    );
  });

  it('needs a logged-in session', async () => {
    assert.equal((await api(h, '', 'GET', '/api/user/info')).status, 401);
    const r = await api(h, '', 'POST', '/api/user/info/2fa_method', { method: 'totp' });
    assert.equal(r.status, 401);
  });
});

describe('preferred second factor with webauthn disabled', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      runtime: { basicFailureDelayMs: 0 },
      modify: (cfg) => {
        cfg.webauthn = { disable: true };
      },
    });
  });
  after(() => h.stop());

  it('a stored method that is no longer enabled is replaced by the first available, and cannot be chosen', async () => {
    await h.runtime.storage.preferences.setSecondFactorMethod('bob', 'webauthn');
    const { cookie } = await login(h.port, 'bob', 'bob-password');
    assert.equal((await info(h, cookie)).method, 'totp');
    assert.equal(await h.runtime.storage.preferences.getSecondFactorMethod('bob'), 'totp');
    const r = await api(h, cookie, 'POST', '/api/user/info/2fa_method', { method: 'webauthn' });
    assert.equal(r.status, 400);
    assert.equal((await api(h, cookie, 'POST', '/api/user/info/2fa_method', { method: 'totp' })).status, 200);
  });
});
