/**
 * Two instances (two Regulators, each with its own connection pool and the database's named locks) taking
 * wrong passwords for one user in parallel ban after exactly max_retries failures in total.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { openStorage, type Storage } from '../../src/app/storage.js';
import { systemClock } from '../../src/core/index.js';
import { Regulator } from '../../src/regulation/index.js';
import { type FreshDatabase, freshDatabase } from '../harness/databases.js';

const KEY = 'an_encryption_key_that_is_long_enough_0123456789';
const MIN = 60_000;

for (const engine of ['postgres', 'mysql'] as const) {
  describe(`shared regulation on ${engine}`, () => {
    let db: FreshDatabase;
    const storages: Storage[] = [];
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

    /** 12 wrong passwords for `user`, alternating between the instances, all in flight at once. */
    async function hammer(regulators: Regulator[], user: string) {
      let verified = 0;
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          regulators[i % regulators.length]!.guard(user, `192.0.2.${i}`, async () => {
            verified++;
            await sleep(20); // a password check takes time; the other instance must not slip in meanwhile
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
      return { verified, refused: results.filter((r) => r.banned).length, failures: Number(failures?.n) };
    }

    test('exactly max_retries failures are checked in total; the ban holds on both instances', async () => {
      db = await freshDatabase(engine);
      storages.push(await openStorage(db.config(KEY)), await openStorage(db.config(KEY)));
      const regs = storages.map((s) => instance(s, true));
      const r = await hammer(regs, 'john');
      assert.deepEqual(r, { verified: 3, refused: 9, failures: 3 });
      for (const reg of regs) assert.equal((await reg.check('john', '198.51.100.1')).banned, true);
    });

    test('without the shared locks the same race lets more guesses through (what the locks prevent)', async () => {
      const regs = storages.map((s) => instance(s, false));
      const r = await hammer(regs, 'alice');
      assert.ok(
        r.verified > 3,
        `expected the unlocked race to check more than 3 passwords, got ${r.verified}`,
      );
    });
  });
}
