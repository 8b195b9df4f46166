/**
 * "Off the event loop" as a correctness property: while expensive verifications run, the loop keeps
 * turning. The bound is relative to the work's wall time, so a loaded CI machine (where every gap grows)
 * does not fail a correct implementation: hashing on the loop, even one hash at a time between awaits, leaves
 * a gap of at least 1/8 of the wall time; work in the pool leaves gaps far below 1/10 of it.
 */
import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { test } from 'node:test';
import { PASSWORD_HASH_DEFAULTS, type PasswordHashConfig } from '../../config/index.js';
import { hashPassword } from './hash.js';
import { verifyPassword } from './verify.js';

const BOUND_MS = 100;

async function maxLoopDelayWhile(work: () => Promise<unknown>): Promise<{ delay: number; wall: number }> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  const started = performance.now();
  h.enable();
  try {
    await work();
  } finally {
    h.disable();
  }
  return { delay: h.max / 1e6, wall: performance.now() - started };
}

const DEFAULTS: PasswordHashConfig = PASSWORD_HASH_DEFAULTS;

async function eightConcurrent(cfg: PasswordHashConfig): Promise<void> {
  const digest = await hashPassword('password', cfg);
  const { delay, wall } = await maxLoopDelayWhile(() =>
    Promise.all(
      Array.from({ length: 8 }, (_, i) => verifyPassword(i % 2 ? 'password' : 'wrong', digest)),
    ).then((r) => assert.deepEqual(r, [false, true, false, true, false, true, false, true])),
  );
  const bound = Math.max(BOUND_MS, wall / 10);
  assert.ok(delay < bound, `event loop blocked for ${delay.toFixed(1)} ms of ${wall.toFixed(0)} ms`);
}

test('8 concurrent argon2id verifications at Authelia defaults leave the event loop free', () =>
  eightConcurrent(DEFAULTS));

test('8 concurrent sha512crypt (50000 rounds) verifications run in the worker pool', () =>
  eightConcurrent({ ...DEFAULTS, algorithm: 'sha2crypt' }));

test('8 concurrent bcrypt (cost 12) verifications run in the worker pool', () =>
  eightConcurrent({ ...DEFAULTS, algorithm: 'bcrypt' }));

test('the check itself can fail: synchronous hashing on the loop is detected', async () => {
  const { sha2cryptChecksum } = await import('./sha2crypt.js');
  const { delay, wall } = await maxLoopDelayWhile(async () => {
    await new Promise((r) => setTimeout(r, 10));
    sha2cryptChecksum('sha512', 'password', 'salt', 50000);
    await new Promise((r) => setTimeout(r, 10));
  });
  assert.ok(
    delay >= Math.max(BOUND_MS / 2, wall / 2),
    `expected a visible stall, saw ${delay.toFixed(1)} of ${wall.toFixed(0)} ms`,
  );
});
