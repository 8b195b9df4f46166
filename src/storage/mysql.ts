/**
 * SqlClient over mysql2 (`storage.mysql`, MySQL 8 and MariaDB 10.6+): a pool, upserts rewritten to MySQL's
 * syntax, GET_LOCK named locks shared by every instance.
 */
import mysql from 'mysql2/promise';
import {
  createFailover,
  describeServer,
  holdLocks,
  memoizeRewrite,
  ready,
  runTransaction,
  storageError,
} from './remote.js';
import type { LockStore, SqlClient, SqlDatabase, SqlDatabaseOptions, SqlValue } from './types.js';

/**
 * The repositories write SQLite/PostgreSQL upserts; MySQL spells them `ON DUPLICATE KEY UPDATE x = VALUES(x)`
 * and `INSERT IGNORE`. Rewriting the few statement shapes here keeps one SQL text per repository.
 */
const toMysql = memoizeRewrite((sql) => {
  if (/\bON CONFLICT DO NOTHING\s*$/i.test(sql))
    return sql.replace(/\bON CONFLICT DO NOTHING\s*$/i, '').replace(/^\s*INSERT\b/i, 'INSERT IGNORE');
  return sql.replace(
    /\bON CONFLICT\s*\([^)]*\)\s*DO UPDATE SET\b([\s\S]*)$/i,
    (_m, sets: string) => ` ON DUPLICATE KEY UPDATE${sets.replace(/\bexcluded\.(\w+)/g, 'VALUES($1)')}`,
  );
});

const DUPLICATE_ENTRY = 1062;
const fail = (e: unknown) => storageError('mysql', e, (e as { errno?: number })?.errno === DUPLICATE_ENTRY);

type Queryable = Pick<mysql.PoolConnection, 'query'>;

function statements(q: Queryable) {
  const exec = async (sql: string, params: readonly SqlValue[]) => {
    try {
      const [result] = await q.query(toMysql(sql), params as unknown[]);
      return result;
    } catch (e) {
      throw fail(e);
    }
  };
  return {
    all: async <T>(sql: string, params: readonly SqlValue[] = []) => (await exec(sql, params)) as T[],
    get: async <T>(sql: string, params: readonly SqlValue[] = []) => ((await exec(sql, params)) as T[])[0],
    run: async (sql: string, params: readonly SqlValue[] = []) => ({
      changes: ((await exec(sql, params)) as mysql.ResultSetHeader).affectedRows ?? 0,
    }),
  };
}

export async function openMysql(opts: SqlDatabaseOptions): Promise<SqlDatabase> {
  const pools = opts.servers.map((s) => {
    const pool = mysql.createPool({
      ...(s.socketPath ? { socketPath: s.socketPath } : { host: s.host, port: s.port }),
      database: opts.database,
      user: opts.username,
      password: opts.password,
      ...(s.tls ? { ssl: s.tls as mysql.SslOptions } : {}),
      connectionLimit: opts.poolSize ?? 10,
      connectTimeout: opts.connectTimeoutMs,
      charset: 'utf8mb4_bin',
      supportBigNumbers: true,
      // `changes` = rows matched, as on SQLite and PostgreSQL (MySQL counts only rows whose values changed).
      flags: ['FOUND_ROWS'],
      enableKeepAlive: true,
    });
    pool.on('connection', (c) => c.on('error', (e) => opts.onError?.(e)));
    return pool;
  });
  const onAny = createFailover('mysql', pools, (i) => describeServer(opts.servers[i]!));
  const connect = () => onAny((p) => p.getConnection()).catch((e) => Promise.reject(fail(e)));

  const pooled: Queryable = {
    query: ((sql: string, values: unknown[]) => onAny((p) => p.query(sql, values))) as Queryable['query'],
  };
  const sql: SqlClient = {
    dialect: 'mysql',
    ...statements(pooled),
    async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
      const conn = await connect();
      return runTransaction(
        'mysql',
        {
          statements: statements(conn),
          begin: 'START TRANSACTION',
          rollback: () => conn.query('ROLLBACK'),
          release: (broken) => (broken ? conn.destroy() : conn.release()),
        },
        fn,
      );
    },
    async close() {
      await Promise.all(pools.map((p) => p.end()));
    },
  };

  const locks: LockStore = {
    async withLocks(keys, fn) {
      const conn = await connect();
      return holdLocks(
        {
          async lock(name) {
            const [rows] = await conn.query('SELECT GET_LOCK(?, 30) AS ok', [name]);
            if (Number((rows as { ok: unknown }[])[0]?.ok) !== 1)
              throw new Error(`timed out waiting for lock ${name}`);
          },
          unlock: async (name) => void (await conn.query('SELECT RELEASE_LOCK(?)', [name])),
          done: (broken) => (broken ? conn.destroy() : conn.release()),
        },
        keys,
        fn,
        fail,
      );
    },
  };

  return ready(sql, locks, 'SELECT 1');
}
