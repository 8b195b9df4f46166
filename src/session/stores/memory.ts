/** In-process session store: one Map keyed by the raw cookie id, swept for expired entries by one timer. */
import type { Clock } from '../../core/index.js';
import type { UserSession } from '../session.js';
import type { SessionFilter, SessionStore } from '../store.js';

/** The stored form: the session's own fields plus its store deadline, in one flat object (no wrapper). */
type Entry = { -readonly [K in keyof UserSession]: UserSession[K] } & { expiresAt: number };

export interface MemorySessionStoreOptions {
  readonly clock: Clock;
  /** How often expired entries are dropped; 0 disables the timer (tests call `sweep()`). Default 60 s. */
  readonly sweepIntervalMs?: number;
}

/**
 * Built as one literal with every key in a fixed order: V8 then keeps all fields in-object under one
 * shared shape. A `{ ...session }` copy measured ~500 bytes more per entry (out-of-object property store).
 */
function toEntry(s: UserSession, expiresAt: number): Entry {
  return {
    id: s.id,
    cookieDomain: s.cookieDomain,
    username: s.username,
    displayName: s.displayName,
    groups: s.groups,
    emails: s.emails,
    keepMeLoggedIn: s.keepMeLoggedIn,
    createdAt: s.createdAt,
    lastActivity: s.lastActivity,
    firstFactorAt: s.firstFactorAt,
    secondFactorAt: s.secondFactorAt,
    amr: s.amr,
    refreshAt: s.refreshAt,
    ip: s.ip,
    elevation: s.elevation,
    pendingTotp: s.pendingTotp,
    expiresAt,
  };
}

/** The caller's copy: without the store deadline, and without optional keys that are unset. */
function toSession(e: Entry): UserSession {
  const { expiresAt: _deadline, elevation, pendingTotp, ...s } = e;
  return { ...s, ...(elevation ? { elevation } : {}), ...(pendingTotp ? { pendingTotp } : {}) };
}

/**
 * Keyed by the raw id rather than its hash: the map lives only in this process, whose memory already
 * holds the ids of in-flight requests, and skipping SHA-256 keeps lookups cheap. Sessions are lost on
 * restart, as with Authelia's memory provider.
 */
export class MemorySessionStore implements SessionStore {
  readonly #clock: Clock;
  readonly #entries = new Map<string, Entry>();
  readonly #timer: NodeJS.Timeout | undefined;

  constructor(opts: MemorySessionStoreOptions) {
    this.#clock = opts.clock;
    const every = opts.sweepIntervalMs ?? 60_000;
    if (every > 0) {
      this.#timer = setInterval(() => this.sweep(), every);
      this.#timer.unref();
    }
  }

  get size(): number {
    return this.#entries.size;
  }

  async get(id: string): Promise<UserSession | undefined> {
    const e = this.#entries.get(id);
    if (!e) return undefined;
    if (e.expiresAt <= this.#clock.now()) {
      this.#entries.delete(id);
      return undefined;
    }
    // A copy, so a caller's edits reach the store only through set/touch.
    return toSession(e);
  }

  async set(session: UserSession, ttlMs: number): Promise<void> {
    this.#entries.set(session.id, toEntry(session, this.#clock.now() + ttlMs));
  }

  async replace(session: UserSession, ttlMs: number): Promise<boolean> {
    if (!this.#entries.has(session.id)) return false;
    await this.set(session, ttlMs);
    return true;
  }

  async delete(id: string): Promise<void> {
    this.#entries.delete(id);
  }

  async deleteByUser(username: string): Promise<number> {
    let n = 0;
    for (const [id, e] of this.#entries) {
      if (e.username === username) {
        this.#entries.delete(id);
        n++;
      }
    }
    return n;
  }

  async count(): Promise<number> {
    const now = this.#clock.now();
    let n = 0;
    for (const e of this.#entries.values()) if (e.expiresAt > now) n++;
    return n;
  }

  async list(filter: SessionFilter = {}): Promise<UserSession[]> {
    const now = this.#clock.now();
    const out: UserSession[] = [];
    for (const e of this.#entries.values()) {
      if (e.expiresAt <= now) continue;
      if (filter.username !== undefined && e.username !== filter.username) continue;
      if (filter.cookieDomain !== undefined && e.cookieDomain !== filter.cookieDomain) continue;
      out.push({ ...toSession(e), id: '' });
    }
    return out;
  }

  touch(id: string, lastActivity: number): void {
    const e = this.#entries.get(id);
    if (!e || lastActivity <= e.lastActivity) return;
    // Slide the deadline with the activity, like Authelia's re-save resetting the store TTL.
    // Entries never leave the store (get returns copies), so updating in place is safe and allocation-free.
    e.expiresAt += lastActivity - e.lastActivity;
    e.lastActivity = lastActivity;
  }

  /** Drops expired entries; returns how many. */
  sweep(): number {
    const now = this.#clock.now();
    let n = 0;
    for (const [id, e] of this.#entries) {
      if (e.expiresAt <= now) {
        this.#entries.delete(id);
        n++;
      }
    }
    return n;
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
  }
}
