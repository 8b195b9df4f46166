/** What the PostgreSQL and MySQL clients share: error classes, server fallback order, lock key handling. */
import { createHash } from 'node:crypto';
import { PortcullisError } from '../core/index.js';
import type { SqlClient, SqlDatabase } from './types.js';

/** How long an instance stays on a fallback server before it tries the primary again. */
const FALLBACK_HOLD_MS = 30_000;

/** Errors raised before a statement reached the server: trying the next server cannot apply anything twice. */
const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ENOENT', // a unix socket that is not there
  '57P03', // PostgreSQL: the server is starting up or shutting down
  'ER_CON_COUNT_ERROR',
]);

// node-postgres' "timeout exceeded when trying to connect" is not here on purpose: it also means "every pooled
// connection is busy", and load alone must not move an instance to a fallback server.
function isConnectError(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'string' && CONNECT_CODES.has(code);
}

/** Wraps a driver error in our typed error: unique-key violations are conflicts, anything else unavailability. */
export function storageError(engine: string, e: unknown, isUnique: boolean): PortcullisError {
  if (e instanceof PortcullisError) return e;
  const message = (e as Error)?.message || String((e as { code?: unknown })?.code ?? e);
  return new PortcullisError(
    isUnique ? 'ERR_STORAGE_CONFLICT' : 'ERR_STORAGE_UNAVAILABLE',
    `${engine}: ${message}`,
    { cause: e },
  );
}

/**
 * Tries `attempt` on each server from the one that last worked, moving on only when a server cannot be
 * reached; remembers the one that answered. Every server unreachable = ERR_STORAGE_UNAVAILABLE naming each.
 */
export function createFailover<P>(engine: string, pools: readonly P[], describe: (i: number) => string) {
  let current = 0;
  let movedAt = 0;
  return async function onAny<T>(attempt: (pool: P) => Promise<T>): Promise<T> {
    // A fallback is used for a while, then the primary is tried first again: it may be back.
    if (current !== 0 && Date.now() - movedAt > FALLBACK_HOLD_MS) current = 0;
    const failures: string[] = [];
    for (let i = 0; i < pools.length; i++) {
      const idx = (current + i) % pools.length;
      try {
        const r = await attempt(pools[idx]!);
        if (idx !== current) movedAt = Date.now();
        current = idx;
        return r;
      } catch (e) {
        if (!isConnectError(e)) throw e;
        failures.push(`${describe(idx)}: ${(e as Error).message || (e as { code?: string }).code}`);
      }
    }
    throw new PortcullisError(
      'ERR_STORAGE_UNAVAILABLE',
      `${engine}: no server reachable (${failures.join('; ')})`,
    );
  };
}

/** Lock names in a stable order without repeats (two callers taking the same set never deadlock). */
function lockOrder(keys: readonly string[]): string[] {
  return [...new Set(keys)].sort();
}

/** One connection's lock primitives, for `holdLocks`. */
export interface LockConnection {
  lock(name: string): Promise<void>;
  unlock(name: string): Promise<void>;
  /** Gives the connection back; `broken` = an unlock failed, so it must be closed (closing releases its locks). */
  done(broken: boolean): void;
}

/** Takes `keys` in a stable order on one connection, runs `fn`, releases them newest first. */
export async function holdLocks<T>(
  conn: LockConnection,
  keys: readonly string[],
  fn: () => Promise<T>,
  fail: (e: unknown) => Error,
): Promise<T> {
  const held: string[] = [];
  let broken = false;
  try {
    try {
      for (const key of lockOrder(keys)) {
        await conn.lock(lockName(key));
        held.push(key);
      }
    } catch (e) {
      throw fail(e);
    }
    return await fn();
  } finally {
    for (const key of held.reverse()) {
      await conn.unlock(lockName(key)).catch(() => {
        broken = true;
      });
    }
    conn.done(broken);
  }
}

/** A fixed-length lock name (MySQL allows 64 characters) in our own namespace. */
function lockName(key: string): string {
  return `portcullis:${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
}

/** The statements of a SqlClient, as each driver runs them on a pool or on one checked-out connection. */
export type Statements = Pick<SqlClient, 'all' | 'get' | 'run'>;

/** One checked-out connection, for `runTransaction`. */
export interface TransactionConnection {
  readonly statements: Statements;
  readonly begin: string;
  rollback(): Promise<unknown>;
  /** Gives the connection back; `broken` = it could not even roll back, so it must be discarded. */
  release(broken: boolean): void;
}

/** `fn` between BEGIN and COMMIT on one connection; on failure ROLLBACK. Nested transactions join the outer one. */
export async function runTransaction<T>(
  dialect: SqlClient['dialect'],
  conn: TransactionConnection,
  fn: (tx: SqlClient) => Promise<T>,
): Promise<T> {
  const tx: SqlClient = {
    dialect,
    ...conn.statements,
    transaction: (inner) => inner(tx),
    close: async () => {},
  };
  let broken = false;
  try {
    await tx.run(conn.begin);
    const r = await fn(tx);
    await tx.run('COMMIT');
    return r;
  } catch (e) {
    await conn.rollback().catch(() => {
      broken = true;
    });
    throw e;
  } finally {
    conn.release(broken);
  }
}

/** Proves the first connection works (closing the pools if not) and returns the opened database. */
export async function ready(
  sql: SqlClient,
  locks: SqlDatabase['locks'],
  first: string,
): Promise<SqlDatabase> {
  try {
    await sql.run(first);
  } catch (e) {
    await sql.close();
    throw e;
  }
  return { sql, locks, ping: async () => void (await sql.get('SELECT 1')) };
}

/** How a failover message names server `i`. */
export function describeServer(s: { socketPath?: string | undefined; host: string; port: number }): string {
  return s.socketPath ?? `${s.host}:${s.port}`;
}

/** Caches a statement rewrite: our statement texts are a fixed set of constants. */
export function memoizeRewrite(rewrite: (sql: string) => string): (sql: string) => string {
  const cache = new Map<string, string>();
  return (sql) => {
    let out = cache.get(sql);
    if (out === undefined) {
      out = rewrite(sql);
      if (cache.size >= 512) cache.clear();
      cache.set(sql, out);
    }
    return out;
  };
}
