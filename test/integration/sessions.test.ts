/** Session lifecycle over HTTP: refresh from the users file, logout, survival across a restart, expiry. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ManualClock } from '../../src/core/index.js';
import { DEFAULT_USERS, startHarness, usersYaml } from '../harness/gateway.js';
import { forwardAuthHeaders, login, request } from '../harness/http.js';

const FA = '/api/authz/forward-auth';
const fa = (port: number, url: string, cookie: string) =>
  request(port, { path: FA, headers: forwardAuthHeaders(url, 'GET', { cookie }) });

describe('sessions', () => {
  it('applies changed groups and drops a deleted user at the next refresh', async () => {
    const clock = new ManualClock(Date.now());
    const h = await startHarness({
      runtime: { clock },
      modify: (c) => (c.authentication_backend.refresh_interval = '1m'),
    });
    try {
      const { cookie } = await login(h.port, 'bob', 'bob-password');
      assert.equal((await fa(h.port, 'https://dev.example.com/', cookie)).headers['remote-groups'], 'dev');

      // bob joins 'ops' and harry is removed; nothing changes before the refresh interval passes.
      const { bob, john } = DEFAULT_USERS;
      writeFileSync(
        join(h.dir, 'users_database.yml'),
        await usersYaml({ john: john!, bob: { ...bob!, groups: ['dev', 'ops'] } }),
      );
      await h.runtime.users.reload();
      assert.equal((await fa(h.port, 'https://dev.example.com/', cookie)).headers['remote-groups'], 'dev');
      clock.advance(61_000);
      assert.equal(
        (await fa(h.port, 'https://dev.example.com/', cookie)).headers['remote-groups'],
        'dev,ops',
      );

      const harry = await login(h.port, 'harry', 'harry-password');
      assert.equal(harry.res.status, 401, 'a deleted user cannot log in');
    } finally {
      await h.stop();
    }
  });

  it('destroys the session of a user removed from the users file', async () => {
    const clock = new ManualClock(Date.now());
    const h = await startHarness({
      runtime: { clock },
      modify: (c) => (c.authentication_backend.refresh_interval = '1m'),
    });
    try {
      const { cookie } = await login(h.port, 'harry', 'harry-password');
      assert.equal((await fa(h.port, 'https://app.example.com/', cookie)).status, 200);
      const { john, bob } = DEFAULT_USERS;
      writeFileSync(join(h.dir, 'users_database.yml'), await usersYaml({ john: john!, bob: bob! }));
      await h.runtime.users.reload();
      clock.advance(61_000);
      assert.equal((await fa(h.port, 'https://app.example.com/', cookie)).status, 302);
      // Gone for good, not just refused once.
      assert.equal((await fa(h.port, 'https://app.example.com/', cookie)).status, 302);
    } finally {
      await h.stop();
    }
  });

  it('logout destroys the session and clears the cookie', async () => {
    const h = await startHarness();
    try {
      const { cookie } = await login(h.port, 'john', 'john-password');
      const out = await request(h.port, {
        method: 'POST',
        path: '/api/logout',
        headers: { host: 'auth.example.com', cookie, 'content-type': 'application/json' },
        body: JSON.stringify({ targetURL: 'https://app.example.com/' }),
      });
      assert.equal(out.status, 200);
      assert.deepEqual(JSON.parse(out.body), { status: 'OK', data: { safeTargetURL: true } });
      assert.match(
        String(out.headers['set-cookie']),
        /authelia_session=;.*Max-Age=0|authelia_session=;.*Expires=Thu, 01 Jan 1970/i,
      );
      assert.equal((await fa(h.port, 'https://app.example.com/', cookie)).status, 302);
    } finally {
      await h.stop();
    }
  });

  it('regenerates the session id on login (no fixation) and sets secure cookie attributes', async () => {
    const h = await startHarness();
    try {
      const first = await login(h.port, 'john', 'john-password');
      const sc = String(first.res.headers['set-cookie']);
      assert.match(sc, /Domain=example\.com/);
      assert.match(sc, /HttpOnly/);
      assert.match(sc, /Secure/);
      assert.match(sc, /SameSite=Lax/i);
      const again = await request(h.port, {
        method: 'POST',
        path: '/api/firstfactor',
        headers: { host: 'auth.example.com', 'content-type': 'application/json', cookie: first.cookie },
        body: JSON.stringify({ username: 'john', password: 'john-password' }),
      });
      const second = String(again.headers['set-cookie']).split(';')[0]!;
      assert.notEqual(second, first.cookie);
      assert.equal(
        (await fa(h.port, 'https://app.example.com/', first.cookie)).status,
        302,
        'old id is dead',
      );
      assert.equal((await fa(h.port, 'https://app.example.com/', second)).status, 200);
    } finally {
      await h.stop();
    }
  });

  it('keeps sessions across a restart (SQLite is the default store)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-restart-'));
    try {
      const a = await startHarness({ dir });
      const { cookie } = await login(a.port, 'john', 'john-password');
      assert.equal((await fa(a.port, 'https://app.example.com/', cookie)).status, 200);
      await a.stop();
      const b = await startHarness({ dir });
      try {
        const r = await fa(b.port, 'https://app.example.com/', cookie);
        assert.equal(r.status, 200);
        assert.equal(r.headers['remote-user'], 'john');
      } finally {
        await b.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('expires after inactivity unless remember-me was ticked', async () => {
    const clock = new ManualClock(Date.now());
    const h = await startHarness({
      runtime: { clock },
      modify: (c) => Object.assign(c.session, { inactivity: '5m', expiration: '1h', remember_me: '1M' }),
    });
    try {
      const plain = (await login(h.port, 'john', 'john-password')).cookie;
      const kept = (await login(h.port, 'bob', 'bob-password', { keepMeLoggedIn: true })).cookie;
      clock.advance(6 * 60_000);
      assert.equal(
        (await fa(h.port, 'https://app.example.com/', plain)).status,
        302,
        'inactive session ends',
      );
      assert.equal(
        (await fa(h.port, 'https://dev.example.com/', kept)).status,
        200,
        'remember-me ignores inactivity',
      );
    } finally {
      await h.stop();
    }
  });
});
