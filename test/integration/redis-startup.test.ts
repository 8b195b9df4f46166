/**
 * `session.redis` at start-up against real servers: Sentinel finds the primary; an unknown sentinel name, a wrong
 * password and TLS against a plain server are each refused with the reason, never half-started.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { openSessionStore } from '../../src/app/session-store.js';
import { openStorage } from '../../src/app/storage.js';
import { loadConfigOrThrow } from '../../src/config/index.js';
import { isPortcullisError, silentLogger, systemClock } from '../../src/core/index.js';
import { hashSessionId, newSessionId } from '../../src/session/index.js';
import { baseConfig } from '../harness/gateway.js';
import { until } from '../harness/net.js';
import { type RedisServer, startRedisServer } from '../harness/redis.js';
import { sampleSession } from '../harness/sessions.js';

let primary: RedisServer;
let sentinel: RedisServer;
let locked: RedisServer;
let socketed: RedisServer;
const dir = mkdtempSync(join(tmpdir(), 'portcullis-sentinel-'));

before(async () => {
  primary = await startRedisServer();
  sentinel = await startRedisServer({ sentinelOf: primary.port });
  locked = await startRedisServer({
    args: [
      '--requirepass',
      'the-right-redis-password',
      '--user',
      'portcullis',
      'on',
      '>an-acl-password',
      '~portcullis:*',
      '&*',
      '+@all',
    ],
  });
  socketed = await startRedisServer({
    args: ['--unixsocket', join(dir, 'redis.sock'), '--unixsocketperm', '700'],
  });
});
after(async () => {
  await locked?.destroy();
  await socketed?.destroy();
  await sentinel?.destroy();
  await primary?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

const session = (id = newSessionId()) => sampleSession(Date.now(), { id });

let files = 0;
async function configWith(redis: Record<string, unknown>) {
  const obj = baseConfig(dir);
  obj['session'].redis = { host: '127.0.0.1', timeout: '1s', ...redis };
  const file = join(dir, `configuration-${files++}.yml`);
  writeFileSync(file, stringify(obj));
  return (await loadConfigOrThrow([file], {})).config;
}

test('sessions go to the primary the sentinel names', async () => {
  const config = await configWith({
    port: sentinel.port,
    high_availability: { sentinel_name: 'portcullis' },
  });
  const storage = await openStorage(config.storage);
  const opened = await openSessionStore(config, storage, systemClock, silentLogger);
  try {
    const { id } = session();
    await opened.store.set(session(id), 60_000);
    assert.equal((await opened.store.get(id))?.username, 'john');
    const direct = new Redis({ host: '127.0.0.1', port: primary.port });
    try {
      assert.equal(
        await direct.exists(`portcullis:session:${hashSessionId(id)}`),
        1,
        'the key is on the primary',
      );
    } finally {
      direct.disconnect();
    }
  } finally {
    await opened.close();
    await storage.close();
  }
});

test('after a Sentinel failover the sessions are read from the promoted replica, with no restart', async () => {
  // A cluster of its own: the other tests keep using the first primary.
  const first = await startRedisServer();
  const replica = await startRedisServer({ args: ['--replicaof', '127.0.0.1', String(first.port)] });
  const watcher = await startRedisServer({ sentinelOf: first.port });
  const config = await configWith({ port: watcher.port, high_availability: { sentinel_name: 'portcullis' } });
  const storage = await openStorage(config.storage);
  const opened = await openSessionStore(config, storage, systemClock, silentLogger);
  const direct = new Redis({ host: '127.0.0.1', port: replica.port });
  const sentinelClient = new Redis({ host: '127.0.0.1', port: watcher.port });
  try {
    const s = session();
    await opened.store.set(s, 60_000);
    const key = `portcullis:session:${hashSessionId(s.id)}`;
    await until('the replica to receive the session', async () => (await direct.exists(key)) === 1, 15_000);
    await until(
      'the sentinel to discover the replica',
      async () => Number(/slaves=(\d+)/.exec(String(await sentinelClient.info('sentinel')))?.[1] ?? 0) > 0,
      15_000,
    );

    await first.stop();
    await until(
      'the sentinel to promote the replica',
      async () => {
        const addr = (await sentinelClient.call(
          'SENTINEL',
          'get-master-addr-by-name',
          'portcullis',
        )) as string[];
        return Number(addr[1]) === replica.port;
      },
      30_000,
    );
    let back: string | undefined;
    await until(
      'the session to be readable again',
      async () => {
        back = (await opened.store.get(s.id).catch(() => undefined))?.username;
        return back === 'john';
      },
      15_000,
    );
    const later = session();
    await opened.store.set(later, 60_000);
    assert.equal(
      await direct.exists(`portcullis:session:${hashSessionId(later.id)}`),
      1,
      'new sessions go to the new primary',
    );
  } finally {
    direct.disconnect();
    sentinelClient.disconnect();
    await opened.close();
    await storage.close();
    await watcher.destroy();
    await replica.destroy();
    await first.destroy();
  }
});

for (const [name, redis] of [
  ['a unix socket', () => ({ host: join(dir, 'redis.sock') })],
  [
    'an ACL user with a password',
    () => ({ port: locked.port, username: 'portcullis', password: 'an-acl-password' }),
  ],
] as const) {
  test(`sessions over ${name}`, async () => {
    const config = await configWith(redis());
    const storage = await openStorage(config.storage);
    const opened = await openSessionStore(config, storage, systemClock, silentLogger);
    try {
      const s = session();
      await opened.store.set(s, 60_000);
      assert.equal((await opened.store.get(s.id))?.username, 'john');
      await opened.redis!.ping();
    } finally {
      await opened.close();
      await storage.close();
    }
  });
}

test('a sentinel name the sentinel does not know is refused at start-up, naming it', async () => {
  await refused(
    { port: sentinel.port, high_availability: { sentinel_name: 'nosuchname' } },
    /sentinel 'nosuchname'/,
  );
});

test('a wrong Redis password is refused at start-up with the server’s reason', async () => {
  await refused({ port: locked.port, password: 'not-the-password' }, /WRONGPASS|invalid.*password/i);
});

test('tls against a Redis without TLS is refused at start-up, not downgraded', async () => {
  await refused(
    { port: primary.port, tls: { server_name: 'redis.internal' } },
    new RegExp(`127\\.0\\.0\\.1:${primary.port}`),
  );
});

async function refused(redis: Record<string, unknown>, reason: RegExp) {
  const config = await configWith(redis);
  const storage = await openStorage(config.storage);
  try {
    await assert.rejects(openSessionStore(config, storage, systemClock, silentLogger), (e) => {
      assert.ok(isPortcullisError(e) && e.code === 'ERR_STORAGE_UNAVAILABLE', String(e));
      assert.match(e.message, /^session\.redis: cannot connect to /);
      assert.match(e.message, reason);
      return true;
    });
  } finally {
    await storage.close();
  }
}
