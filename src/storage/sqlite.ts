/**
 * SqlClient over better-sqlite3 (embedded default). Calls are synchronous underneath; transactions are queued
 * in-process so two async transactions never interleave on the one connection, and a statement issued outside
 * any transaction while one is open waits for it instead of silently becoming part of it.
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

/** The connection's FIFO of work that must not overlap an open transaction; `waiting` counts what is in it. */
interface Queue {
  tail: Promise<unknown>;
  waiting: number;
}

/** Appends `work` to the queue; it starts once everything queued before it has settled. */
function enqueue<T>(queue: Queue, work: () => Promise<T>): Promise<T> {
  queue.waiting++;
  const p = queue.tail.then(work, work).finally(() => {
    queue.waiting--;
  });
  queue.tail = p.catch(() => undefined);
  return p;
}

function wrap(db: Database.Database, queue: Queue, inTx: boolean, cache: Statements): SqlClient {
  const exec = <T>(fn: () => T): Promise<T> => {
    try {
      return Promise.resolve(fn());
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      const conflict = code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
      return Promise.reject(
        new PortcullisError(
          conflict ? 'ERR_STORAGE_CONFLICT' : 'ERR_STORAGE_UNAVAILABLE',
          `sqlite: ${(e as Error).message}`,
          { cause: e },
        ),
      );
    }
  };
  // Inside a transaction, or with nothing queued, run at once (the common case costs no extra hop). Otherwise
  // the statement would execute inside whichever transaction is open, and vanish if that one rolls back.
  const guard = <T>(fn: () => T): Promise<T> =>
    inTx || queue.waiting === 0 ? exec(fn) : enqueue(queue, () => exec(fn));
  const client: SqlClient = {
    dialect: 'sqlite',
    all: <T>(sql: string, params: readonly SqlValue[] = []) =>
      guard(() => prepared(db, cache, sql).all(...params) as T[]),
    get: <T>(sql: string, params: readonly SqlValue[] = []) =>
      guard(() => prepared(db, cache, sql).get(...params) as T | undefined),
    run: (sql: string, params: readonly SqlValue[] = []) =>
      guard(() => ({ changes: prepared(db, cache, sql).run(...params).changes })),
    async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
      // Nested calls on `tx` join the outer transaction. (The outer client inside `fn` would wait for `fn`.)
      if (inTx) return fn(client);
      const run = async () => {
        await exec(() => db.exec('BEGIN IMMEDIATE'));
        try {
          const r = await fn(wrap(db, queue, true, cache));
          await exec(() => db.exec('COMMIT'));
          return r;
        } catch (e) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw e;
        }
      };
      return enqueue(queue, run);
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
  return wrap(db, { tail: Promise.resolve(), waiting: 0 }, false, new Map());
}
