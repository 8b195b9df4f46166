/**
 * SqlClient over better-sqlite3 (embedded default). Calls are synchronous underneath; transactions are queued
 * in-process so two async transactions never interleave on the one connection.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { PortcullisError } from '../core/index.js';
import type { SqlClient, SqlValue } from './types.js';

type Statements = Map<string, Database.Statement>;

/**
 * Compiling a statement costs more than running most of ours (the audit INSERT: ~13 % of an anonymous
 * forward-auth request), and the SQL texts are a fixed set of constants: compile each once per connection.
 * Bounded anyway, in case some caller ever builds SQL with a variable number of placeholders.
 */
function prepared(db: Database.Database, cache: Statements, sql: string): Database.Statement {
  let stmt = cache.get(sql);
  if (!stmt) {
    stmt = db.prepare(sql);
    if (cache.size >= 256) cache.clear();
    cache.set(sql, stmt);
  }
  return stmt;
}

function wrap(
  db: Database.Database,
  queue: { tail: Promise<unknown> },
  inTx: boolean,
  cache: Statements,
): SqlClient {
  const guard = <T>(fn: () => T): Promise<T> => {
    try {
      return Promise.resolve(fn());
    } catch (e) {
      return Promise.reject(
        new PortcullisError('ERR_STORAGE_UNAVAILABLE', `sqlite: ${(e as Error).message}`, { cause: e }),
      );
    }
  };
  const client: SqlClient = {
    dialect: 'sqlite',
    all: <T>(sql: string, params: readonly SqlValue[] = []) =>
      guard(() => prepared(db, cache, sql).all(...params) as T[]),
    get: <T>(sql: string, params: readonly SqlValue[] = []) =>
      guard(() => prepared(db, cache, sql).get(...params) as T | undefined),
    run: (sql: string, params: readonly SqlValue[] = []) =>
      guard(() => ({ changes: prepared(db, cache, sql).run(...params).changes })),
    async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
      // Nested calls join the outer transaction.
      if (inTx) return fn(client);
      const run = async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const r = await fn(wrap(db, queue, true, cache));
          db.exec('COMMIT');
          return r;
        } catch (e) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw e;
        }
      };
      const p = queue.tail.then(run, run);
      queue.tail = p.catch(() => undefined);
      return p;
    },
    async close() {
      await queue.tail;
      if (db.open) db.close();
    },
  };
  return client;
}

/** Opens (creating if needed) the SQLite database at `path` (':memory:' for tests). */
export function openSqlite(path: string): SqlClient {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
  } catch (e) {
    throw new PortcullisError(
      'ERR_STORAGE_UNAVAILABLE',
      `cannot open SQLite database '${path}': ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
  return wrap(db, { tail: Promise.resolve() }, false, new Map());
}
