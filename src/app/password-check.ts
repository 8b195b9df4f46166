/**
 * The first factor: look the user up, honour regulation bans, verify the digest off the event loop.
 * Unknown and disabled users cost the same hashing work as real ones and get the same answer.
 */
import type { UsersDatabase } from '../authn/index.js';
import { verifyDummy, verifyPassword } from '../authn/index.js';
import { type Clock, type Logger, publishSecurityEvent, systemClock } from '../core/index.js';
import type { Regulator } from '../regulation/index.js';
import type { Limiter } from './limiter.js';

export interface AuthnUser {
  readonly username: string;
  readonly displayName: string;
  readonly groups: readonly string[];
  readonly emails: readonly string[];
}

export type PasswordCheckResult =
  | { readonly ok: true; readonly user: AuthnUser }
  | { readonly ok: false; readonly reason: 'bad-credentials' | 'banned' };

export type PasswordCheck = (
  username: string,
  password: string,
  ctx: { ip: string; requestUri: string; requestMethod: string; authType: '1FA' },
) => Promise<PasswordCheckResult>;

export function createPasswordCheck(deps: {
  users: () => UsersDatabase;
  regulator: Regulator;
  limiter: Limiter;
  logger: Logger;
  clock?: Clock;
}): PasswordCheck {
  const clock = deps.clock ?? systemClock;
  return async (username, password, ctx) => {
    const started = performance.now();
    const user = deps.users().lookup(username);
    // Regulation keys on the canonical username when known, so case variants share one counter.
    const key = user?.username ?? username;
    // The limiter slot is taken before the regulation locks: a queued login holds no database connection (on
    // PostgreSQL/MySQL each lock holder keeps one), so a login burst cannot drain the pool the checks need.
    // An attempt already banned skips the limiter: guard checks again under the locks and refuses it without
    // hashing, so a flood on a banned user or IP stays cheap and cannot fill the queue other logins wait in.
    // (Should the ban end meanwhile, those attempts verify one at a time under the locks until banned again.)
    const banned = (await deps.regulator.check(key, ctx.ip)).banned;
    const admit = <T>(fn: () => Promise<T>) => (banned ? fn() : deps.limiter.run(fn));
    const outcome = await admit(() =>
      deps.regulator.guard(key, ctx.ip, async () => {
        let ok: boolean;
        if (!user) ok = await verifyDummy(password);
        else {
          try {
            ok = await verifyPassword(password, user.digest);
          } catch (e) {
            deps.logger.error(
              { err: e, username: user.username },
              'stored password digest cannot be verified',
            );
            ok = false;
          }
        }
        return {
          successful: ok,
          attempt: { authType: ctx.authType, requestUri: ctx.requestUri, requestMethod: ctx.requestMethod },
        };
      }),
    );
    publishSecurityEvent({
      type: outcome.banned
        ? 'authn.password.banned'
        : outcome.successful && user
          ? 'authn.password.succeeded'
          : 'authn.password.failed',
      at: clock.now(),
      ip: ctx.ip,
      username: key,
      durationMs: performance.now() - started,
      detail: {
        method: ctx.requestMethod,
        ...(outcome.banned || (outcome.successful && user) ? {} : { reason: 'bad-credentials' }),
      },
    });
    if (outcome.banned) return { ok: false, reason: 'banned' };
    if (!outcome.successful || !user) return { ok: false, reason: 'bad-credentials' };
    return {
      ok: true,
      user: {
        username: user.username,
        displayName: user.displayName,
        groups: user.groups,
        emails: user.emails,
      },
    };
  };
}
