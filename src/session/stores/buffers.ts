/**
 * What the persistent session stores (SQL, Redis) keep in process memory: a bounded read-through cache and the
 * last-activity updates waiting to be written behind.
 */
import type { UserSession } from '../session.js';
import type { Mutable } from './codec.js';

/**
 * How long a cached session is trusted before the store is read again: the documented worst case for seeing
 * another instance's logout or revocation (or the CLI's, another process even on SQLite). Redis also pushes
 * invalidations, so there it only bounds a lost message.
 */
export const CACHE_TRUST_MS = 1_000;

/** A session with the deadline its store holds for it. */
export interface Stored {
  readonly session: Mutable<UserSession>;
  expiresAt: number;
}

/** Activity at `lastActivity` slides the deadline by the same amount, and never moves either backwards. */
export function slide(e: Stored, lastActivity: number): void {
  if (lastActivity > e.session.lastActivity) {
    e.expiresAt += lastActivity - e.session.lastActivity;
    e.session.lastActivity = lastActivity;
  }
}

interface Cached extends Stored {
  readonly loadedAt: number;
  /** Insertion number: how far back in the LRU order the entry sits. */
  seq: number;
}

/** A least-recently-used cache of sessions, each trusted for `maxAgeMs` after it was loaded. */
export class SessionCache<K> {
  readonly #size: number;
  readonly #maxAge: number;
  /** Map order = LRU order. */
  readonly #entries = new Map<K, Cached>();
  #seq = 0;

  constructor(size: number, maxAgeMs: number) {
    this.#size = size;
    this.#maxAge = maxAgeMs;
  }

  /**
   * The cached session (a copy) while it is trusted at `now`; 'expired' when it is trusted but past its
   * deadline (then dropped); undefined when there is nothing trustworthy and the caller must read the store.
   */
  lookup(key: K, now: number): Mutable<UserSession> | 'expired' | undefined {
    const hit = this.#entries.get(key);
    if (!hit || now - hit.loadedAt >= this.#maxAge) return undefined;
    if (hit.expiresAt <= now) {
      this.#entries.delete(key);
      return 'expired';
    }
    // Re-inserting on every hit costs O(cache size) in V8 when one key is hot (its deleted entries pile up
    // in one hash chain until the next rehash: ~25 µs per hit at 10k entries). An entry still in the newer
    // half keeps its place, so eviction is least-recently-used to within half the cache.
    if (this.#seq - hit.seq > this.#size >> 1) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      hit.seq = ++this.#seq;
    }
    return { ...hit.session };
  }

  remember(key: K, session: UserSession, expiresAt: number, loadedAt: number): void {
    this.#entries.delete(key);
    this.#entries.set(key, { session: { ...session }, expiresAt, loadedAt, seq: ++this.#seq });
    if (this.#entries.size > this.#size) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
  }

  /** Activity seen for a cached session: its deadline slides by the same amount. */
  slide(key: K, lastActivity: number): void {
    const hit = this.#entries.get(key);
    if (hit) slide(hit, lastActivity);
  }

  delete(key: K): void {
    this.#entries.delete(key);
  }

  deleteUser(username: string): void {
    for (const [key, c] of this.#entries) if (c.session.username === username) this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }
}

/** Last-activity times waiting to be written, the newest per session, flushed as one batch at a time. */
export class TouchBuffer<K> {
  #pending = new Map<K, number>();
  #inflight: Promise<void> | undefined;

  get size(): number {
    return this.#pending.size;
  }

  /** A session just read from the store, with the touch still waiting to be written applied to it. */
  applyTo(key: K, e: Stored): void {
    const pending = this.#pending.get(key);
    if (pending !== undefined) slide(e, pending);
  }

  add(key: K, at: number): void {
    const prev = this.#pending.get(key);
    if (prev === undefined || at > prev) this.#pending.set(key, at);
  }

  delete(key: K): void {
    this.#pending.delete(key);
  }

  /** A full write of the session at `lastActivity` made pending touches up to that time redundant. */
  written(key: K, lastActivity: number): void {
    const prev = this.#pending.get(key);
    if (prev !== undefined && prev <= lastActivity) this.#pending.delete(key);
  }

  clear(): void {
    this.#pending = new Map();
  }

  /**
   * Hands everything pending to `write` (one flush at a time). When it fails, the batch is put back unless
   * newer touches superseded it, so the next flush retries it; the error reaches the caller.
   */
  async flush(write: (batch: readonly (readonly [K, number])[]) => Promise<void>): Promise<void> {
    while (this.#inflight) await this.#inflight.catch(() => {});
    if (this.#pending.size === 0) return;
    const batch = this.#pending;
    this.#pending = new Map();
    const run = write([...batch]).catch((err: unknown) => {
      for (const [key, at] of batch) this.add(key, at);
      throw err;
    });
    this.#inflight = run;
    try {
      await run;
    } finally {
      this.#inflight = undefined;
    }
  }
}
