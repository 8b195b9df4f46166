/**
 * The session lifecycle on top of a SessionStore: find the cookie domain for a host, load and validate a
 * session the way Authelia's CookieSession strategy does, create (always under a new id), update, destroy.
 */
import type { SessionCookieConfig } from '../config/index.js';
import { type Clock, type Logger, publishSecurityEvent } from '../core/index.js';
import { deletionCookie, readSessionCookie, serializeSessionCookie } from './cookie.js';
import { newSessionId } from './id.js';
import {
  type Amr,
  expiresAt,
  hasPossession,
  isExpired,
  isInactive,
  rememberMeEnabled,
  sameStringSet,
  sessionLifetime,
  type UserSession,
} from './session.js';
import type { SessionStore } from './store.js';

export interface UserProfile {
  readonly displayName: string;
  readonly groups: readonly string[];
  readonly emails: readonly string[];
}

export interface SessionManagerDeps {
  readonly store: SessionStore;
  readonly cookies: readonly SessionCookieConfig[];
  readonly clock: Clock;
  /** `authentication_backend.refresh_interval` in ms: -1 = disabled, 0 = on every request. */
  readonly refreshInterval: number;
  /** Current profile of a user, or undefined when the user no longer exists or is disabled. */
  readonly refreshUser?: ((username: string) => Promise<UserProfile | undefined>) | undefined;
  readonly logger?: Logger | undefined;
}

export type DestroyReason = 'expired' | 'inactive' | 'domain-mismatch' | 'user-removed' | 'username-mismatch';

export interface LoadResult {
  readonly session?: UserSession | undefined;
  readonly destroyed?: DestroyReason | undefined;
}

export interface LoadOptions {
  /** The request's `Session-Username` header when present (even if empty). */
  readonly sessionUsernameHeader?: string | undefined;
}

export interface CreateOptions {
  /** Only honoured when the cookie domain has remember-me enabled. */
  readonly keepMeLoggedIn: boolean;
  readonly ip: string;
  /** The session being replaced (login over an existing one, or a factor added): it is deleted. */
  readonly previous?: UserSession | undefined;
  /** Defaults to a password-only first factor. */
  readonly amr?: Partial<Amr> | undefined;
  /** Keep the original first-factor time when a second factor regenerates the session. */
  readonly firstFactorAt?: number | undefined;
  /** Defaults to now when `amr` holds a possession factor, else 0. */
  readonly secondFactorAt?: number | undefined;
}

const EMPTY: LoadResult = Object.freeze({});

function normalizeDomain(d: string): string {
  const lower = d.toLowerCase();
  return lower.startsWith('.') ? lower.slice(1) : lower;
}

export class SessionManager {
  readonly #store: SessionStore;
  readonly #cookies: readonly SessionCookieConfig[];
  readonly #domains: readonly string[];
  readonly #clock: Clock;
  readonly #refreshInterval: number;
  readonly #refreshUser: SessionManagerDeps['refreshUser'];
  readonly #logger: Logger | undefined;

  constructor(deps: SessionManagerDeps) {
    this.#store = deps.store;
    this.#cookies = deps.cookies;
    this.#domains = deps.cookies.map((c) => normalizeDomain(c.domain));
    this.#clock = deps.clock;
    this.#refreshInterval = deps.refreshInterval;
    this.#refreshUser = deps.refreshUser;
    this.#logger = deps.logger;
  }

  get store(): SessionStore {
    return this.#store;
  }

  /**
   * The first cookie whose domain equals `host` or is a dot-suffix of it. Case-insensitive: hostnames are
   * case-insensitive (RFC 4343) and WHATWG URLs lowercase them anyway; Authelia 4.39.x compares
   * case-sensitively, which only made mixed-case config domains silently never match (fixed upstream later).
   */
  cookieConfigForHost(host: string): SessionCookieConfig | undefined {
    let h = host.toLowerCase();
    if (h.endsWith('.')) h = h.slice(0, -1);
    for (let i = 0; i < this.#domains.length; i++) {
      const d = this.#domains[i]!;
      if (h === d || (h.length > d.length && h.endsWith(d) && h[h.length - d.length - 1] === '.')) {
        return this.#cookies[i];
      }
    }
    return undefined;
  }

  /**
   * Authelia's CookieSession checks, in its order: cookie domain, expiry, inactivity (not for remember-me),
   * backend refresh (user gone → destroy; changed profile → written back), Session-Username header
   * (case-insensitive), then the activity bump (not for remember-me).
   */
  async load(
    cookieHeader: string | undefined,
    cfg: SessionCookieConfig,
    opts: LoadOptions = {},
  ): Promise<LoadResult> {
    const id = readSessionCookie(cookieHeader, cfg.name);
    if (id === undefined) return EMPTY;
    const stored = await this.#store.get(id);
    if (!stored) return EMPTY;
    const now = this.#clock.now();
    const log = { username: stored.username, cookie_domain: cfg.domain };

    if (stored.cookieDomain !== cfg.domain) {
      this.#logger?.warn(
        { ...log, session_domain: stored.cookieDomain },
        `Destroying session cookie as the cookie domain '${stored.cookieDomain}' does not match the requests detected cookie domain '${cfg.domain}' which may be a sign a user tried to move this cookie from one domain to another`,
      );
      return this.#drop(id, 'domain-mismatch', stored.username);
    }
    if (isExpired(stored, cfg, now)) return this.#drop(id, 'expired');
    if (isInactive(stored, cfg, now)) {
      this.#logger?.info(
        log,
        'Session for user not marked as remembered has exceeded configured session inactivity',
      );
      return this.#drop(id, 'inactive');
    }

    const refreshed = await this.#refresh(stored, now, log);
    if (refreshed === 'user-removed') return this.#drop(id, 'user-removed', stored.username);
    let { session } = refreshed;

    const header = opts.sessionUsernameHeader;
    if (header !== undefined && header.toLowerCase() !== session.username.toLowerCase()) {
      this.#logger?.warn(
        log,
        `Session for user does not match the Session-Username header with value '${header}' which could be a sign of a cookie hijack`,
      );
      return this.#drop(id, 'username-mismatch', stored.username);
    }

    if (refreshed.modified) {
      if (!session.keepMeLoggedIn) session = { ...session, lastActivity: now };
      // Revoked (or logged out) since it was read: it stays gone.
      if (!(await this.#store.replace(session, expiresAt(session, cfg) - now))) return EMPTY;
    } else if (!session.keepMeLoggedIn) {
      session = { ...session, lastActivity: now };
      this.#store.touch(id, now);
    }
    return { session };
  }

  /**
   * A new session under a fresh id (never the one the browser presented: no session fixation), replacing
   * `opts.previous` if given. Returns the Set-Cookie to send.
   */
  async create(
    cfg: SessionCookieConfig,
    user: { readonly username: string } & UserProfile,
    opts: CreateOptions,
  ): Promise<{ session: UserSession; setCookie: string }> {
    const now = this.#clock.now();
    const keep = opts.keepMeLoggedIn && rememberMeEnabled(cfg);
    const given = opts.amr ?? { pwd: true };
    const amr: Amr = {
      pwd: given.pwd ?? false,
      otp: given.otp ?? false,
      webauthn: given.webauthn ?? false,
      ...(given.duo !== undefined ? { duo: given.duo } : {}),
      ...(given.hwk !== undefined ? { hwk: given.hwk } : {}),
      ...(given.uv !== undefined ? { uv: given.uv } : {}),
    };
    const session: UserSession = {
      id: newSessionId(),
      cookieDomain: cfg.domain,
      username: user.username,
      displayName: user.displayName,
      groups: [...user.groups],
      emails: [...user.emails],
      keepMeLoggedIn: keep,
      createdAt: now,
      lastActivity: now,
      firstFactorAt: opts.firstFactorAt ?? now,
      secondFactorAt: opts.secondFactorAt ?? (hasPossession(amr) ? now : 0),
      amr,
      refreshAt: this.#refreshInterval > 0 ? now + this.#refreshInterval : now,
      ip: opts.ip,
    };
    if (opts.previous) await this.#store.delete(opts.previous.id);
    const lifetime = sessionLifetime(cfg, keep);
    await this.#store.set(session, lifetime);
    return { session, setCookie: serializeSessionCookie(cfg, session.id, lifetime, now) };
  }

  /**
   * Saves changed session data under the same id, keeping its deadline. A session whose cookie domain is no
   * longer configured, or whose deadline has passed, is deleted instead.
   */
  async update(session: UserSession): Promise<boolean> {
    const cfg = this.#cookies.find((c) => c.domain === session.cookieDomain);
    const ttl = cfg ? expiresAt(session, cfg) - this.#clock.now() : 0;
    // A session revoked meanwhile is not brought back by a late write (false: it is gone).
    if (ttl > 0) return this.#store.replace(session, ttl);
    await this.#store.delete(session.id);
    return false;
  }

  /** Logout: deletes the session and returns the Set-Cookie that clears it in the browser. */
  async destroy(session: UserSession, cfg: SessionCookieConfig): Promise<string> {
    await this.#store.delete(session.id);
    return deletionCookie(cfg);
  }

  /** Ends every session of a user (e.g. removed from the users file); returns how many. */
  async revokeUser(username: string): Promise<number> {
    const n = await this.#store.deleteByUser(username);
    if (n > 0) this.#revoked(username, 'revoked', n);
    return n;
  }

  /** A session ended by policy rather than by its user or its clock is a security event (audit, issue 7). */
  #revoked(username: string, reason: string, count = 1): void {
    publishSecurityEvent({
      type: 'session.revoked',
      at: this.#clock.now(),
      username,
      detail: { reason, count },
    });
  }

  /** Re-reads the user's profile when due (Authelia's handleSessionValidateRefresh). */
  async #refresh(
    s: UserSession,
    now: number,
    log: Record<string, unknown>,
  ): Promise<{ session: UserSession; modified: boolean } | 'user-removed'> {
    if (!this.#refreshDue(s, now)) return { session: s, modified: false };
    let profile: UserProfile | undefined;
    try {
      profile = await this.#refreshUser!(s.username);
    } catch (err) {
      // Like Authelia: a backend error keeps the session as it is and retries on the next request.
      this.#logger?.error({ ...log, err }, 'Error occurred while attempting to update user details for user');
      return { session: s, modified: false };
    }
    if (!profile) {
      this.#logger?.error(
        log,
        'Error occurred while attempting to update user details for user: the user was not found indicating they were deleted, disabled, or otherwise no longer authorized to login',
      );
      return 'user-removed';
    }
    let session = s;
    let modified = false;
    if (this.#refreshInterval > 0) {
      session = { ...session, refreshAt: now + this.#refreshInterval };
      modified = true;
    }
    if (
      profile.displayName !== session.displayName ||
      !sameStringSet(profile.groups, session.groups) ||
      !sameStringSet(profile.emails, session.emails)
    ) {
      session = {
        ...session,
        displayName: profile.displayName,
        groups: [...profile.groups],
        emails: [...profile.emails],
      };
      modified = true;
    }
    return { session, modified };
  }

  #refreshDue(s: UserSession, now: number): boolean {
    if (this.#refreshUser === undefined || this.#refreshInterval < 0 || s.username === '') return false;
    // Authelia skips while RefreshTTL is still after now, so the refresh is due at exactly refreshAt.
    return this.#refreshInterval === 0 || s.refreshAt <= now;
  }

  async #drop(id: string, reason: DestroyReason, username?: string): Promise<LoadResult> {
    await this.#store.delete(id);
    if (username !== undefined) this.#revoked(username, reason);
    return { destroyed: reason };
  }
}
