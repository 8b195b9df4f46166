import assert from 'node:assert/strict';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { test } from 'node:test';
import { HashPool, hashThreadNice } from './pool.js';

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

/** Nice value of each thread of this process, from /proc/self/task/<tid>/stat (field 19). */
function threadNices(): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    out.set(Number(tid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
  }
  return out;
}

test('hash workers, and the argon2 threads they start, run at a lower priority than the event loop', {
  skip: process.platform !== 'linux' && 'thread priorities are read from /proc (Linux only)',
}, async () => {
  const main = Number(readlinkSync('/proc/thread-self').split('/').pop());
  const before = threadNices();
  const lower = hashThreadNice(before.get(main)!);
  assert.ok(lower > before.get(main)!, 'a process already at nice 19 cannot show a lowered thread');
  const pool = new HashPool(1);
  try {
    const params = { variant: 'argon2id', m: 65536, t: 3, p: 4, keyLength: 32 } as const;
    const key = await pool.run({
      op: 'argon2',
      password: 'pw',
      params: { ...params, salt: Buffer.alloc(16) },
    });
    assert.equal(key.length, 32);
    const after = threadNices();
    const lowered = [...after].filter(([tid, nice]) => nice === lower && !before.has(tid));
    assert.ok(lowered.length >= 1, `a new thread at nice ${lower}: ${JSON.stringify([...after])}`);
    assert.equal(after.get(main), before.get(main), 'the event loop keeps its priority');
  } finally {
    await pool.close();
  }
});
