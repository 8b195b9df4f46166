import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import Database from 'better-sqlite3';
import { roundTripSessions, sampleSession } from '../../../test/harness/sessions.js';
import { ManualClock } from '../../core/index.js';
import type { SqlClient, SqlValue } from '../../storage/index.js';
import { hashSessionId, newSessionId } from '../id.js';
import type { UserSession } from '../session.js';
import { SqlSessionStore } from './sql.js';

const TABLE = `CREATE TABLE sessions (id TEXT PRIMARY KEY, cookie_domain TEXT NOT NULL, username TEXT NOT NULL,
  data TEXT NOT NULL, created_at INTEGER NOT NULL, last_activity INTEGER NOT NULL, expires_at INTEGER NOT NULL)`;

/** A minimal SqlClient over better-sqlite3 that counts statements and transactions. */
function sqlite(db = new Database(':memory:')) {
  const counts = { run: 0, get: 0, transactions: 0 };
  let failNextTransaction = false;
  const client: SqlClient = {
    dialect: 'sqlite',
    async all<T>(sql: string, params: readonly SqlValue[] = []) {
      return db.prepare(sql).all(...params) as T[];
    },
    async get<T>(sql: string, params: readonly SqlValue[] = []) {
      counts.get++;
      return db.prepare(sql).get(...params) as T | undefined;
    },
    async run(sql: string, params: readonly SqlValue[] = []) {
      counts.run++;
      return { changes: db.prepare(sql).run(...params).changes };
    },
    async transaction<T>(fn: (tx: SqlClient) => Promise<T>) {
      counts.transactions++;
      if (failNextTransaction) {
        failNextTransaction = false;
        throw new Error('disk I/O error');
      }
      db.exec('BEGIN IMMEDIATE');
      try {
        const r = await fn(client);
        db.exec('COMMIT');
        return r;
      } catch (e) {
        db.exec('ROLLBACK');
        throw e;
      }
    },
    async close() {},
  };
  return { db, client, counts, failOnce: () => (failNextTransaction = true) };
}

function fresh() {
  const h = sqlite();
  h.db.exec(TABLE);
  return h;
}

const MIN = 60_000;
const session = (clock: ManualClock, over: Partial<UserSession> = {}) => sampleSession(clock.now(), over);

test('rows are keyed by SHA-256 of the id; the raw id appears nowhere in the table', async () => {
  const clock = new ManualClock();
  const h = fresh();
  const store = new SqlSessionStore(h.client, { clock, flushIntervalMs: 0 });
  const s = session(clock);
  await store.set(s, 60 * MIN);
  const rows = h.db.prepare('SELECT * FROM sessions').all() as Record<string, unknown>[];
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!['id'], hashSessionId(s.id));
  assert.ok(!JSON.stringify(rows).includes(s.id));
  assert.equal(rows[0]!['expires_at'], clock.now() + 60 * MIN);
  await store.close();
});

test('sessions survive a restart: a new store on the same database reads them back intact', async () => {
  const clock = new ManualClock();
  const h = fresh();
  const first = new SqlSessionStore(h.client, { clock, flushIntervalMs: 0 });
  const [s, kept] = roundTripSessions(clock.now());
  await first.set(s, 60 * MIN);
  await first.set(kept, 30 * 24 * 60 * MIN);
  await first.close();

  const second = new SqlSessionStore(h.client, { clock, flushIntervalMs: 0 });
  assert.deepEqual(await second.get(s.id), s);
  assert.deepEqual(await second.get(kept.id), kept);
  assert.equal(await second.get(newSessionId()), undefined);
  await second.close();
});

test('1000 touches cost no write until the flush, which writes each session once in one transaction', async () => {
  const clock = new ManualClock();
  const h = fresh();
  const store = new SqlSessionStore(h.client, { clock, flushIntervalMs: 0 });
  const sessions = Array.from({ length: 10 }, () => session(clock));
  for (const s of sessions) await store.set(s, 60 * MIN);
  const runsBefore = h.counts.run;

  for (let i = 0; i < 1000; i++) {
    clock.advance(100);
    store.touch(sessions[i % 10]!.id, clock.now());
  }
  assert.equal(h.counts.run, runsBefore, 'touch() must not write');
  assert.equal(store.pending, 10);

  const txBefore = h.counts.transactions;
  await store.flush();
  assert.equal(h.counts.run - runsBefore, 10, 'one UPDATE per dirty session');
  assert.equal(h.counts.transactions - txBefore, 1);
  assert.equal(store.pending, 0);
  await store.flush();
  assert.equal(h.counts.run - runsBefore, 10, 'nothing left to write');

  // The last touch of session k was at i = 990 + k; the deadline slid by the same amount.
  const reopened = new SqlSessionStore(h.client, { clock, flushIntervalMs: 0 });
  const start = sessions[0]!.lastActivity;
  for (let k = 0; k < 10; k++) {
    const got = await reopened.get(sessions[k]!.id);
    assert.equal(got?.lastActivity, start + (991 + k) * 100);
    const row = h.db
      .prepare('SELECT last_activity, expires_at FROM sessions WHERE id = ?')
      .get(hashSessionId(sessions[k]!.id)) as { last_activity: number; expires_at: number };
    assert.equal(row.expires_at - row.last_activity, 60 * MIN);
  }
  await reopened.close();
  await store.close();
});

test('pending touches are visible before they are flushed, also when the cache is bypassed', async () => {
  const clock = new ManualClock();
  const h = fresh();
  const store = new SqlSessionStore(h.client, { clock, flushIntervalMs: 0, cacheMaxAgeMs: 0 });
  const s = session(clock);
  await store.set(s, 10 * MIN);
  clock.advance(9 * MIN);
  store.touch(s.id, clock.now());
  clock.advance(2 * MIN); // past the original deadline, inside the slid one
  const got = await store.get(s.id);
  assert.equal(got?.lastActivity, s.lastActivity + 9 * MIN);
  await store.close();
});

test('the background flusher writes on its interval and close() writes the rest', async () => {
  mock.timers.enable({ apis: ['setInterval'] });
  try {
    const clock = new ManualClock();
    const h = fresh();
    const store = new SqlSessionStore(h.client, { clock, flushIntervalMs: 5000 });
    const s = session(clock);
    await store.set(s, 60 * MIN);
    const runs = h.counts.run;
    store.touch(s.id, clock.now() + 1000);
    mock.timers.tick(4999);
    await new Promise((r) => setImmediate(r));
    assert.equal(h.counts.run, runs);
    mock.timers.tick(1);
    await new Promise((r) => setImmediate(r));
    assert.equal(h.counts.run, runs + 1);
    store.touch(s.id, clock.now() + 2000);
    await store.close();
    assert.equal(h.counts.run, runs + 2);
    const row = h.db.prepare('SELECT last_activity FROM sessions').get() as { last_activity: number };
    assert.equal(row.last_activity, clock.now() + 2000);
  } finally {
    mock.timers.reset();
  }
});

test('a failed flush keeps the touches for the next one', async () => {
  const clock = new ManualClock();
  const h = fresh();
  const store = new SqlSessionStore(h.client, { clock, flushIntervalMs: 0 });
  const s = session(clock);
  await store.set(s, 60 * MIN);
  store.touch(s.id, clock.now() + 500);
  h.failOnce();
  await assert.rejects(store.flush(), /disk I\/O error/);
  assert.equal(store.pending, 1);
  await store.flush();
  const row = h.db.prepare('SELECT last_activity FROM sessions').get() as { last_activity: number };
  assert.equal(row.last_activity, clock.now() + 500);
  await store.close();
});

test('expired sessions are not returned and sweep() deletes their rows', async () => {
  const clock = new ManualClock();
  const h = fresh();
  const store = new SqlSessionStore(h.client, { clock, flushIntervalMs: 0 });
  const short = session(clock);
  const long = session(clock);
  await store.set(short, 5 * MIN);
  await store.set(long, 60 * MIN);
  clock.advance(5 * MIN);
  assert.equal(await store.get(short.id), undefined);
  assert.ok(await store.get(long.id));
  assert.equal(await store.sweep(), 1);
  assert.equal((h.db.prepare('SELECT COUNT(*) AS n FROM sessions').get() as { n: number }).n, 1);
  await store.close();
});

test('delete, deleteByUser and list', async () => {
  const clock = new ManualClock();
  const h = fresh();
  const store = new SqlSessionStore(h.client, { clock, flushIntervalMs: 0 });
  const a = session(clock, { username: 'john' });
  const b = session(clock, { username: 'john', cookieDomain: 'example.org' });
  const c = session(clock, { username: 'jane' });
  for (const s of [a, b, c]) await store.set(s, 60 * MIN);
  assert.ok(await store.get(a.id)); // cached now: deleteByUser must evict it too

  const listed = await store.list({ username: 'john' });
  assert.equal(listed.length, 2);
  assert.ok(listed.every((s) => s.id === '' && s.username === 'john'));
  assert.equal((await store.list({ cookieDomain: 'example.org' })).length, 1);
  assert.equal((await store.list()).length, 3);

  assert.equal(await store.deleteByUser('john'), 2);
  assert.equal(await store.get(a.id), undefined);
  assert.equal(await store.get(b.id), undefined);
  assert.ok(await store.get(c.id));
  await store.delete(c.id);
  assert.equal(await store.get(c.id), undefined);
  assert.equal((h.db.prepare('SELECT COUNT(*) AS n FROM sessions').get() as { n: number }).n, 0);
  await store.close();
});

test('a row this version cannot decode counts as no session', async () => {
  const clock = new ManualClock();
  const h = fresh();
  const store = new SqlSessionStore(h.client, { clock, flushIntervalMs: 0 });
  const id = newSessionId();
  h.db
    .prepare('INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(
      hashSessionId(id),
      'example.com',
      'john',
      '{"displayName": 1}',
      clock.now(),
      clock.now(),
      clock.now() + MIN,
    );
  assert.equal(await store.get(id), undefined);
  h.db.prepare('UPDATE sessions SET data = ?').run('not json');
  assert.equal(await store.get(id), undefined);
  await store.close();
});

test('the read-through cache serves repeat reads and re-reads after cacheMaxAgeMs', async () => {
  const clock = new ManualClock();
  const h = fresh();
  const store = new SqlSessionStore(h.client, {
    clock,
    flushIntervalMs: 0,
    cacheMaxAgeMs: 10_000,
    cacheSize: 2,
  });
  const s = session(clock);
  await store.set(s, 60 * MIN);
  const gets = h.counts.get;
  for (let i = 0; i < 100; i++) await store.get(s.id);
  assert.equal(h.counts.get, gets);
  // Another instance logs the user out; this one notices once the cache entry is too old.
  h.db.prepare('DELETE FROM sessions').run();
  assert.ok(await store.get(s.id));
  clock.advance(10_000);
  assert.equal(await store.get(s.id), undefined);
  // Bounded: with room for 2, the least recently used of 3 goes back to the database.
  const x = session(clock);
  const y = session(clock);
  const z = session(clock);
  for (const t of [x, y, z]) await store.set(t, 60 * MIN);
  const before = h.counts.get;
  await store.get(z.id);
  await store.get(y.id);
  assert.equal(h.counts.get, before);
  await store.get(x.id);
  assert.equal(h.counts.get, before + 1);
  await store.close();
});
