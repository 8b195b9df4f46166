/** The contract every session store (memory, SQL, later Redis) fulfils for the SessionManager. */
import type { UserSession } from './session.js';

export interface SessionFilter {
  readonly username?: string | undefined;
  readonly cookieDomain?: string | undefined;
}

export interface SessionStore {
  /** The live session for this cookie id, or undefined (unknown or past its store deadline). */
  get(id: string): Promise<UserSession | undefined>;
  /** Create or replace the session; the store forgets it `ttlMs` from now unless `touch` slides it. */
  set(session: UserSession, ttlMs: number): Promise<void>;
  /**
   * Replaces a session that still exists; false (nothing written) when it is gone. Changes to a session read
   * earlier go through this, so a logout or revocation in between is never undone by a late write.
   */
  replace(session: UserSession, ttlMs: number): Promise<boolean>;
  delete(id: string): Promise<void>;
  /** Removes every session of `username` (exact match); returns how many were removed. */
  deleteByUser(username: string): Promise<number>;
  /** How many sessions are live (the metrics gauge), without reading them. */
  count(): Promise<number>;
  /** Live sessions, with `id` blanked ('') because persistent stores do not know it. */
  list(filter?: SessionFilter): Promise<UserSession[]>;
  /**
   * Records activity without waiting for I/O: the deadline slides by the same amount. Persistent stores
   * batch these and write them later (write-behind), so a request never pays a disk write for it.
   */
  touch(id: string, lastActivity: number): void;
  /** Persists pending touches now. */
  flush(): Promise<void>;
  /** Flushes and stops timers; does not close a shared database client. */
  close(): Promise<void>;
}
