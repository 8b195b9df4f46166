/**
 * A login flood sheds load instead of starving checks: with one verification at a time and two waiting, the
 * other logins of a burst are refused at once with 503 and Retry-After, and a forward-auth check made during
 * the burst answers while the queued logins are still hashing. The digest is argon2id with 64 MiB and 16 passes
 * (Authelia's default memory, more passes), so each verification takes a few hundred ms: far longer than the burst
 * takes to arrive, so which logins are queued and which are shed does not depend on timing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashPassword } from '../../src/authn/index.js';
import { PASSWORD_HASH_DEFAULTS } from '../../src/config/index.js';
import { startHarness } from '../harness/gateway.js';
import { forwardAuthHeaders, login, request } from '../harness/http.js';
import { until } from '../harness/net.js';

test('a burst of logins beyond the queue gets 503 at once, and checks keep answering meanwhile', async () => {
  const digest = await hashPassword('john-password', {
    ...PASSWORD_HASH_DEFAULTS,
    argon2: { ...PASSWORD_HASH_DEFAULTS.argon2, iterations: 16 },
  });
  const h = await startHarness({
    users: { john: { password: 'john-password', digest } },
    runtime: { loginLimits: { concurrency: 1, queue: 2 } },
  });
  try {
    const { cookie } = await login(h.port, 'john', 'john-password');
    assert.ok(cookie, 'the first login succeeds');

    let pending = 8;
    let shedSoFar = 0;
    const burst = Array.from({ length: 8 }, () =>
      login(h.port, 'john', 'john-password').then((r) => {
        pending--;
        if (r.res.status === 503) shedSoFar++;
        return r;
      }),
    );
    // All five shed logins answered: the burst has arrived. Check while the queued ones still hash.
    await until('the burst to be shed', () => shedSoFar === 5, 10_000, 5);
    const check = await request(h.port, {
      path: '/api/authz/forward-auth',
      headers: forwardAuthHeaders('https://app.example.com/', 'GET', { cookie }),
    });
    assert.equal(check.status, 200);
    assert.ok(pending > 0, 'the check answered while logins were still being verified');

    const results = await Promise.all(burst);
    const statuses = results.map((r) => r.res.status).sort();
    assert.deepEqual(
      statuses,
      [200, 200, 200, 503, 503, 503, 503, 503],
      'one verifying, two queued, the rest shed',
    );
    const shed = results.find((r) => r.res.status === 503)!.res;
    assert.equal(shed.headers['retry-after'], '1');
    assert.equal(JSON.parse(shed.body).status, 'KO');
  } finally {
    await h.stop();
  }
});

test('attempts on a banned user skip the queue: refused at once while the only slot is busy', async () => {
  const slow = await hashPassword('john-password', {
    ...PASSWORD_HASH_DEFAULTS,
    argon2: { ...PASSWORD_HASH_DEFAULTS.argon2, iterations: 16 },
  });
  const h = await startHarness({
    users: {
      john: { password: 'john-password', digest: slow },
      harry: { password: 'harry-password' },
      bob: { password: 'bob-password' },
    },
    runtime: { loginLimits: { concurrency: 1, queue: 0 } },
  });
  try {
    // regulation.max_retries is 3 in the harness: three wrong passwords ban harry.
    for (let i = 0; i < 3; i++) assert.equal((await login(h.port, 'harry', 'wrong')).res.status, 401);
    const busy = login(h.port, 'john', 'john-password');
    await until('the slow login to hold the only slot', async () => {
      return (await login(h.port, 'bob', 'bob-password')).res.status === 503;
    });
    const banned = await login(h.port, 'harry', 'harry-password');
    assert.equal(banned.res.status, 401, 'refused as banned, not shed with 503');
    assert.equal((await busy).res.status, 200);
  } finally {
    await h.stop();
  }
});
