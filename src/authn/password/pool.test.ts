import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HashPool } from './pool.js';

test('the pool runs more tasks than workers, in bounded workers, and survives a failing task', async () => {
  const pool = new HashPool(2);
  try {
    const tasks = Array.from({ length: 5 }, (_, i) =>
      pool.run({ op: 'sha2crypt', variant: 'sha256', password: `p${i}`, salt: 'salt', rounds: 1000 }),
    );
    const bad = pool.run({ op: 'bcrypt', password: 'x', setting: '$3$04$abcdefghijklmnopqrstuu' });
    await assert.rejects(bad, /Invalid salt version/);
    const sums = await Promise.all(tasks);
    assert.equal(new Set(sums).size, 5);
    assert.ok(sums.every((s) => s.length === 43));
    const again = await pool.run({
      op: 'sha2crypt',
      variant: 'sha256',
      password: 'p0',
      salt: 'salt',
      rounds: 1000,
    });
    assert.equal(again, sums[0]);
  } finally {
    await pool.close();
  }
});

test('close() rejects what is still queued', async () => {
  const pool = new HashPool(1);
  const first = pool.run({ op: 'sha2crypt', variant: 'sha512', password: 'a', salt: 's', rounds: 20000 });
  const queued = pool.run({ op: 'sha2crypt', variant: 'sha512', password: 'b', salt: 's', rounds: 1000 });
  const closing = pool.close();
  await assert.rejects(queued, /closed/);
  await closing;
  await first.catch(() => undefined);
});
