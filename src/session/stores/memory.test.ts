import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ManualClock } from '../../core/index.js';
import { newSessionId } from '../id.js';
import type { UserSession } from '../session.js';
import { MemorySessionStore } from './memory.js';

const MIN = 60_000;
function session(clock: ManualClock, over: Partial<UserSession> = {}): UserSession {
  const now = clock.now();
  return {
    id: newSessionId(),
    cookieDomain: 'example.com',
    username: 'john',
    displayName: 'John Doe',
    groups: ['dev'],
    emails: ['john@example.com'],
    keepMeLoggedIn: false,
    createdAt: now,
    lastActivity: now,
    firstFactorAt: now,
    secondFactorAt: 0,
    amr: { pwd: true, otp: false, webauthn: false },
    refreshAt: now,
    ip: '192.0.2.1',
    ...over,
  };
}

test('get returns a copy; edits reach the store only through set', async () => {
  const clock = new ManualClock();
  const store = new MemorySessionStore({ clock, sweepIntervalMs: 0 });
  const s = session(clock);
  await store.set(s, 10 * MIN);
  const got = await store.get(s.id);
  assert.deepEqual(got, s);
  Object.assign(got!, { displayName: 'Mallory' });
  assert.equal((await store.get(s.id))?.displayName, 'John Doe');
  await store.close();
});

test('entries expire at their ttl; touch slides the deadline; sweep drops the dead', async () => {
  const clock = new ManualClock();
  const store = new MemorySessionStore({ clock, sweepIntervalMs: 0 });
  const a = session(clock);
  const b = session(clock);
  await store.set(a, 10 * MIN);
  await store.set(b, 10 * MIN);
  clock.advance(8 * MIN);
  store.touch(a.id, clock.now());
  store.touch(a.id, clock.now() - 1000); // older activity never moves it back
  clock.advance(2 * MIN);
  assert.equal(await store.get(b.id), undefined);
  assert.equal((await store.get(a.id))?.lastActivity, a.lastActivity + 8 * MIN);
  await store.set(b, 1);
  clock.advance(7 * MIN);
  assert.equal(store.size, 2);
  assert.equal(store.sweep(), 1);
  assert.equal(store.size, 1);
  clock.advance(MIN);
  assert.equal(store.sweep(), 1);
  assert.equal(store.size, 0);
  await store.close();
});

test('deleteByUser, delete and list', async () => {
  const clock = new ManualClock();
  const store = new MemorySessionStore({ clock, sweepIntervalMs: 0 });
  const a = session(clock, { username: 'john' });
  const b = session(clock, { username: 'john', cookieDomain: 'example.org' });
  const c = session(clock, { username: 'jane' });
  for (const s of [a, b, c]) await store.set(s, MIN);
  assert.equal((await store.list({ username: 'john', cookieDomain: 'example.org' })).length, 1);
  const all = await store.list();
  assert.equal(all.length, 3);
  assert.ok(all.every((s) => s.id === ''));
  assert.equal(await store.deleteByUser('john'), 2);
  assert.equal(await store.deleteByUser('john'), 0);
  assert.deepEqual(
    (await store.list()).map((s) => s.username),
    ['jane'],
  );
  await store.delete(c.id);
  assert.equal(await store.get(c.id), undefined);
  await store.close();
});

test('memory per session: 100k sessions stay under 2 KiB each (target 1 KiB)', async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const clock = new ManualClock();
  const store = new MemorySessionStore({ clock, sweepIntervalMs: 0 });
  const N = 100_000;
  // Distinct strings and arrays per user, as from a users file; ids built cheaply but the same size.
  const make = (i: number) =>
    session(clock, {
      id: i.toString(36).padStart(32, 'S'),
      username: `user${i}`,
      displayName: `User Number ${i}`,
      groups: ['dev', `team-${i % 50}`],
      emails: [`user${i}@example.com`],
    });
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < N; i++) await store.set(make(i), 60 * MIN);
  gc();
  const perSession = (process.memoryUsage().heapUsed - before) / N;
  console.log(`# memory store: ${Math.round(perSession)} bytes per session (${N} sessions)`);
  assert.equal(store.size, N);
  assert.ok(perSession <= 2048, `${perSession} bytes per session`);
  await store.close();
});
