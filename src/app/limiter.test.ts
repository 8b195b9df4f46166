import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLimiter } from './limiter.js';

/** A task that runs until its `finish()` is called. */
function gate() {
  let finish!: () => void;
  const done = new Promise<void>((r) => {
    finish = r;
  });
  return { finish, task: () => done };
}

test('runs at most `concurrency` tasks, queues up to the limit, and refuses the rest with ERR_OVERLOADED', async () => {
  const limiter = createLimiter(2, 3);
  const gates = Array.from({ length: 5 }, gate);
  const runs = gates.map((g) => limiter.run(g.task));
  assert.equal(limiter.active, 2);
  assert.equal(limiter.queued, 3);
  await assert.rejects(
    limiter.run(async () => 'never'),
    { code: 'ERR_OVERLOADED' },
  );
  // Finishing one starts the oldest queued task, not a new arrival.
  gates[0]!.finish();
  await runs[0];
  assert.equal(limiter.active, 2);
  assert.equal(limiter.queued, 2);
  for (const g of gates) g.finish();
  await Promise.all(runs);
  assert.equal(limiter.active, 0);
  assert.equal(limiter.queued, 0);
});

test('a failing task gives its slot back', async () => {
  const limiter = createLimiter(1, 0);
  await assert.rejects(
    limiter.run(() => Promise.reject(new Error('boom'))),
    /boom/,
  );
  assert.equal(limiter.active, 0);
  assert.equal(await limiter.run(async () => 'next'), 'next');
});
