/** WebAuthn over HTTP: registration (elevated), second factor, passkey login, counters, origin/challenge binding. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Harness, startHarness } from '../harness/gateway.js';
import { cookieFrom, login } from '../harness/http.js';
import { createCredential, getAssertion, type SoftCredential } from '../harness/soft-authenticator.js';
import { api, auditEntries, elevatedLogin } from './account-support.js';

const ORIGIN = 'https://auth.example.com';

describe('WebAuthn and passkeys', () => {
  let h: Harness;
  let cred: SoftCredential;
  before(async () => {
    h = await startHarness({
      runtime: { basicFailureDelayMs: 0 },
      modify: (cfg) => {
        cfg.webauthn = {
          enable_passkey_login: true,
          experimental_enable_passkey_uv_two_factors: true,
          selection_criteria: { discoverability: 'preferred', user_verification: 'preferred' },
        };
      },
    });
  });
  after(() => h.stop());

  const level = async (cookie: string) =>
    JSON.parse((await api(h, cookie, 'GET', '/api/state')).body).data.authentication_level;

  it('registers a security key (elevated), stores it encrypted, lists, renames', async () => {
    const cookie = await elevatedLogin(h);
    const start = await api(h, cookie, 'PUT', '/api/secondfactor/webauthn/credential/register', {
      description: 'My key',
    });
    assert.equal(start.status, 200, start.body);
    const options = JSON.parse(start.body).data.publicKey;
    assert.equal(options.rp.id, 'auth.example.com', 'RP ID = portal host');
    const made = createCredential(options, ORIGIN, { discoverable: true, uv: true });
    cred = made.credential;
    const fin = await api(h, cookie, 'POST', '/api/secondfactor/webauthn/credential/register', made.response);
    assert.equal(fin.status, 201, fin.body);
    assert.deepEqual(await auditEntries(h, 'device.registered'), [
      { username: 'john', ip: '127.0.0.1', data: { kind: 'webauthn' } },
    ]);
    // The same response again: its challenge is used up.
    assert.equal(
      (await api(h, cookie, 'POST', '/api/secondfactor/webauthn/credential/register', made.response)).status,
      400,
    );

    const list = JSON.parse(
      (await api(h, cookie, 'GET', '/api/secondfactor/webauthn/credentials')).body,
    ).data;
    assert.equal(list.length, 1);
    assert.equal(list[0].description, 'My key');
    assert.equal(list[0].discoverable, true);
    const row = await h.runtime.storage.sql.get<{ public_key: Buffer }>(
      'SELECT public_key FROM webauthn_credentials',
    );
    const stored = (await h.runtime.storage.webauthn.list('john'))[0]!;
    assert.ok(!row!.public_key.includes(stored.publicKey), 'the public key is encrypted at rest');
    assert.equal(h.runtime.storage.cipher.decrypt(row!.public_key).equals(stored.publicKey), true);

    assert.equal(
      (
        await api(h, cookie, 'PUT', `/api/secondfactor/webauthn/credential/${list[0].id}`, {
          description: 'Blue key',
        })
      ).status,
      200,
    );
    const dup = await api(h, cookie, 'PUT', '/api/secondfactor/webauthn/credential/register', {
      description: 'blue KEY',
    });
    assert.equal(dup.status, 409);
    const info = JSON.parse((await api(h, cookie, 'GET', '/api/user/info')).body).data;
    assert.equal(info.has_webauthn, true);
  });

  it('second factor: signs in, refuses replays, other origins and other challenges', async () => {
    const { cookie } = await login(h.port, 'john', 'john-password');
    const opts = JSON.parse((await api(h, cookie, 'GET', '/api/secondfactor/webauthn')).body).data.publicKey;
    const other = JSON.parse((await api(h, cookie, 'GET', '/api/secondfactor/webauthn')).body).data.publicKey;
    const foreign = getAssertion(cred, other, 'https://evil.example.net');
    assert.equal(
      (await api(h, cookie, 'POST', '/api/secondfactor/webauthn', { response: foreign })).status,
      401,
    );

    const good = getAssertion(cred, opts, ORIGIN);
    const r = await api(h, cookie, 'POST', '/api/secondfactor/webauthn', {
      response: good,
      targetURL: 'https://secure.example.com/',
    });
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(JSON.parse(r.body).data, { redirect: 'https://secure.example.com/' });
    const upgraded = cookieFrom(r);
    assert.equal(await level(upgraded), 2);
    assert.equal(
      (await api(h, upgraded, 'POST', '/api/secondfactor/webauthn', { response: good })).status,
      401,
      'replay',
    );

    // A response whose counter did not advance (a cloned key) is refused and flagged.
    const again = await login(h.port, 'john', 'john-password');
    const o3 = JSON.parse((await api(h, again.cookie, 'GET', '/api/secondfactor/webauthn')).body).data
      .publicKey;
    const stale = getAssertion(cred, o3, ORIGIN, { counter: cred.counter });
    assert.equal(
      (await api(h, again.cookie, 'POST', '/api/secondfactor/webauthn', { response: stale })).status,
      401,
    );
    assert.equal((await h.runtime.storage.webauthn.list('john'))[0]!.cloneWarning, true);
  });

  it('passkey login: a discoverable credential signs in; with UV and the experimental flag it counts as two factors', async () => {
    const o = JSON.parse((await api(h, '', 'GET', '/api/firstfactor/passkey')).body).data.publicKey;
    assert.equal(o.allowCredentials, undefined);
    const noUv = await api(h, '', 'POST', '/api/firstfactor/passkey', {
      response: getAssertion(cred, o, ORIGIN, { uv: false }),
      keepMeLoggedIn: false,
    });
    assert.equal(noUv.status, 200, noUv.body);
    assert.equal(await level(cookieFrom(noUv)), 1);
    const o2 = JSON.parse((await api(h, '', 'GET', '/api/firstfactor/passkey')).body).data.publicKey;
    const uv = await api(h, '', 'POST', '/api/firstfactor/passkey', {
      response: getAssertion(cred, o2, ORIGIN, { uv: true }),
      keepMeLoggedIn: false,
    });
    assert.equal(uv.status, 200);
    assert.equal(await level(cookieFrom(uv)), 2);
    // Wrong origin for a passkey too.
    const o3 = JSON.parse((await api(h, '', 'GET', '/api/firstfactor/passkey')).body).data.publicKey;
    const bad = await api(h, '', 'POST', '/api/firstfactor/passkey', {
      response: getAssertion(cred, o3, 'https://auth.example.net'),
      keepMeLoggedIn: false,
    });
    assert.equal(bad.status, 401);
  });

  it('deleting a credential needs elevation', async () => {
    const { cookie } = await login(h.port, 'john', 'john-password');
    const id = (await h.runtime.storage.webauthn.list('john'))[0]!.id;
    assert.equal((await api(h, cookie, 'DELETE', `/api/secondfactor/webauthn/credential/${id}`)).status, 403);
    const elevated = await elevatedLogin(h);
    assert.equal(
      (await api(h, elevated, 'DELETE', `/api/secondfactor/webauthn/credential/${id}`)).status,
      200,
    );
    assert.equal(
      (await api(h, elevated, 'DELETE', `/api/secondfactor/webauthn/credential/${id}`)).status,
      404,
    );
    assert.equal((await api(h, elevated, 'DELETE', '/api/secondfactor/webauthn/credential/abc')).status, 400);
    assert.deepEqual(
      await auditEntries(h, 'device.removed'),
      [{ username: 'john', ip: '127.0.0.1', data: { kind: 'webauthn' } }],
      'one entry for the one credential removed',
    );
  });
});
