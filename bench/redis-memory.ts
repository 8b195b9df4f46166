/** Redis memory per session of the Redis session store: 20,000 sessions of 2,000 users on a throwaway redis-server. */
import { Redis } from 'ioredis';
import { systemClock } from '../src/core/index.js';
import { RedisSessionStore } from '../src/session/index.js';
import { createCipher } from '../src/storage/crypto.js';
import { startRedisServer } from '../test/harness/redis.js';
import { sampleSession } from '../test/harness/sessions.js';

const server = await startRedisServer();
const redis = new Redis({ port: server.port });
const sub = new Redis({ port: server.port });
const store = new RedisSessionStore({
  redis,
  subscriber: sub,
  cipher: createCipher('a session secret that is long enough'),
  clock: systemClock,
  flushIntervalMs: 0,
});
const used = async () => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
const before = await used();
const N = 20_000;
for (let i = 0; i < N; i++)
  await store.set(sampleSession(Date.now(), { username: `user${i % 2000}` }), 3_600_000);
const after = await used();
console.log(
  `${N} sessions (2,000 users): ${((after - before) / N).toFixed(0)} bytes of Redis memory per session`,
);
await store.close();
redis.disconnect();
sub.disconnect();
await server.destroy();
