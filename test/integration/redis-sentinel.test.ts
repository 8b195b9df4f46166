/**
 * `session.redis.high_availability`: Portcullis asks a real Redis Sentinel where the primary is, keeps sessions
 * there, and refuses to start when the sentinel does not know the configured name.
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
import { type RedisServer, startRedisServer } from '../harness/redis.js';

let primary: RedisServer;
let sentinel: RedisServer;
const dir = mkdtempSync(join(tmpdir(), 'portcullis-sentinel-'));

before(async () => {
  primary = await startRedisServer();
  sentinel = await startRedisServer({ sentinelOf: primary.port });
});
after(async () => {
  await sentinel?.destroy();
  await primary?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

async function configWith(sentinelName: string) {
  const obj = baseConfig(dir);
  obj['session'].redis = {
    host: '127.0.0.1',
    port: sentinel.port,
    timeout: '1s',
    high_availability: { sentinel_name: sentinelName },
  };
  const file = join(dir, `configuration-${sentinelName}.yml`);
  writeFileSync(file, stringify(obj));
  return (await loadConfigOrThrow([file], {})).config;
}

test('sessions go to the primary the sentinel names', async () => {
  const config = await configWith('portcullis');
  const storage = await openStorage(config.storage);
  const opened = await openSessionStore(config, storage, systemClock, silentLogger);
  try {
    const now = Date.now();
    const id = newSessionId();
    await opened.store.set(
      {
        id,
        cookieDomain: 'example.com',
        username: 'john',
        displayName: 'John',
        groups: [],
        emails: [],
        keepMeLoggedIn: false,
        createdAt: now,
        lastActivity: now,
        firstFactorAt: now,
        secondFactorAt: 0,
        amr: { pwd: true, otp: false, webauthn: false },
        refreshAt: now + 60_000,
        ip: '192.0.2.1',
      },
      60_000,
    );
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

test('a sentinel name the sentinel does not know is refused at start-up, naming it', async () => {
  const config = await configWith('nosuchname');
  const storage = await openStorage(config.storage);
  try {
    await assert.rejects(
      openSessionStore(config, storage, systemClock, silentLogger),
      (e) =>
        isPortcullisError(e) &&
        e.code === 'ERR_STORAGE_UNAVAILABLE' &&
        /sentinel 'nosuchname'/.test(e.message),
    );
  } finally {
    await storage.close();
  }
});
