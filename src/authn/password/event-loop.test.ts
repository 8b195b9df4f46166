/**
 * "Off the event loop" as a correctness property: while expensive verifications run, the loop keeps
 * turning. We judge the *mean* delay of a 5 ms timer, not the worst one: on 2 cores, argon2's threads can
 * make the OS park the main thread once for 100 ms without any hashing on the loop (seen in CI), which a max
 * cannot tell from a hash on the loop. Measured on the reference machine, idle and with two busy loops
 * beside it: work in the pool keeps the mean at 5–6 ms (the timer's own period); one hash on the loop raises
 * it to 95–130 ms. The bounds sit between, an order of magnitude from each side.
 */
import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { test } from 'node:test';
import { PASSWORD_HASH_DEFAULTS, type PasswordHashConfig } from '../../config/index.js';
import { hashPassword } from './hash.js';
import { verifyPassword } from './verify.js';

/** Above this mean delay the loop was blocked; the detection test below shows a blocked loop lands far above. */
const BOUND_MS = 25;

async function maxLoopDelayWhile(work: () => Promise<unknown>): Promise<{ delay: number; wall: number }> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  const started = performance.now();
  h.enable();
  try {
    await work();
  } finally {
    h.disable();
  }
  return { delay: h.mean / 1e6, wall: performance.now() - started };
}

const DEFAULTS: PasswordHashConfig = PASSWORD_HASH_DEFAULTS;

async function eightConcurrent(cfg: PasswordHashConfig): Promise<void> {
  const digest = await hashPassword('password', cfg);
  const { delay, wall } = await maxLoopDelayWhile(() =>
    Promise.all(
      Array.from({ length: 8 }, (_, i) => verifyPassword(i % 2 ? 'password' : 'wrong', digest)),
    ).then((r) => assert.deepEqual(r, [false, true, false, true, false, true, false, true])),
  );
  assert.ok(
    delay < BOUND_MS,
    `mean event-loop delay ${delay.toFixed(1)} ms over ${wall.toFixed(0)} ms of work`,
  );
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
    // Long enough (a few hundred ms) that the stall dominates the mean however fast the machine is today.
    sha2cryptChecksum('sha512', 'password', 'salt', 200_000);
    await new Promise((r) => setTimeout(r, 10));
  });
  assert.ok(
    delay >= 2 * BOUND_MS,
    `expected a visible stall, saw a mean delay of ${delay.toFixed(1)} ms over ${wall.toFixed(0)} ms`,
  );
});
