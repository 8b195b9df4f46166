/**
 * Session store over a SqlClient (`sessions` table): rows keyed by SHA-256 of the id, a bounded read-through
 * cache in front, and last-activity updates written behind in batches instead of once per request.
 */
import type { Clock } from '../../core/index.js';
import type { SqlClient } from '../../storage/index.js';
import { hashSessionId } from '../id.js';
import type { UserSession } from '../session.js';
import type { SessionFilter, SessionStore } from '../store.js';
import { CACHE_TRUST_MS, SessionCache, TouchBuffer } from './buffers.js';
import { decodeSessionData, encodeSessionData, type Mutable } from './codec.js';

export interface SqlSessionStoreOptions {
  readonly clock: Clock;
  /** How often pending touches are written (one transaction); 0 disables the timer. Default 5 s. */
  readonly flushIntervalMs?: number;
  /** How often rows past their deadline are deleted (piggybacks on the flush timer). Default 10 min. */
  readonly sweepIntervalMs?: number;
  /** Entries kept in the read-through cache (least recently used evicted). Default 10 000. */
  readonly cacheSize?: number;
  /** How long a cached session is trusted before it is re-read. Default CACHE_TRUST_MS (1 s). */
  readonly cacheMaxAgeMs?: number;
  /** Where failures of background flushes go (they are retried on the next tick). */
  readonly onError?: (err: unknown) => void;
}

interface Row {
  cookie_domain: string;
  username: string;
  data: string;
  created_at: number | string | bigint;
  last_activity: number | string | bigint;
  expires_at: number | string | bigint;
}

const COLUMNS = 'cookie_domain, username, data, created_at, last_activity, expires_at';
const SELECT_ONE = `SELECT ${COLUMNS} FROM sessions WHERE id = ?`;
const DELETE_ONE = 'DELETE FROM sessions WHERE id = ?';
const DELETE_USER = 'DELETE FROM sessions WHERE username = ?';
const DELETE_EXPIRED = 'DELETE FROM sessions WHERE expires_at <= ?';
const COUNT_LIVE = 'SELECT COUNT(*) AS n FROM sessions WHERE expires_at > ?';
// Slides the deadline by the same amount as the activity; never moves last_activity backwards.
// expires_at is assigned first so MySQL's left-to-right SET still reads the old last_activity.
const TOUCH =
  'UPDATE sessions SET expires_at = expires_at + (? - last_activity), last_activity = ? WHERE id = ? AND last_activity < ?';
const INSERT_COLUMNS = '(id, cookie_domain, username, data, created_at, last_activity, expires_at)';
const UPSERT = `INSERT INTO sessions ${INSERT_COLUMNS} VALUES (?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (id) DO UPDATE SET cookie_domain = excluded.cookie_domain, username = excluded.username,
  data = excluded.data, created_at = excluded.created_at, last_activity = excluded.last_activity,
  expires_at = excluded.expires_at`;
const UPDATE_ONE = `UPDATE sessions SET cookie_domain = ?, username = ?, data = ?, created_at = ?, last_activity = ?,
  expires_at = ? WHERE id = ?`;

/** Rebuilds a session from its row; a row this version cannot read counts as no session. */
function decode(id: string, row: Row): { session: Mutable<UserSession>; expiresAt: number } | undefined {
  const cols = {
    cookieDomain: row.cookie_domain,
    username: row.username,
    createdAt: Number(row.created_at),
    lastActivity: Number(row.last_activity),
  };
  const session = decodeSessionData(id, cols, row.data);
  return session ? { session, expiresAt: Number(row.expires_at) } : undefined;
}

export class SqlSessionStore implements SessionStore {
  readonly #sql: SqlClient;
  readonly #clock: Clock;
  readonly #sweepEvery: number;
  readonly #onError: (err: unknown) => void;
  readonly #timer: NodeJS.Timeout | undefined;
  /** Keyed by raw id: the cache is process memory, only the database sees hashes. */
  readonly #cache: SessionCache<string>;
  /** Pending last-activity writes by raw id. */
  readonly #dirty = new TouchBuffer<string>();
  /** Bumped around deletes so a read that raced one is neither trusted nor cached. */
  #epoch = 0;
  #lastSweep: number;

  constructor(sql: SqlClient, opts: SqlSessionStoreOptions) {
    this.#sql = sql;
    this.#clock = opts.clock;
    this.#cache = new SessionCache(opts.cacheSize ?? 10_000, opts.cacheMaxAgeMs ?? CACHE_TRUST_MS);
    this.#sweepEvery = opts.sweepIntervalMs ?? 600_000;
    this.#onError = opts.onError ?? (() => {});
    this.#lastSweep = this.#clock.now();
    const every = opts.flushIntervalMs ?? 5_000;
    if (every > 0) {
      this.#timer = setInterval(() => void this.#tick(), every);
      this.#timer.unref();
    }
  }

  /** Touches waiting for the next flush (distinct sessions). */
  get pending(): number {
    return this.#dirty.size;
  }

  async get(id: string): Promise<UserSession | undefined> {
    const now = this.#clock.now();
    const hit = this.#cache.lookup(id, now);
    if (hit === 'expired') return undefined;
    if (hit) return hit;
    const key = hashSessionId(id);
    let epoch = this.#epoch;
    let row = await this.#sql.get<Row>(SELECT_ONE, [key]);
    if (epoch !== this.#epoch) {
      epoch = this.#epoch;
      row = await this.#sql.get<Row>(SELECT_ONE, [key]);
    }
    const decoded = row ? decode(id, row) : undefined;
    if (!decoded) {
      this.#cache.delete(id);
      return undefined;
    }
    this.#dirty.applyTo(id, decoded);
    if (decoded.expiresAt <= now) {
      this.#cache.delete(id);
      return undefined;
    }
    if (epoch === this.#epoch) this.#cache.remember(id, decoded.session, decoded.expiresAt, now);
    return { ...decoded.session };
  }

  async set(session: UserSession, ttlMs: number): Promise<void> {
    await this.#write(session, ttlMs, true);
  }

  async replace(session: UserSession, ttlMs: number): Promise<boolean> {
    return this.#write(session, ttlMs, false);
  }

  async #write(session: UserSession, ttlMs: number, create: boolean): Promise<boolean> {
    const now = this.#clock.now();
    const expiresAt = now + ttlMs;
    const columns = [
      session.cookieDomain,
      session.username,
      encodeSessionData(session),
      session.createdAt,
      session.lastActivity,
      expiresAt,
    ];
    const key = hashSessionId(session.id);
    if (create) {
      // The MySQL client spells the upsert its own way (storage/mysql.ts).
      await this.#sql.run(UPSERT, [key, ...columns]);
    } else if ((await this.#sql.run(UPDATE_ONE, [...columns, key])).changes === 0) {
      this.#cache.delete(session.id);
      return false;
    }
    this.#dirty.written(session.id, session.lastActivity);
    this.#cache.remember(session.id, session, expiresAt, now);
    return true;
  }

  async delete(id: string): Promise<void> {
    this.#epoch++;
    this.#cache.delete(id);
    this.#dirty.delete(id);
    await this.#sql.run(DELETE_ONE, [hashSessionId(id)]);
    this.#epoch++;
    this.#cache.delete(id);
  }

  async deleteByUser(username: string): Promise<number> {
    this.#epoch++;
    this.#cache.deleteUser(username);
    const { changes } = await this.#sql.run(DELETE_USER, [username]);
    this.#epoch++;
    this.#cache.deleteUser(username);
    return changes;
  }

  async count(): Promise<number> {
    return Number((await this.#sql.get<{ n: unknown }>(COUNT_LIVE, [this.#clock.now()]))?.n ?? 0);
  }

  async list(filter: SessionFilter = {}): Promise<UserSession[]> {
    // Pending touches are keyed by raw id and rows by hash, so write them first rather than match them up.
    await this.flush();
    const where = ['expires_at > ?'];
    const params: (string | number)[] = [this.#clock.now()];
    if (filter.username !== undefined) {
      where.push('username = ?');
      params.push(filter.username);
    }
    if (filter.cookieDomain !== undefined) {
      where.push('cookie_domain = ?');
      params.push(filter.cookieDomain);
    }
    const rows = await this.#sql.all<Row>(
      `SELECT ${COLUMNS} FROM sessions WHERE ${where.join(' AND ')}`,
      params,
    );
    const out: UserSession[] = [];
    for (const row of rows) {
      const d = decode('', row);
      if (d) out.push(d.session);
    }
    return out;
  }

  touch(id: string, lastActivity: number): void {
    this.#cache.slide(id, lastActivity);
    this.#dirty.add(id, lastActivity);
  }

  async flush(): Promise<void> {
    await this.#dirty.flush((batch) => {
      // Rows in key order: two instances flushing the same sessions lock them in the same order, no deadlock.
      const rows = batch
        .map(([id, at]) => [hashSessionId(id), at] as const)
        .sort((x, y) => (x[0] < y[0] ? -1 : 1));
      return this.#sql.transaction(async (tx) => {
        for (const [key, at] of rows) await tx.run(TOUCH, [at, at, key, at]);
      });
    });
  }

  /** Writes pending touches, then deletes rows past their deadline; returns how many were deleted. */
  async sweep(): Promise<number> {
    await this.flush();
    const now = this.#clock.now();
    this.#lastSweep = now;
    const { changes } = await this.#sql.run(DELETE_EXPIRED, [now]);
    return changes;
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.flush();
  }

  async #tick(): Promise<void> {
    try {
      await this.flush();
      if (this.#clock.now() - this.#lastSweep >= this.#sweepEvery) await this.sweep();
    } catch (err) {
      this.#onError(err);
    }
  }
}
