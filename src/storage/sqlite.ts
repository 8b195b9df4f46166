/**
 * SqlClient over better-sqlite3 (embedded default). Calls are synchronous underneath; transactions are queued
 * in-process so two async transactions never interleave on the one connection.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { PortcullisError } from '../core/index.js';
import type { SqlClient, SqlValue } from './types.js';

function wrap(db: Database.Database, queue: { tail: Promise<unknown> }, inTx: boolean): SqlClient {
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
      guard(() => db.prepare(sql).all(...params) as T[]),
    get: <T>(sql: string, params: readonly SqlValue[] = []) =>
      guard(() => db.prepare(sql).get(...params) as T | undefined),
    run: (sql: string, params: readonly SqlValue[] = []) =>
      guard(() => ({ changes: db.prepare(sql).run(...params).changes })),
    async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
      // Nested calls join the outer transaction.
      if (inTx) return fn(client);
      const run = async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const r = await fn(wrap(db, queue, true));
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
  return wrap(db, { tail: Promise.resolve() }, false);
}
