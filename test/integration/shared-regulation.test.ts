/**
 * Two instances (two Regulators, each with its own connection pool and the database's named locks) taking
 * wrong passwords for one user in parallel ban after exactly max_retries failures in total.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLimiter } from '../../src/app/limiter.js';
import { createPasswordCheck } from '../../src/app/password-check.js';
import { openStorage, type Storage } from '../../src/app/storage.js';
import type { UsersDatabase } from '../../src/authn/index.js';
import { silentLogger, systemClock } from '../../src/core/index.js';
import { Regulator } from '../../src/regulation/index.js';
import { type FreshDatabase, freshDatabase } from '../harness/databases.js';

const KEY = 'an_encryption_key_that_is_long_enough_0123456789';
const MIN = 60_000;

for (const engine of ['postgres', 'mysql'] as const) {
  describe(`shared regulation on ${engine}`, () => {
    let db: FreshDatabase;
    const storages: Storage[] = [];
    // Two instances on one fresh database, for every test of this engine (each test uses its own users).
    before(async () => {
      db = await freshDatabase(engine);
      storages.push(await openStorage(db.config(KEY)), await openStorage(db.config(KEY)));
    });
    after(async () => {
      for (const s of storages) await s.close();
      await db?.drop();
    });

    const instance = (storage: Storage, withLocks: boolean) =>
      new Regulator({
        attempts: storage.attempts,
        bans: storage.bans,
        clock: systemClock,
        config: { modes: ['user'], maxRetries: 3, findTime: 2 * MIN, banTime: 5 * MIN },
        ...(withLocks ? { locks: storage.locks } : {}),
      });

    /**
     * 12 wrong passwords for `user`, alternating between the instances, all in flight at once. A verification
     * waits up to `overlapMs` for another one to start (0: it just takes 20 ms); `overlap` is the most that ran
     * at the same time.
     */
    async function hammer(regulators: Regulator[], user: string, overlapMs = 0) {
      let verified = 0;
      let running = 0;
      let overlap = 0;
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          regulators[i % regulators.length]!.guard(user, `192.0.2.${i}`, async () => {
            verified++;
            overlap = Math.max(overlap, ++running);
            const until = Date.now() + Math.max(20, overlapMs);
            while (Date.now() < until && !(overlapMs > 0 && overlap > 1)) await sleep(5);
            running--;
            return {
              successful: false,
              attempt: { authType: '1FA', requestUri: '/api/firstfactor', requestMethod: 'POST' },
            };
          }),
        ),
      );
      const failures = await storages[0]!.sql.get<{ n: number }>(
        'SELECT COUNT(*) AS n FROM authentication_logs WHERE username = ? AND successful = 0 AND banned = 0',
        [user],
      );
      return {
        verified,
        overlap,
        refused: results.filter((r) => r.banned).length,
        failures: Number(failures?.n),
      };
    }

    test('exactly max_retries failures are checked in total; the ban holds on both instances', async () => {
      const regs = storages.slice(0, 2).map((s) => instance(s, true));
      const r = await hammer(regs, 'john', 200);
      assert.deepEqual(r, { verified: 3, overlap: 1, refused: 9, failures: 3 });
      for (const reg of regs) assert.equal((await reg.check('john', '198.51.100.1')).banned, true);
    });

    test('a burst of logins for many users does not drain the connection pool (limiter slot before the locks)', async () => {
      // A pool of 3 and one verification at a time: were the locks taken before the limiter slot, 3 queued
      // logins would hold every connection while waiting and the statements of the running one would never get
      // one (on MySQL, forever).
      const small = await openStorage(db.config(KEY), { poolSize: 3 });
      storages.push(small);
      const check = createPasswordCheck({
        users: () => ({ lookup: () => undefined }) as unknown as UsersDatabase,
        regulator: instance(small, true),
        limiter: createLimiter(1, 512),
        logger: silentLogger,
      });
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          check(`user${i}`, 'wrong', {
            ip: `198.51.100.${i}`,
            requestUri: '/',
            requestMethod: 'POST',
            authType: '1FA',
          }),
        ),
      );
      assert.deepEqual(new Set(results.map((r) => r.ok)), new Set([false]));
      const row = await small.sql.get<{ n: number }>(
        "SELECT COUNT(*) AS n FROM authentication_logs WHERE username LIKE 'user%'",
      );
      assert.equal(Number(row?.n), 12, 'every attempt was recorded');
    });

    test('without the shared locks two instances verify for one user at once (what the locks prevent)', async () => {
      const regs = storages.slice(0, 2).map((s) => instance(s, false));
      const r = await hammer(regs, 'alice', 2_000);
      assert.equal(r.overlap, 2, 'the two instances checked passwords for alice at the same time');
    });
  });
}
