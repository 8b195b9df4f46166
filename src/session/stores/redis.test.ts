/**
 * Runs against a real Redis on 127.0.0.1:6379 (each test under its own key prefix), plus a throwaway
 * redis-server child for the restart test.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { Redis, type RedisOptions } from 'ioredis';
import { until } from '../../../test/harness/net.js';
import { type RedisServer, startRedisServer } from '../../../test/harness/redis.js';
import { roundTripSessions, sampleSession } from '../../../test/harness/sessions.js';
import { ManualClock, PortcullisError } from '../../core/index.js';
import { createCipher } from '../../storage/crypto.js';
import { hashSessionId, newSessionId } from '../id.js';
import type { UserSession } from '../session.js';
import { RedisSessionStore, type RedisSessionStoreOptions } from './redis.js';

const MIN = 60_000;
const SECRET = 'a session secret that is long enough';
const conns: Redis[] = [];
const prefixes: string[] = [];
const servers: RedisServer[] = [];

function connect(opts: RedisOptions = {}): Redis {
  const r = new Redis({ host: '127.0.0.1', port: 6379, ...opts });
  // Connection errors are expected in the restart test; the assertions look at results, not at logs.
  r.on('error', () => {});
  conns.push(r);
  return r;
}

/** The raw connection tests use to look at (and tamper with) what the store wrote. */
const raw = connect();

/** Store state changes arrive over pub/sub: poll briefly. */
const eventually = (cond: () => boolean | Promise<boolean>, ms = 3_000) =>
  until('the store to catch up', cond, ms, 10);

function newPrefix(): string {
  const p = `t:${randomUUID()}:`;
  prefixes.push(p);
  return p;
}

type Extra = Partial<Omit<RedisSessionStoreOptions, 'redis' | 'subscriber'>> & { conn?: RedisOptions };

/** A store on its own pair of connections, waited on until its subscription is live. */
async function open(prefix: string, clock: ManualClock, extra: Extra = {}) {
  const { conn, ...opts } = extra;
  const redis = connect(conn);
  // Named, so a test that kills subscribers on the shared server kills only its own.
  const subscriber = connect({ ...conn, connectionName: `${prefix}sub` });
  const store = new RedisSessionStore({
    redis,
    subscriber,
    cipher: createCipher(SECRET),
    clock,
    keyPrefix: prefix,
    flushIntervalMs: 0,
    ...opts,
  });
  await eventually(() => store.live);
  return { store, redis, subscriber };
}

const session = (clock: ManualClock, over: Partial<UserSession> = {}) => sampleSession(clock.now(), over);

/** Redis expires keys by wall time, so the store's clock must start there. */
const wallClock = () => new ManualClock(Date.now());

async function keysOf(prefix: string): Promise<string[]> {
  return (await raw.keys(`${prefix}*`)).sort();
}

after(async () => {
  for (const p of prefixes) {
    const keys = await raw.keys(`${p}*`);
    if (keys.length > 0) await raw.del(...keys);
  }
  for (const c of conns) c.disconnect();
  for (const server of servers) await server.destroy();
});

test('every field round-trips; a fresh store (no cache) reads it back intact', async () => {
  const clock = wallClock();
  const prefix = newPrefix();
  const a = await open(prefix, clock);
  const [s, kept] = roundTripSessions(clock.now());
  await a.store.set(s, 60 * MIN);
  await a.store.set(kept, 30 * 24 * 60 * MIN);
  assert.deepEqual(await a.store.get(s.id), s);
  const b = await open(prefix, clock);
  assert.deepEqual(await b.store.get(s.id), s);
  assert.deepEqual(await b.store.get(kept.id), kept);
  assert.equal(await b.store.get(newSessionId()), undefined);
  await a.store.close();
  await b.store.close();
});

test('keys hold the SHA-256 of the id; the raw id appears in no key and no value; Redis expires them', async () => {
  const clock = wallClock();
  const prefix = newPrefix();
  const { store } = await open(prefix, clock);
  const s = session(clock);
  await store.set(s, 60 * MIN);
  const h = hashSessionId(s.id);
  assert.deepEqual(await keysOf(prefix), [`${prefix}session:${h}`, `${prefix}user:john`]);
  const dump = JSON.stringify({
    keys: await keysOf(prefix),
    hash: Object.fromEntries(
      Object.entries(await raw.hgetallBuffer(`${prefix}session:${h}`)).map(([k, v]) => [
        k,
        v.toString('latin1'),
      ]),
    ),
    members: await raw.smembers(`${prefix}user:john`),
  });
  assert.ok(!dump.includes(s.id));
  assert.ok(!dump.includes('John Doe'), 'session data is encrypted');
  assert.deepEqual(await raw.smembers(`${prefix}user:john`), [h]);

  const deadline = clock.now() + 60 * MIN;
  assert.ok(Math.abs((await raw.pexpiretime(`${prefix}session:${h}`)) - deadline) <= 1);
  const pttl = await raw.pttl(`${prefix}session:${h}`);
  assert.ok(pttl > 0 && Math.abs(pttl - 60 * MIN) < 5_000, `pttl ${pttl}`);
  assert.ok((await raw.pexpiretime(`${prefix}user:john`)) >= deadline);

  // A longer-lived second session stretches the user set's expiry; a shorter one never shrinks it.
  await store.set(session(clock), 120 * MIN);
  await store.set(session(clock), MIN);
  assert.ok(Math.abs((await raw.pexpiretime(`${prefix}user:john`)) - (clock.now() + 120 * MIN)) <= 1);
  await store.close();
});

test('touch costs no I/O; the flush slides the deadline by the same amount and never backwards', async () => {
  const clock = wallClock();
  const prefix = newPrefix();
  const { store } = await open(prefix, clock);
  const s = session(clock);
  const key = `${prefix}session:${hashSessionId(s.id)}`;
  await store.set(s, 10 * MIN);
  const before = await raw.pexpiretime(key);

  clock.advance(2 * MIN);
  store.touch(s.id, clock.now());
  store.touch(s.id, clock.now() - 1_000); // older activity never moves it back
  assert.equal(store.pending, 1);
  assert.equal(await raw.pexpiretime(key), before, 'touch() must not write');
  assert.equal((await store.get(s.id))?.lastActivity, s.lastActivity + 2 * MIN, 'pending touch is visible');

  await store.flush();
  assert.equal(store.pending, 0);
  assert.equal(await raw.pexpiretime(key), before + 2 * MIN);
  assert.ok((await raw.pexpiretime(`${prefix}user:john`)) >= before + 2 * MIN, 'user set follows');

  // Another instance writing an older activity (its flush ran late) does not move anything back.
  const other = await open(prefix, clock);
  other.store.touch(s.id, s.lastActivity + MIN);
  await other.store.flush();
  assert.equal(await raw.pexpiretime(key), before + 2 * MIN);
  const seen = await other.store.get(s.id);
  assert.equal(seen?.lastActivity, s.lastActivity + 2 * MIN);
  assert.deepEqual({ ...seen, lastActivity: s.lastActivity }, s);

  // Past the slid deadline (by the store's clock) the session is gone even before Redis drops it.
  clock.advance(10 * MIN);
  assert.equal(await other.store.get(s.id), undefined);
  await store.close();
  await other.store.close();
});

test('the flush timer writes touches behind; touches of a deleted session write nothing', async () => {
  const clock = wallClock();
  const prefix = newPrefix();
  const { store } = await open(prefix, clock, { flushIntervalMs: 20 });
  const s = session(clock);
  const gone = session(clock);
  await store.set(s, 10 * MIN);
  await store.set(gone, 10 * MIN);
  await store.delete(gone.id);
  clock.advance(MIN);
  store.touch(s.id, clock.now());
  store.touch(gone.id, clock.now());
  await eventually(() => store.pending === 0);
  const key = `${prefix}session:${hashSessionId(s.id)}`;
  assert.equal(Number(await raw.hget(key, 'a')), s.lastActivity + MIN);
  assert.equal(await raw.exists(`${prefix}session:${hashSessionId(gone.id)}`), 0);
  await store.close();
});

test('delete, deleteByUser and list (with and without username), pruning vanished members', async () => {
  const clock = wallClock();
  const prefix = newPrefix();
  const { store } = await open(prefix, clock);
  const a = session(clock, { username: 'john' });
  const b = session(clock, { username: 'john', cookieDomain: 'example.org' });
  const c = session(clock, { username: 'jane' });
  const d = session(clock, { username: 'john' });
  for (const s of [a, b, c, d]) await store.set(s, MIN);

  const all = await store.list();
  assert.equal(all.length, 4);
  assert.equal(await store.count(), 4);
  assert.ok(all.every((s) => s.id === ''));
  assert.deepEqual(all.map((s) => s.username).sort(), ['jane', 'john', 'john', 'john']);
  assert.equal((await store.list({ username: 'john' })).length, 3);
  assert.equal((await store.list({ cookieDomain: 'example.org' })).length, 1);
  assert.equal((await store.list({ username: 'john', cookieDomain: 'example.org' })).length, 1);

  // A session that vanished on its own (Redis expiry) leaves a member behind: listing prunes it.
  const dh = hashSessionId(d.id);
  await raw.del(`${prefix}session:${dh}`);
  assert.equal((await store.list({ username: 'john' })).length, 2);
  assert.equal(await raw.sismember(`${prefix}user:john`, dh), 0);

  await store.delete(c.id);
  assert.equal(await store.get(c.id), undefined);
  assert.equal(await store.count(), 2, 'd vanished, c deleted');
  assert.equal(await raw.exists(`${prefix}user:jane`), 0, 'the emptied user set is gone');

  const e = session(clock, { username: 'jane' });
  await store.set(e, MIN);
  assert.equal(await store.deleteByUser('john'), 2);
  assert.equal(await store.deleteByUser('john'), 0);
  assert.equal(await store.get(a.id), undefined);
  assert.equal(await store.get(b.id), undefined);
  assert.deepEqual(await store.get(e.id), e);
  assert.deepEqual(await keysOf(prefix), [`${prefix}session:${hashSessionId(e.id)}`, `${prefix}user:jane`]);

  // Re-setting a session under another owner moves it between user sets.
  await store.set({ ...e, username: 'joe' }, MIN);
  assert.equal(await store.deleteByUser('jane'), 0);
  assert.equal((await store.get(e.id))?.username, 'joe');
  assert.equal(await store.deleteByUser('joe'), 1);

  clock.advance(2 * MIN);
  await store.set(session(clock), MIN);
  assert.equal((await store.list()).length, 1);
  await store.close();
});

test('a corrupted, undecryptable or transplanted blob is no session', async () => {
  const clock = wallClock();
  const prefix = newPrefix();
  const { store } = await open(prefix, clock, { cacheSize: 0 });
  const s = session(clock);
  const t = session(clock, { username: 'root', groups: ['admins'] });
  await store.set(s, MIN);
  await store.set(t, MIN);
  const ks = `${prefix}session:${hashSessionId(s.id)}`;
  const kt = `${prefix}session:${hashSessionId(t.id)}`;

  // Copying a privileged session's blob under one's own key must not grant that session.
  const tBlob = await raw.hgetBuffer(kt, 'd');
  await raw.hset(ks, 'd', tBlob!);
  assert.equal(await store.get(s.id), undefined);

  await raw.hset(ks, 'd', 'not a ciphertext at all, just text');
  assert.equal(await store.get(s.id), undefined);

  const foreign = createCipher('some other secret').encrypt(Buffer.from('{"h":"x"}'));
  await raw.hset(ks, 'd', foreign);
  assert.equal(await store.get(s.id), undefined);

  const wrongKey = new RedisSessionStore({
    redis: raw,
    subscriber: connect(),
    cipher: createCipher('some other secret'),
    clock,
    keyPrefix: prefix,
    flushIntervalMs: 0,
  });
  assert.equal(await wrongKey.get(t.id), undefined);
  assert.deepEqual(await store.get(t.id), t);
  assert.equal((await store.list()).length, 1);
  await wrongKey.close();
  await store.close();
});

test('cross-instance invalidation is pushed: a cached session disappears at once, not after cacheMaxAge', async () => {
  const clock = wallClock();
  const prefix = newPrefix();
  const a = await open(prefix, clock, { cacheMaxAgeMs: 60_000 });
  const b = await open(prefix, clock, { cacheMaxAgeMs: 60_000 });
  const s = session(clock);
  const t = session(clock);
  const u = session(clock, { username: 'jane' });
  for (const x of [s, t, u]) await b.store.set(x, 10 * MIN);
  for (const x of [s, t, u]) assert.deepEqual(await a.store.get(x.id), x);

  // Proof that A serves s from its cache: a change made behind its back (no message) is not seen.
  await raw.hset(`${prefix}session:${hashSessionId(s.id)}`, 'd', 'garbage');
  assert.deepEqual(await a.store.get(s.id), s);

  // cacheMaxAge is 60 s here: only the pushed message can explain A seeing these changes.
  await b.store.delete(s.id);
  await eventually(async () => (await a.store.get(s.id)) === undefined, 3_000);

  await b.store.set({ ...t, displayName: 'Renamed' }, 10 * MIN);
  await eventually(async () => (await a.store.get(t.id))?.displayName === 'Renamed', 3_000);

  await b.store.deleteByUser('jane');
  await eventually(async () => (await a.store.get(u.id)) === undefined, 3_000);

  // A's own writes stay cached (it skips its own announcements). Messages arrive in order, so once A has
  // acted on B's later message about x, it has also seen (and ignored) its own about v.
  const x = session(clock);
  await b.store.set(x, 10 * MIN);
  assert.deepEqual(await a.store.get(x.id), x);
  const v = session(clock);
  await a.store.set(v, 10 * MIN);
  await raw.hset(`${prefix}session:${hashSessionId(v.id)}`, 'd', 'garbage');
  await b.store.delete(x.id);
  await eventually(async () => (await a.store.get(x.id)) === undefined, 3_000);
  assert.deepEqual(await a.store.get(v.id), v);
  await a.store.close();
  await b.store.close();
});

test('replace writes over a live session only: a revoked one is not brought back by a late change', async () => {
  const clock = wallClock();
  const prefix = newPrefix();
  const a = await open(prefix, clock);
  const b = await open(prefix, clock);
  const s = session(clock);
  await a.store.set(s, 10 * MIN);
  assert.equal(await a.store.replace({ ...s, displayName: 'Johnny' }, 10 * MIN), true);
  assert.equal((await b.store.get(s.id))?.displayName, 'Johnny');
  assert.equal(await b.store.deleteByUser('john'), 1);
  assert.equal(await a.store.replace({ ...s, displayName: 'Late' }, 10 * MIN), false);
  assert.equal(await b.store.get(s.id), undefined);
  assert.deepEqual(await keysOf(prefix), [], 'nothing was written back');
  await a.store.close();
  await b.store.close();
});

test('cacheMaxAge bounds staleness even without a message', async () => {
  const clock = wallClock();
  const prefix = newPrefix();
  const { store } = await open(prefix, clock, { cacheMaxAgeMs: 1_000 });
  const s = session(clock);
  await store.set(s, 10 * MIN);
  await raw.del(`${prefix}session:${hashSessionId(s.id)}`);
  assert.deepEqual(await store.get(s.id), s);
  clock.advance(1_000);
  assert.equal(await store.get(s.id), undefined);
  await store.close();
});

test('fail closed: while the subscriber is down nothing is served from the cache; reconnecting clears it', async () => {
  const clock = wallClock();
  const prefix = newPrefix();
  const { store, subscriber } = await open(prefix, clock, { cacheMaxAgeMs: 60_000 });
  const s = session(clock);
  const t = session(clock);
  await store.set(s, 10 * MIN);
  await store.set(t, 10 * MIN);
  const ks = `${prefix}session:${hashSessionId(s.id)}`;
  const kt = `${prefix}session:${hashSessionId(t.id)}`;
  await raw.del(ks);
  assert.deepEqual(await store.get(s.id), s, 'cached while live');

  // Manual disconnect: no reconnect until told.
  subscriber.disconnect();
  await eventually(() => !store.live);
  assert.equal(await store.get(s.id), undefined, 'went to Redis');
  assert.deepEqual(await store.get(t.id), t);
  await raw.del(kt); // would be missed if t had been cached
  assert.equal(await store.get(t.id), undefined);

  subscriber.connect().catch(() => {});
  await eventually(() => store.live);
  const u = session(clock);
  await store.set(u, 10 * MIN);
  assert.deepEqual(await store.get(u.id), u);

  // Server-side kill: the connection drops, ioredis reconnects and resubscribes by itself.
  const killer = connect();
  const subs = (await killer.client('LIST')) as string;
  const ids = subs
    .split('\n')
    .filter((l) => / sub=1 /.test(l) && l.includes(` name=${prefix}sub `))
    .map((l) => /^id=(\d+)/.exec(l)?.[1]);
  assert.ok(ids.length > 0);
  for (const id of ids) if (id) await killer.client('KILL', 'ID', id).catch(() => {});
  await eventually(() => !store.live);
  await raw.del(`${prefix}session:${hashSessionId(u.id)}`); // missed: nobody was listening
  await eventually(() => store.live);
  assert.equal(await store.get(u.id), undefined, 'cache was cleared on reconnect');
  await store.close();
});

test('Redis restart: get rejects while it is down and works again afterwards with the same store', async () => {
  const server = await startRedisServer({ persist: true });
  servers.push(server);
  const port = server.port;
  const conn: RedisOptions = {
    port,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: () => 50,
  };
  // enableOfflineQueue is off, so wait for the server before opening the store's connections.
  const probe = connect({ port, retryStrategy: () => 50 });
  await eventually(() => probe.status === 'ready', 5_000);

  const clock = wallClock();
  const errors: unknown[] = [];
  const { store, redis } = await open('p:', clock, { conn, onError: (e) => errors.push(e) });
  const s = session(clock);
  await store.set(s, 10 * MIN);
  assert.deepEqual(await store.get(s.id), s);

  await server.stop(); // appendonly: a clean shutdown keeps the data
  await eventually(() => redis.status !== 'ready' && !store.live);
  await assert.rejects(store.get(s.id), (e: unknown) => {
    assert.ok(e instanceof PortcullisError);
    assert.equal(e.code, 'ERR_STORAGE_UNAVAILABLE');
    assert.match(e.message, /^redis: /);
    return true;
  });
  clock.advance(MIN);
  store.touch(s.id, clock.now());
  await assert.rejects(store.flush(), PortcullisError);
  assert.equal(store.pending, 1, 'the failed batch is kept for the next flush');

  await server.start();
  await eventually(() => redis.status === 'ready' && store.live, 5_000);
  const back = await store.get(s.id);
  assert.equal(back?.displayName, s.displayName);
  // The restarted server forgot the scripts: EVALSHA falls back to EVAL.
  await store.flush();
  const fresh = await open('p:', clock, { conn });
  assert.equal((await fresh.store.get(s.id))?.lastActivity, s.lastActivity + MIN);
  await fresh.store.close();
  await store.close();
});
