import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ENGINES, type FreshDatabase, freshDatabase } from '../../test/harness/databases.js';
import { ManualClock } from '../core/index.js';
import { createCipher } from './crypto.js';
import { migrateUp } from './migrate.js';
import { migrationsFor } from './migrations/server.js';
import {
  createAttemptStore,
  createBanStore,
  createPreferencesStore,
  createTotpStore,
} from './repositories.js';
import type { AuthAttempt } from './types.js';

const attempt = (time: number, over: Partial<AuthAttempt> = {}): AuthAttempt => ({
  time,
  successful: false,
  banned: false,
  username: 'john',
  authType: '1FA',
  remoteIp: '192.0.2.1',
  requestUri: '/api/firstfactor',
  requestMethod: 'POST',
  ...over,
});

for (const engine of ENGINES) {
  describe(`repositories on ${engine}`, () => {
    const opened: FreshDatabase[] = [];
    after(async () => {
      for (const d of opened) await d.drop();
    });
    async function db() {
      const d = await freshDatabase(engine);
      opened.push(d);
      await migrateUp(d.sql, migrationsFor(d.sql.dialect));
      return d.sql;
    }

    test('attempts: newest first, within the window, 1FA only, not banned, limited, per user and per IP', async () => {
      const sql = await db();
      const a = createAttemptStore(sql);
      await a.append(attempt(100));
      await a.append(attempt(300, { successful: true }));
      await a.append(attempt(200, { remoteIp: '192.0.2.2' }));
      await a.append(attempt(400, { authType: 'TOTP' }));
      await a.append(attempt(500, { username: 'bob', banned: true }));
      await a.append(attempt(50));

      const john = await a.recentForUser('john', 100, 10);
      assert.deepEqual(
        john.map((r) => [r.time, r.successful, r.remoteIp]),
        [
          [300, true, '192.0.2.1'],
          [200, false, '192.0.2.2'],
          [100, false, '192.0.2.1'],
        ],
      );
      assert.deepEqual(john[0], attempt(300, { successful: true }));
      assert.deepEqual(
        (await a.recentForUser('john', 0, 2)).map((r) => r.time),
        [300, 200],
      );
      await a.append(attempt(600, { username: 'bob' }));
      // Attempts refused by a ban never reached the password check: they are not returned.
      assert.deepEqual(
        (await a.recentForIp('192.0.2.1', 0, 10)).map((r) => [r.time, r.username]),
        [
          [600, 'bob'],
          [300, 'john'],
          [100, 'john'],
          [50, 'john'],
        ],
      );
      assert.deepEqual(await a.recentForUser('bob', 0, 10), [attempt(600, { username: 'bob' })]);
      assert.deepEqual(await a.recentForUser('nobody', 0, 10), []);
      await sql.close();
    });

    test('attempts with the same time keep their insertion order (newest insert first)', async () => {
      const sql = await db();
      const a = createAttemptStore(sql);
      await a.append(attempt(1000, { successful: true }));
      await a.append(attempt(1000));
      assert.deepEqual(
        (await a.recentForUser('john', 0, 10)).map((r) => r.successful),
        [false, true],
      );
      await sql.close();
    });

    test('bans: active until expiry, the latest expiry wins, list, unban, per kind', async () => {
      const sql = await db();
      const clock = new ManualClock(1_000_000);
      const bans = createBanStore(sql, clock);
      await bans.ban('user', 'john', 1_060_000, 'three failures');
      await bans.ban('user', 'john', 1_120_000, 'again', 'detection');
      await bans.ban('ip', '192.0.2.9', 1_030_000, 'scan', 'cli');
      await bans.ban('ip', '192.0.2.8', 999_000, 'already over');

      const j = await bans.active('user', 'john');
      assert.deepEqual(j, {
        kind: 'user',
        value: 'john',
        expiresAt: 1_120_000,
        reason: 'again',
        source: 'detection',
        createdAt: 1_000_000,
      });
      assert.equal(await bans.active('ip', 'john'), undefined, 'kinds are separate');
      assert.equal(await bans.active('ip', '192.0.2.8'), undefined, 'an expired ban is not active');

      assert.deepEqual(
        (await bans.list()).map((b) => [b.kind, b.value, b.expiresAt]),
        [
          ['user', 'john', 1_120_000],
          ['ip', '192.0.2.9', 1_030_000],
        ],
      );

      clock.set(1_030_000);
      assert.equal(await bans.active('ip', '192.0.2.9'), undefined, 'a ban ends at its expiry');
      assert.equal((await bans.active('ip', '192.0.2.9', 1_029_999)) !== undefined, true);
      assert.deepEqual(
        (await bans.list()).map((b) => b.value),
        ['john'],
      );

      assert.equal(await bans.unban('user', 'john'), true);
      assert.equal(await bans.active('user', 'john'), undefined);
      assert.equal(await bans.unban('user', 'john'), false, 'nothing left to lift');
      assert.equal(await bans.unban('ip', '192.0.2.9'), false, 'an expired ban is not lifted again');
      assert.deepEqual(await bans.list(), []);

      // A new ban after an unban holds again.
      await bans.ban('user', 'john', 1_090_000, 'fresh');
      assert.equal((await bans.active('user', 'john'))?.reason, 'fresh');
      await sql.close();
    });

    test('totp: save replaces, get and list decrypt, delete, markUsed once per step and per user', async () => {
      const sql = await db();
      const totp = createTotpStore(sql, createCipher('an_encryption_key_that_is_long_enough_0123456789'));
      const rec = {
        username: 'john',
        issuer: 'Portcullis',
        algorithm: 'SHA256' as const,
        digits: 8,
        period: 60,
        secret: Buffer.from('s3cr3t-bytes-of-twenty'),
        createdAt: 10,
        lastUsedAt: undefined,
      };
      assert.equal(await totp.get('john'), undefined);
      await totp.save(rec);
      assert.deepEqual(await totp.get('john'), rec);
      await totp.save({ ...rec, secret: Buffer.from('another-secret-of-20b'), createdAt: 20 });
      assert.equal((await totp.get('john'))?.createdAt, 20);
      assert.equal((await sql.all('SELECT id FROM totp_configurations')).length, 1);
      await totp.save({ ...rec, username: 'alice' });
      assert.deepEqual(
        (await totp.list()).map((r) => [r.username, r.secret.toString()]),
        [
          ['alice', 's3cr3t-bytes-of-twenty'],
          ['john', 'another-secret-of-20b'],
        ],
      );

      assert.equal(await totp.markUsed('john', 7, 1000), true);
      assert.equal(await totp.markUsed('john', 7, 1001), false);
      assert.equal(await totp.markUsed('bob', 7, 1002), true);
      assert.equal(await totp.markUsed('john', 8, 1003), true);
      assert.equal((await totp.get('john'))?.lastUsedAt, 1003);
      assert.equal(await totp.markUsed('john', 9, 1004, false), true, 'an enrolment code burns its step');
      assert.equal(await totp.markUsed('john', 9, 1005), false);
      assert.equal((await totp.get('john'))?.lastUsedAt, 1003, 'but is not a sign-in');

      assert.equal(await totp.delete('john'), true);
      assert.equal(await totp.delete('john'), false);
      assert.equal(await totp.get('john'), undefined);
      await sql.close();
    });

    test('preferences: set, overwrite, unknown user', async () => {
      const sql = await db();
      const p = createPreferencesStore(sql);
      assert.equal(await p.getSecondFactorMethod('john'), undefined);
      await p.setSecondFactorMethod('john', 'totp');
      await p.setSecondFactorMethod('john', 'webauthn');
      assert.equal(await p.getSecondFactorMethod('john'), 'webauthn');
      await sql.close();
    });
  });
}
