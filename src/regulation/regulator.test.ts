import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RegulationConfig } from '../config/index.js';
import { ManualClock } from '../core/index.js';
import { migrateUp } from '../storage/migrate.js';
import { SQLITE_MIGRATIONS } from '../storage/migrations/sqlite.js';
import { createAttemptStore, createBanStore } from '../storage/repositories.js';
import { openSqlite } from '../storage/sqlite.js';
import { Regulator } from './regulator.js';

const dir = mkdtempSync(join(tmpdir(), 'portcullis-regulation-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const MIN = 60_000;

async function setup(config: Partial<RegulationConfig> = {}) {
  const sql = openSqlite(join(dir, `db-${n++}.sqlite3`));
  await migrateUp(sql, SQLITE_MIGRATIONS);
  const clock = new ManualClock();
  const bans = createBanStore(sql, clock);
  const attempts = createAttemptStore(sql);
  const regulator = new Regulator({
    attempts,
    bans,
    clock,
    config: { modes: ['user'], maxRetries: 3, findTime: 2 * MIN, banTime: 5 * MIN, ...config },
  });
  let verifyCalls = 0;
  /** One first-factor attempt whose password check answers `ok`. */
  const login = (username: string, ip: string, ok = false, delayMs = 0) =>
    regulator.guard(username, ip, async () => {
      verifyCalls++;
      if (delayMs) await sleep(delayMs);
      return {
        successful: ok,
        attempt: { authType: '1FA', requestUri: '/api/firstfactor', requestMethod: 'POST' },
      };
    });
  return { sql, clock, bans, attempts, regulator, login, verifyCalls: () => verifyCalls };
}

test('mode user: max_retries failures ban the user until the newest failure + ban_time', async () => {
  const t = await setup();
  const start = t.clock.now();
  for (let i = 0; i < 3; i++) {
    assert.deepEqual(await t.login('john', `192.0.2.${i}`), { banned: false, successful: false });
    t.clock.advance(1000);
  }
  const r = await t.login('john', '192.0.2.50', true);
  assert.deepEqual(r, { banned: true, until: new Date(start + 2000 + 5 * MIN), scope: 'user' });
  assert.equal(t.verifyCalls(), 3, 'a banned attempt never reaches the password check');
  // The refused attempt is logged as banned, not as a failure.
  const logged = await t.sql.all<{ banned: number; successful: number }>(
    "SELECT banned, successful FROM authentication_logs WHERE username = 'john' ORDER BY id",
  );
  assert.deepEqual(
    logged.map((r) => [r.banned, r.successful]),
    [
      [0, 0],
      [0, 0],
      [0, 0],
      [1, 0],
    ],
  );
  // Mode user does not ban the IPs: another user from the same IP is unaffected.
  assert.deepEqual(await t.login('bob', '192.0.2.0', true), { banned: false, successful: true });
  assert.equal(await t.bans.active('ip', '192.0.2.0'), undefined);
  await t.sql.close();
});

test('mode ip: failures for many users from one IP ban the IP, not the users', async () => {
  const t = await setup({ modes: ['ip'] });
  for (const u of ['a', 'b', 'c']) await t.login(u, '198.51.100.7');
  const r = await t.login('d', '198.51.100.7', true);
  assert.equal(r.banned, true);
  assert.equal(r.banned && r.scope, 'ip');
  // The same users from another IP still get their password checked.
  assert.deepEqual(await t.login('a', '198.51.100.8', true), { banned: false, successful: true });
  assert.equal(await t.bans.active('user', 'a'), undefined);
  await t.sql.close();
});

test('both modes: one run of failures bans the user and the IP', async () => {
  const t = await setup({ modes: ['user', 'ip'] });
  for (let i = 0; i < 3; i++) await t.login('john', '198.51.100.7');
  assert.ok(await t.bans.active('user', 'john'));
  assert.ok(await t.bans.active('ip', '198.51.100.7'));
  await t.sql.close();
});

test('find_time: failures older than the window do not count', async () => {
  const t = await setup();
  await t.login('john', '192.0.2.1');
  await t.login('john', '192.0.2.1');
  t.clock.advance(2 * MIN + 1);
  await t.login('john', '192.0.2.1');
  await t.login('john', '192.0.2.1');
  assert.equal(await t.bans.active('user', 'john'), undefined, 'only 2 failures within find_time');
  assert.deepEqual(await t.login('john', '192.0.2.1', true), { banned: false, successful: true });
  await t.sql.close();
});

test('ban_time: the ban ends when it expires and the password is checked again', async () => {
  const t = await setup();
  for (let i = 0; i < 3; i++) await t.login('john', '192.0.2.1');
  t.clock.advance(5 * MIN - 1);
  assert.equal((await t.login('john', '192.0.2.1', true)).banned, true);
  t.clock.advance(1);
  assert.deepEqual(await t.login('john', '192.0.2.1', true), { banned: false, successful: true });
  assert.equal(t.verifyCalls(), 4);
  await t.sql.close();
});

test('a success resets the count: only consecutive failures ban', async () => {
  const t = await setup();
  await t.login('john', '192.0.2.1');
  await t.login('john', '192.0.2.1');
  await t.login('john', '192.0.2.1', true);
  await t.login('john', '192.0.2.1');
  await t.login('john', '192.0.2.1');
  assert.equal(await t.bans.active('user', 'john'), undefined);
  await t.login('john', '192.0.2.1');
  assert.ok(await t.bans.active('user', 'john'));
  await t.sql.close();
});

test('only first-factor failures count', async () => {
  const t = await setup({ modes: ['user', 'ip'] });
  for (let i = 0; i < 6; i++) {
    await t.regulator.mark({
      username: 'john',
      ip: '192.0.2.1',
      successful: false,
      authType: 'TOTP',
      requestUri: '/api/secondfactor/totp',
      requestMethod: 'POST',
    });
  }
  assert.deepEqual(await t.regulator.check('john', '192.0.2.1'), { banned: false });
  assert.equal((await t.attempts.recentForUser('john', 0, 10)).length, 0, 'TOTP attempts are not 1FA');
  await t.sql.close();
});

test('check order: an IP ban is reported before a user ban; both kinds hold whatever the modes', async () => {
  const t = await setup({ modes: ['user'] });
  const now = t.clock.now();
  await t.bans.ban('user', 'john', now + 10 * MIN, 'admin', 'cli');
  await t.bans.ban('ip', '192.0.2.1', now + 20 * MIN, 'admin', 'cli');
  assert.deepEqual(await t.regulator.check('john', '192.0.2.1'), {
    banned: true,
    until: new Date(now + 20 * MIN),
    scope: 'ip',
  });
  assert.deepEqual(await t.regulator.check('john', '192.0.2.2'), {
    banned: true,
    until: new Date(now + 10 * MIN),
    scope: 'user',
  });
  assert.deepEqual(await t.regulator.check('bob', '192.0.2.2'), { banned: false });
  await t.sql.close();
});

test('max_retries 0 disables regulation', async () => {
  const t = await setup({ maxRetries: 0, modes: ['user', 'ip'] });
  assert.equal(t.regulator.enabled, false);
  for (let i = 0; i < 10; i++) await t.login('john', '192.0.2.1');
  assert.deepEqual(await t.login('john', '192.0.2.1', true), { banned: false, successful: true });
  assert.equal(t.verifyCalls(), 11);
  assert.deepEqual(await t.bans.list(), []);
  await t.sql.close();
});

test('mode ip: attempts refused for a banned user in between do not hide the IP’s failures', async () => {
  const t = await setup({ modes: ['ip'] });
  await t.bans.ban('user', 'alice', t.clock.now() + 60 * MIN, 'admin', 'cli');
  for (let i = 0; i < 3; i++) {
    assert.equal((await t.login('alice', '203.0.113.5')).banned, true);
    assert.equal((await t.login(`user${i}`, '203.0.113.5')).banned, false);
  }
  assert.ok(await t.bans.active('ip', '203.0.113.5'), 'three failures from the IP ban it');
  await t.sql.close();
});

test('concurrency: 20 parallel wrong passwords for one user run exactly max_retries checks', async () => {
  const t = await setup({ maxRetries: 3 });
  const results = await Promise.all(Array.from({ length: 20 }, () => t.login('john', '192.0.2.1', false, 5)));
  assert.equal(t.verifyCalls(), 3);
  assert.equal(results.filter((r) => !r.banned).length, 3);
  assert.equal(results.filter((r) => r.banned).length, 17);
  await t.sql.close();
});

test('concurrency: the same user from 20 parallel IPs runs exactly max_retries checks', async () => {
  const t = await setup({ maxRetries: 3, modes: ['user'] });
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) => t.login('john', `10.0.0.${i + 1}`, false, 5)),
  );
  assert.equal(t.verifyCalls(), 3);
  assert.equal(results.filter((r) => r.banned).length, 17);
  await t.sql.close();
});

test('concurrency: 20 parallel users from one IP in mode ip run exactly max_retries checks', async () => {
  const t = await setup({ maxRetries: 4, modes: ['ip'] });
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) => t.login(`user${i}`, '10.9.9.9', false, 5)),
  );
  assert.equal(t.verifyCalls(), 4);
  assert.equal(results.filter((r) => r.banned).length, 16);
  await t.sql.close();
});
