/** TOTP enrolment over HTTP (D.3): allowed choices, secret shown once, confirmation before saving, deletion. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { secretFromBase32, totpCode } from '../../src/authn/index.js';
import { type Harness, startHarness } from '../harness/gateway.js';
import { login } from '../harness/http.js';
import { api, auditEntries, elevatedLogin } from './account-support.js';

describe('TOTP enrolment', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      runtime: { basicFailureDelayMs: 0 },
      modify: (cfg) => {
        cfg.totp = { allowed_algorithms: ['SHA256'], allowed_digits: [8], allowed_periods: [60] };
      },
    });
  });
  after(() => h.stop());

  const record = (secret: string, algorithm: 'SHA1' | 'SHA256', digits: number, period: number) => ({
    username: 'john',
    issuer: 'x',
    algorithm,
    digits,
    period,
    secret: secretFromBase32(secret)!,
    createdAt: 0,
    lastUsedAt: undefined,
  });

  it('offers the defaults plus allowed_*, refuses other choices', async () => {
    const cookie = await elevatedLogin(h);
    const opts = JSON.parse((await api(h, cookie, 'GET', '/api/secondfactor/totp/register')).body).data;
    assert.deepEqual(opts, {
      algorithm: 'SHA1',
      algorithms: ['SHA1', 'SHA256'],
      length: 6,
      lengths: [6, 8],
      period: 30,
      periods: [30, 60],
    });
    assert.equal(
      (
        await api(h, cookie, 'PUT', '/api/secondfactor/totp/register', {
          algorithm: 'SHA512',
          length: 6,
          period: 30,
        })
      ).status,
      400,
    );
    assert.equal(
      (
        await api(h, cookie, 'PUT', '/api/secondfactor/totp/register', {
          algorithm: 'SHA1',
          length: 7,
          period: 30,
        })
      ).status,
      400,
    );
  });

  it('saves only after a correct code; the confirming code cannot be replayed as a second factor', async () => {
    const cookie = await elevatedLogin(h);
    const start = await api(h, cookie, 'PUT', '/api/secondfactor/totp/register', {
      algorithm: 'SHA256',
      length: 8,
      period: 60,
    });
    assert.equal(start.status, 200);
    const { base32_secret, otpauth_url } = JSON.parse(start.body).data;
    assert.match(otpauth_url, /^otpauth:\/\/totp\/.*algorithm=SHA256.*digits=8.*period=60/);
    assert.equal((await api(h, cookie, 'GET', '/api/secondfactor/totp')).status, 404);
    assert.equal(
      (await api(h, cookie, 'POST', '/api/secondfactor/totp/register', { token: '00000000' })).status,
      401,
    );
    assert.equal(
      (await api(h, cookie, 'GET', '/api/secondfactor/totp')).status,
      404,
      'a wrong code saves nothing',
    );
    const code = totpCode(record(base32_secret, 'SHA256', 8, 60), h.runtime.clock.now());
    assert.equal(
      (await api(h, cookie, 'POST', '/api/secondfactor/totp/register', { token: code })).status,
      200,
    );
    assert.equal(
      (await api(h, cookie, 'POST', '/api/secondfactor/totp/register', { token: code })).status,
      403,
      'double submit',
    );
    const cfg = JSON.parse((await api(h, cookie, 'GET', '/api/secondfactor/totp')).body).data;
    assert.equal(cfg.algorithm, 'SHA256');
    assert.equal(cfg.digits, 8);
    assert.equal(cfg.last_used_at, undefined, 'confirming the enrolment is not a use of the device');
    const info = JSON.parse((await api(h, cookie, 'GET', '/api/user/info')).body).data;
    assert.equal(info.has_totp, true);
    // One audit entry for the saved configuration, none for the refused double submit (issue 7).
    assert.deepEqual(await auditEntries(h, 'device.registered'), [
      { username: 'john', ip: '127.0.0.1', data: { kind: 'totp' } },
    ]);

    const fresh = await login(h.port, 'john', 'john-password');
    assert.equal(
      (await api(h, fresh.cookie, 'POST', '/api/secondfactor/totp', { token: code })).status,
      401,
      'already used',
    );

    const del = await api(h, cookie, 'DELETE', '/api/secondfactor/totp');
    assert.equal(del.status, 200);
    assert.equal((await api(h, cookie, 'GET', '/api/secondfactor/totp')).status, 404);
    assert.equal((await api(h, cookie, 'DELETE', '/api/secondfactor/totp')).status, 404);
    assert.deepEqual(
      await auditEntries(h, 'device.removed'),
      [{ username: 'john', ip: '127.0.0.1', data: { kind: 'totp' } }],
      'the refused second delete is not audited',
    );
  });

  it('cancel drops the pending secret; deletion needs elevation', async () => {
    const cookie = await elevatedLogin(h);
    const { data } = JSON.parse(
      (
        await api(h, cookie, 'PUT', '/api/secondfactor/totp/register', {
          algorithm: 'SHA1',
          length: 6,
          period: 30,
        })
      ).body,
    );
    assert.equal((await api(h, cookie, 'DELETE', '/api/secondfactor/totp/register')).status, 200);
    const code = totpCode(record(data.base32_secret, 'SHA1', 6, 30), h.runtime.clock.now());
    assert.equal(
      (await api(h, cookie, 'POST', '/api/secondfactor/totp/register', { token: code })).status,
      403,
    );
    const plain = await login(h.port, 'john', 'john-password');
    assert.equal((await api(h, plain.cookie, 'DELETE', '/api/secondfactor/totp')).status, 403);
  });
});
