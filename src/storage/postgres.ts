/**
 * SqlClient over node-postgres (`storage.postgres`): a pool per server (primary, then `servers` fallbacks),
 * `?` placeholders rewritten to `$n`, BIGINT read as numbers, advisory locks shared by every instance.
 */
import pg from 'pg';
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

/** Our timestamps are milliseconds in BIGINT columns: well inside 2^53, so read them as numbers. */
const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

const toDollar = memoizeRewrite((sql) => {
  let out = '';
  let n = 0;
  let quoted = false;
  for (const ch of sql) {
    if (ch === "'") quoted = !quoted;
    out += ch === '?' && !quoted ? `$${++n}` : ch;
  }
  return out;
});

const UNIQUE_VIOLATION = '23505';
const fail = (e: unknown) => storageError('postgres', e, (e as { code?: string })?.code === UNIQUE_VIOLATION);

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

type Queryable = Pick<pg.PoolClient, 'query'>;

function statements(q: Queryable) {
  const exec = async (sql: string, params: readonly SqlValue[]) => {
    try {
      return await q.query(toDollar(sql), params as unknown[]);
    } catch (e) {
      throw fail(e);
    }
  };
  return {
    all: async <T>(sql: string, params: readonly SqlValue[] = []) => (await exec(sql, params)).rows as T[],
    get: async <T>(sql: string, params: readonly SqlValue[] = []) =>
      (await exec(sql, params)).rows[0] as T | undefined,
    run: async (sql: string, params: readonly SqlValue[] = []) => ({
      changes: (await exec(sql, params)).rowCount ?? 0,
    }),
  };
}

/** Connects (trying each server in turn), creates the schema when missing, and proves the connection works. */
export async function openPostgres(opts: SqlDatabaseOptions): Promise<SqlDatabase> {
  const schema = opts.schema || 'public';
  const pools = opts.servers.map((s) => {
    const pool = new pg.Pool({
      // For a unix socket app/ passes its directory as the host, as node-postgres wants it.
      host: s.host,
      port: s.port,
      database: opts.database,
      user: opts.username,
      password: opts.password,
      ssl: s.tls ?? false,
      max: opts.poolSize ?? 10,
      connectionTimeoutMillis: opts.connectTimeoutMs,
      idleTimeoutMillis: 30_000,
      // lock_timeout: a holder that never lets go must not hang every other instance's logins for that user;
      // waits give up after 30 s, as MySQL's GET_LOCK does.
      options: `-c search_path=${quoteIdent(schema)} -c lock_timeout=30s`,
      types,
    });
    // A connection dropped by the server must not crash the process: idle ones report on the pool, checked-out
    // ones (a transaction, a held lock) on the client itself. The statement in flight fails; the next reconnects.
    pool.on('error', (e) => opts.onError?.(e));
    pool.on('connect', (client) => client.on('error', (e) => opts.onError?.(e)));
    return pool;
  });
  const onAny = createFailover('postgres', pools, (i) => describeServer(opts.servers[i]!));
  const connect = () => onAny((p) => p.connect()).catch((e) => Promise.reject(fail(e)));

  const sql: SqlClient = {
    dialect: 'postgres',
    ...statements({
      query: ((text: string, values: unknown[]) => onAny((p) => p.query(text, values))) as Queryable['query'],
    }),
    async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
      const client = await connect();
      return runTransaction(
        'postgres',
        {
          statements: statements(client),
          begin: 'BEGIN',
          rollback: () => client.query('ROLLBACK'),
          // A connection that could not even roll back is destroyed rather than handed to the next caller.
          release: (broken) => client.release(broken ? new Error('rollback failed') : undefined),
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
      const client = await connect();
      // hashtextextended: a 64-bit key from the name, in PostgreSQL ≥ 11.
      const call = (f: string) => async (name: string) =>
        void (await client.query(`SELECT ${f}(hashtextextended($1, 0))`, [name]));
      return holdLocks(
        {
          lock: call('pg_advisory_lock'),
          unlock: call('pg_advisory_unlock'),
          done: (broken) => client.release(broken ? new Error('unlock failed') : undefined),
        },
        keys,
        fn,
        fail,
      );
    },
  };

  return ready(
    sql,
    locks,
    schema === 'public' ? 'SELECT 1' : `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`,
  );
}
