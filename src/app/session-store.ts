/** The configured session store: Redis when `session.redis` is set, else the SQL database storage uses. */
import type { Config } from '../config/index.js';
import type { Clock, Logger } from '../core/index.js';
import { RedisSessionStore, type SessionStore, SqlSessionStore } from '../session/index.js';
import { createCipher } from '../storage/crypto.js';
import type { RedisConnections } from './redis.js';
import type { Storage } from './storage.js';

export interface OpenedSessionStore {
  readonly store: SessionStore;
  /** The Redis connections when sessions live there (health probe, close). */
  readonly redis: RedisConnections | undefined;
  close(): Promise<void>;
}

export async function openSessionStore(
  config: Config,
  storage: Pick<Storage, 'sql'>,
  clock: Clock,
  logger: Logger,
): Promise<OpenedSessionStore> {
  const onError = (err: unknown) =>
    logger.warn(
      { event: 'session.store.error', err: (err as Error)?.message ?? String(err) },
      'session store error',
    );
  // ioredis (~100 ms to load) only when sessions live in Redis.
  const redis = config.session.redis
    ? await (await import('./redis.js')).openRedis(config.session.redis, logger)
    : undefined;
  const store: SessionStore = redis
    ? new RedisSessionStore({
        redis: redis.client,
        subscriber: redis.subscriber,
        cipher: createCipher(config.session.secret),
        clock,
        onError,
      })
    : new SqlSessionStore(storage.sql, { clock, onError });
  return {
    store,
    redis,
    async close() {
      // The last write-behind batch is lost if the database is away at shutdown: only last-activity times.
      await store.close().catch(onError);
      await redis?.close();
    },
  };
}
