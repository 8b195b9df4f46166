/**
 * What must hold the same on SQLite, PostgreSQL and MariaDB beyond the repositories: migrations both ways, the
 * append-only audit log under concurrent appends from two connections (two instances), single-use ceremonies
 * and codes under racing consumers, and the session table.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ENGINES, type FreshDatabase, freshDatabase } from '../../test/harness/databases.js';
import { sampleSession } from '../../test/harness/sessions.js';
import { ManualClock } from '../core/index.js';
import { SqlSessionStore } from '../session/stores/sql.js';
import { SqlAuditStore } from './audit-sql.js';
import { createOneTimeCodeStore, createWebAuthnChallengeStore } from './credentials.js';
import { createCipher } from './crypto.js';
import { currentVersion, migrateDown, migrateUp } from './migrate.js';
import { migrationsFor } from './migrations/server.js';
import { createTotpStore } from './repositories.js';
import type { AuditRecord, SqlClient } from './types.js';

const KEY = 'an_encryption_key_that_is_long_enough_0123456789';

for (const engine of ENGINES) {
  describe(`storage on ${engine}`, () => {
    const opened: FreshDatabase[] = [];
    const others: SqlClient[] = [];
    after(async () => {
      for (const o of others) await o.close().catch(() => {});
      for (const d of opened) await d.drop();
    });
    const database = async (migrate = true) => {
      const d = await freshDatabase(engine);
      opened.push(d);
      if (migrate) await migrateUp(d.sql, migrationsFor(engine));
      return d;
    };

    test('every migration goes up, down to 0 and up again', async () => {
      const { sql } = await database(false);
      const all = migrationsFor(engine);
      const newest = all.at(-1)!.version;
      assert.deepEqual(
        await migrateUp(sql, all),
        all.map((m) => m.version),
      );
      assert.equal(await currentVersion(sql), newest);
      assert.deepEqual(await migrateDown(sql, all, 0), all.map((m) => m.version).reverse());
      assert.equal(await currentVersion(sql), 0);
      assert.deepEqual(
        await migrateUp(sql, all),
        all.map((m) => m.version),
      );
    });

    test('the audit log is append-only and two connections appending at once keep one unbroken chain', async () => {
      const d = await database();
      const other = await d.openAnother();
      if (other !== d.sql) others.push(other);
      const stores = [new SqlAuditStore(d.sql), new SqlAuditStore(other)];
      const next = (h: { seq: number; hash: string } | undefined, who: number): AuditRecord[] => {
        const seq = (h?.seq ?? 0) + 1;
        return [
          {
            seq,
            at: 1_700_000_000_000 + seq,
            type: 'test',
            username: `u${who}`,
            ip: '192.0.2.1',
            data: '{}',
            prev: h?.hash ?? 'genesis',
            hash: `h${seq}`,
          },
        ];
      };
      await Promise.all(Array.from({ length: 40 }, (_, i) => stores[i % 2]!.append((h) => next(h, i % 2))));
      const rows = await stores[0]!.list({ limit: 100 });
      assert.equal(rows.length, 40);
      rows.forEach((r, i) => {
        assert.equal(r.seq, i + 1);
        assert.equal(r.prev, i === 0 ? 'genesis' : `h${i}`, 'each entry links to the one before it');
      });
      await assert.rejects(d.sql.run("UPDATE audit_log SET username = 'x'"), /append-only/);
      await assert.rejects(d.sql.run('DELETE FROM audit_log'), /append-only/);
      const keys = await Promise.all(stores.map((s, i) => s.signingKey(() => `key-${i}`)));
      assert.equal(keys[0], keys[1], 'one signing key for every instance');
    });

    test('a WebAuthn challenge and an emailed code are used once, even by racing instances', async () => {
      const d = await database();
      const other = await d.openAnother();
      if (other !== d.sql) others.push(other);
      const cipher = createCipher(KEY);
      const challenges = [createWebAuthnChallengeStore(d.sql), createWebAuthnChallengeStore(other)];
      await challenges[0]!.put(
        { challenge: 'c1', kind: 'assert', username: 'john', binding: 'b', data: '{}', expiresAt: 2_000 },
        1_000,
      );
      const taken = await Promise.all(
        Array.from({ length: 6 }, (_, i) => challenges[i % 2]!.take('c1', 1_500)),
      );
      assert.equal(taken.filter(Boolean).length, 1);

      const codes = [createOneTimeCodeStore(d.sql, cipher), createOneTimeCodeStore(other, cipher)];
      const id = await codes[0]!.save({
        publicId: 'p1',
        signature: 's1',
        issuedAt: 1,
        issuedIp: '192.0.2.1',
        expiresAt: 10_000,
        username: 'john',
        intent: 'elevation',
        code: Buffer.from('ABCDEFGH'),
      });
      const consumed = await Promise.all(
        Array.from({ length: 6 }, (_, i) => codes[i % 2]!.consume(id, 5, '192.0.2.1')),
      );
      assert.equal(consumed.filter(Boolean).length, 1);
      assert.deepEqual((await codes[1]!.byPublicId('p1'))?.code, Buffer.from('ABCDEFGH'));

      const totp = [createTotpStore(d.sql, cipher), createTotpStore(other, cipher)];
      const used = await Promise.all(
        Array.from({ length: 6 }, (_, i) => totp[i % 2]!.markUsed('john', 42, 7)),
      );
      assert.equal(used.filter(Boolean).length, 1, 'a TOTP step is accepted once');
    });

    test('sessions: written by one instance, read, touched and revoked from another', async () => {
      const d = await database();
      const other = await d.openAnother();
      if (other !== d.sql) others.push(other);
      const clock = new ManualClock(1_700_000_000_000);
      const a = new SqlSessionStore(d.sql, { clock, flushIntervalMs: 0 });
      const b = new SqlSessionStore(other, { clock, flushIntervalMs: 0, cacheMaxAgeMs: 0 });
      const now = clock.now();
      const s = sampleSession(now, { keepMeLoggedIn: true });
      await a.set(s, 3_600_000);
      assert.deepEqual(await b.get(s.id), s);
      a.touch(s.id, now + 5_000);
      await a.flush();
      assert.equal((await b.get(s.id))?.lastActivity, now + 5_000);
      assert.deepEqual(
        (await b.list({ username: 'john' })).map((x) => x.ip),
        ['192.0.2.7'],
      );
      assert.equal(await a.replace({ ...s, displayName: 'Johnny' }, 3_600_000), true);
      assert.equal((await b.get(s.id))?.displayName, 'Johnny');
      assert.equal(
        await a.replace({ ...s, displayName: 'Johnny' }, 3_600_000),
        true,
        'an unchanged row still counts',
      );
      assert.equal(await b.count(), 1);
      assert.equal(await b.deleteByUser('john'), 1);
      assert.equal(await b.get(s.id), undefined);
      assert.equal(await b.count(), 0);
      // A change to the session read before the revocation must not bring it back.
      assert.equal(await a.replace({ ...s, displayName: 'Late' }, 3_600_000), false);
      assert.equal(await b.get(s.id), undefined);
      assert.equal(await a.get(s.id), undefined);
      await a.close();
      await b.close();
    });
  });
}
