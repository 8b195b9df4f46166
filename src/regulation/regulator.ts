/**
 * Authelia's regulation: consecutive 1FA failures within `find_time` ban the user and/or IP for `ban_time`.
 * `guard()` makes check → verify → record atomic per user and per IP, so parallel guesses cannot outrun the ban.
 */
import type { RegulationConfig } from '../config/index.js';
import { type Clock, publishBanEvent, publishSecurityEvent } from '../core/index.js';
import type { AttemptStore, AuthAttempt, BanKind, BanStore, LockStore } from '../storage/index.js';
import { KeyedMutex } from './keyed-mutex.js';

export type BanCheck =
  | { readonly banned: false }
  | { readonly banned: true; readonly until: Date; readonly scope: BanKind };

export interface AttemptInput {
  readonly username: string;
  readonly ip: string;
  readonly successful: boolean;
  readonly authType: string;
  readonly requestUri: string;
  readonly requestMethod: string;
}

export type GuardResult =
  | { readonly banned: true; readonly until: Date; readonly scope: BanKind }
  | { readonly banned: false; readonly successful: boolean };

export interface RegulatorDeps {
  readonly attempts: AttemptStore;
  readonly bans: BanStore;
  readonly config: RegulationConfig;
  readonly clock: Clock;
  /**
   * Locks shared with the other instances on the same database. The in-process mutex alone lets two processes
   * each count the same failures; with these, N instances ban after exactly max_retries failures in total.
   */
  readonly locks?: LockStore | undefined;
}

export class Regulator {
  readonly #d: RegulatorDeps;
  readonly #mutex = new KeyedMutex();

  constructor(deps: RegulatorDeps) {
    this.#d = deps;
  }

  get enabled(): boolean {
    return this.#d.config.maxRetries > 0;
  }

  /**
   * IP ban first, then user ban (Authelia's order). Both kinds are honoured whatever `modes` says: modes decide
   * which bans regulation creates, but a ban added by detection or by an admin must hold everywhere.
   */
  async check(username: string, ip: string): Promise<BanCheck> {
    const now = this.#d.clock.now();
    for (const scope of ['ip', 'user'] as const) {
      const ban = await this.#d.bans.active(scope, scope === 'ip' ? ip : username, now);
      if (ban) return { banned: true, until: new Date(ban.expiresAt), scope };
    }
    return { banned: false };
  }

  /** Records an attempt; a 1FA failure may create a ban. */
  async mark(a: AttemptInput, banned = false): Promise<void> {
    const now = this.#d.clock.now();
    const attempt: AuthAttempt = {
      time: now,
      successful: a.successful,
      banned,
      username: a.username,
      authType: a.authType,
      remoteIp: a.ip,
      requestUri: a.requestUri,
      requestMethod: a.requestMethod,
    };
    await this.#d.attempts.append(attempt);
    if (a.successful || banned || a.authType !== '1FA' || !this.enabled) return;
    const { maxRetries, findTime, banTime, modes } = this.#d.config;
    const since = now - findTime;
    for (const scope of modes) {
      const recent =
        scope === 'user'
          ? await this.#d.attempts.recentForUser(a.username, since, maxRetries)
          : await this.#d.attempts.recentForIp(a.ip, since, maxRetries);
      let failures = 0;
      for (const r of recent) {
        if (r.successful) break;
        failures++;
      }
      if (failures >= maxRetries) {
        const newest = recent[0]?.time ?? now;
        const value = scope === 'user' ? a.username : a.ip;
        await this.#d.bans.ban(
          scope,
          value,
          newest + banTime,
          `${failures} failed attempts within ${Math.round(findTime / 1000)}s`,
        );
        // Regulation bans are security events like detection's: audited and counted (issue 7).
        publishBanEvent({ action: 'added', kind: scope, value, source: 'regulation' });
        publishSecurityEvent({
          type: 'ban.added',
          at: now,
          ...(scope === 'ip' ? { ip: value } : { username: value }),
          detail: { kind: scope, value, until: newest + banTime, source: 'regulation' },
        });
      }
    }
  }

  /**
   * Runs one first-factor attempt under the per-user and per-IP locks: refuse if banned (recorded, without
   * calling `verify`), else verify and record the outcome before the next attempt for that user or IP may start.
   */
  async guard(
    username: string,
    ip: string,
    verify: () => Promise<{
      successful: boolean;
      attempt: { authType: string; requestUri: string; requestMethod: string };
    }>,
  ): Promise<GuardResult> {
    const attempt = async (): Promise<GuardResult> => {
      const ban = await this.check(username, ip);
      if (ban.banned) {
        await this.mark(
          { username, ip, successful: false, authType: '1FA', requestUri: '', requestMethod: '' },
          true,
        );
        return ban;
      }
      const r = await verify();
      await this.mark({ username, ip, successful: r.successful, ...r.attempt });
      return { banned: false, successful: r.successful };
    };
    const keys = [`user:${username}`, `ip:${ip}`];
    const locks = this.#d.locks;
    // The local mutex first: waiting callers of this process queue here instead of each holding a connection.
    return this.#mutex.run(keys, locks ? () => locks.withLocks(keys, attempt) : attempt);
  }
}
