import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SessionCookieConfig } from '../config/index.js';
import { deletionCookie, readSessionCookie, serializeSessionCookie } from './cookie.js';
import { hashSessionId, isSessionId, newSessionId } from './id.js';

const cfg: SessionCookieConfig = {
  domain: 'example.com',
  autheliaUrl: 'https://auth.example.com/',
  defaultRedirectionUrl: '',
  name: 'authelia_session',
  sameSite: 'lax',
  expiration: 3_600_000,
  inactivity: 300_000,
  rememberMe: -1,
};
const ID = 'AbCdEfGhIjKlMnOpQrStUvWxYz012345';

test('new ids are 32 alphanumerics, distinct, and accepted by isSessionId', () => {
  const ids = new Set(Array.from({ length: 200 }, () => newSessionId()));
  assert.equal(ids.size, 200);
  for (const id of ids) assert.ok(isSessionId(id) && /^[A-Za-z0-9]{32}$/.test(id), id);
});

test('hashSessionId is hex SHA-256 and differs from the id', () => {
  const h = hashSessionId(ID);
  assert.match(h, /^[0-9a-f]{64}$/);
  assert.notEqual(h, ID);
  assert.equal(hashSessionId(ID), h);
});

test('readSessionCookie picks the configured name among others', () => {
  assert.equal(readSessionCookie(`a=1; authelia_session=${ID}; b=2`, 'authelia_session'), ID);
  assert.equal(readSessionCookie(`authelia_session=${ID}`, 'authelia_session'), ID);
  assert.equal(readSessionCookie(`x_authelia_session=${ID}`, 'authelia_session'), undefined);
  assert.equal(readSessionCookie(`authelia_session="${ID}"`, 'authelia_session'), ID);
  assert.equal(readSessionCookie(`other=${ID}`, 'authelia_session'), undefined);
  assert.equal(readSessionCookie(undefined, 'authelia_session'), undefined);
  assert.equal(readSessionCookie('', 'authelia_session'), undefined);
});

test('readSessionCookie rejects values outside the id alphabet or length', () => {
  for (const bad of [
    '',
    'short',
    `${ID}X`,
    ID.slice(1),
    `${ID.slice(0, 31)}-`,
    `${ID.slice(0, 31)}é`,
    '../../../../etc/passwd0000000000',
    "' OR 1=1 --aaaaaaaaaaaaaaaaaaaaa",
  ]) {
    assert.equal(readSessionCookie(`authelia_session=${bad}`, 'authelia_session'), undefined, bad);
  }
  // A malformed duplicate does not hide a well-formed one.
  assert.equal(readSessionCookie(`authelia_session=junk; authelia_session=${ID}`, 'authelia_session'), ID);
});

test('serializeSessionCookie sets domain, path, expiry, HttpOnly, Secure and SameSite', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);
  const c = serializeSessionCookie(cfg, ID, 3_600_000, now);
  assert.equal(
    c,
    `authelia_session=${ID}; Domain=example.com; Path=/; Expires=Thu, 01 Jan 2026 13:00:00 GMT; Max-Age=3600; HttpOnly; Secure; SameSite=Lax`,
  );
  assert.match(serializeSessionCookie({ ...cfg, sameSite: 'strict' }, ID, 1000, now), /; SameSite=Strict$/);
  assert.match(
    serializeSessionCookie({ ...cfg, sameSite: 'none' }, ID, 1000, now),
    /; Secure; SameSite=None$/,
  );
});

test('deletionCookie expires the same cookie name, domain and path', () => {
  assert.equal(
    deletionCookie({ ...cfg, name: 'sess' }),
    'sess=; Domain=example.com; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Secure; SameSite=Lax',
  );
});
