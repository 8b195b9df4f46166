/** Connects to `session.redis` (a server, a unix socket, or Sentinel): one connection for commands, one for pub/sub. */
import { Redis, type RedisOptions } from 'ioredis';
import { nodeTlsOptions, type RedisConfig } from '../config/index.js';
import { type Logger, PortcullisError } from '../core/index.js';

export interface RedisConnections {
  readonly client: Redis;
  readonly subscriber: Redis;
  ping(): Promise<void>;
  close(): Promise<void>;
}

function options(cfg: RedisConfig): RedisOptions {
  const ha = cfg.highAvailability;
  return {
    ...(ha
      ? {
          // Authelia's `host`/`port` name the first sentinel; `nodes` are more of them.
          sentinels: [
            { host: cfg.host, port: cfg.port },
            ...ha.nodes.map((n) => ({ host: n.host, port: n.port })),
          ],
          name: ha.sentinelName,
          ...(ha.sentinelUsername ? { sentinelUsername: ha.sentinelUsername } : {}),
          ...(ha.sentinelPassword ? { sentinelPassword: ha.sentinelPassword } : {}),
          // ioredis ignores `tls` for Sentinel unless told; the sentinels get the same TLS settings.
          ...(cfg.tls
            ? { enableTLSForSentinelMode: true, sentinelTLS: nodeTlsOptions(cfg.tls, cfg.host) }
            : {}),
        }
      : cfg.host.startsWith('/')
        ? { path: cfg.host }
        : { host: cfg.host, port: cfg.port }),
    ...(cfg.username ? { username: cfg.username } : {}),
    ...(cfg.password ? { password: cfg.password } : {}),
    db: cfg.databaseIndex,
    // With Sentinel the primary's name is learnt at run time: SNI only when `tls.server_name` says so.
    ...(cfg.tls ? { tls: nodeTlsOptions(cfg.tls, ha ? undefined : cfg.host) } : {}),
    connectTimeout: cfg.timeout,
    lazyConnect: true,
    // Fail closed and fast: while Redis is away a command errors at once (the check answers 5xx) instead of
    // queueing until some timeout; ioredis keeps reconnecting in the background.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(100 * times, 2_000),
  };
}

export async function openRedis(cfg: RedisConfig, logger: Logger): Promise<RedisConnections> {
  const where = cfg.highAvailability
    ? `sentinel '${cfg.highAvailability.sentinelName}'`
    : cfg.host.startsWith('/')
      ? cfg.host
      : `${cfg.host}:${cfg.port}`;
  const connect = async (role: string) => {
    const r = new Redis(options(cfg));
    let lastError: string | undefined;
    // Errors while reconnecting are reported once per state change by ioredis; log them, never throw.
    r.on('error', (e: Error) => {
      lastError = e.message;
      logger.warn({ event: 'redis.error', role, err: e.message }, 'redis error');
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      // ioredis keeps retrying (a sentinel that does not know the name, say) where start-up must give up.
      await Promise.race([
        r.connect(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${cfg.timeout} ms`)), cfg.timeout);
        }),
      ]);
    } catch (e) {
      r.disconnect();
      // ioredis rejects with "Connection is closed."; the reason is in the last error event.
      const reason = lastError ?? (e as Error).message;
      throw new PortcullisError(
        'ERR_STORAGE_UNAVAILABLE',
        `session.redis: cannot connect to ${where}: ${reason}`,
        {
          cause: e,
        },
      );
    } finally {
      clearTimeout(timer);
    }
    return r;
  };
  const client = await connect('client');
  let subscriber: Redis;
  try {
    subscriber = await connect('subscriber');
  } catch (e) {
    client.disconnect();
    throw e;
  }
  return {
    client,
    subscriber,
    async ping() {
      await client.ping();
    },
    async close() {
      await Promise.allSettled([client.quit(), subscriber.quit()]);
    },
  };
}
