/** Portal flows: first factor (password), TOTP second factor, logout. Each returns a value the http layer renders. */

import { verifyTotp } from '../authn/index.js';
import type { CompiledAccessControl } from '../authz/index.js';
import type { SessionCookieConfig, TotpConfig } from '../config/index.js';
import { type Clock, type Logger, publishSecurityEvent } from '../core/index.js';
import type { Regulator } from '../regulation/index.js';
import type { SessionManager, UserSession } from '../session/index.js';
import type { TotpStore } from '../storage/index.js';
import type { PasswordCheck } from './password-check.js';
import { redirectAfterFirstFactor, redirectAfterSecondFactor } from './redirect.js';

export interface PortalFlowDeps {
  readonly acl: () => CompiledAccessControl;
  readonly cookies: readonly SessionCookieConfig[];
  readonly sessions: SessionManager;
  readonly passwordCheck: PasswordCheck;
  readonly regulator: Regulator;
  readonly totpStore: TotpStore;
  readonly totp: TotpConfig;
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface FirstFactorInput {
  readonly username: string;
  readonly password: string;
  readonly keepMeLoggedIn: boolean;
  readonly targetURL: string | undefined;
  readonly requestMethod: string | undefined;
}

export interface RequestContext {
  readonly ip: string;
  readonly cookieCfg: SessionCookieConfig;
  readonly cookieHeader: string | undefined;
  readonly requestUri: string;
  readonly requestMethod: string;
}

export type FlowResult =
  | { readonly ok: true; readonly setCookie?: string; readonly redirect?: string }
  | { readonly ok: false; readonly status: 401 | 403; readonly reason: string };

export function createPortalFlows(deps: PortalFlowDeps) {
  const rctx = (cookieCfg: SessionCookieConfig) => ({ acl: deps.acl(), cookies: deps.cookies, cookieCfg });

  async function current(ctx: RequestContext): Promise<UserSession | undefined> {
    return (await deps.sessions.load(ctx.cookieHeader, ctx.cookieCfg, {})).session;
  }

  async function firstFactor(input: FirstFactorInput, ctx: RequestContext): Promise<FlowResult> {
    const r = await deps.passwordCheck(input.username, input.password, {
      ip: ctx.ip,
      requestUri: ctx.requestUri,
      requestMethod: ctx.requestMethod,
      authType: '1FA',
    });
    deps.logger.info(
      {
        event: r.ok ? 'authn.password.succeeded' : 'authn.password.failed',
        username: input.username,
        remote_ip: ctx.ip,
        ...(r.ok ? {} : { reason: r.reason }),
      },
      r.ok
        ? `Successful 1FA authentication attempt by user '${input.username}'`
        : `Unsuccessful 1FA authentication attempt by user '${input.username}'`,
    );
    if (!r.ok) return { ok: false, status: 401, reason: r.reason };
    const keep = input.keepMeLoggedIn && ctx.cookieCfg.rememberMe > 0;
    const previous = await current(ctx);
    const { setCookie } = await deps.sessions.create(ctx.cookieCfg, r.user, {
      keepMeLoggedIn: keep,
      ip: ctx.ip,
      previous,
      amr: { pwd: true },
    });
    const redirect = redirectAfterFirstFactor(
      rctx(ctx.cookieCfg),
      r.user,
      ctx.ip,
      input.targetURL,
      input.requestMethod,
    );
    return { ok: true, setCookie, ...(redirect ? { redirect } : {}) };
  }

  async function secondFactorTotp(
    input: { token: string; targetURL: string | undefined },
    ctx: RequestContext,
  ): Promise<FlowResult> {
    const session = await current(ctx);
    if (!session?.amr.pwd) return { ok: false, status: 401, reason: 'not-authenticated' };
    const ban = await deps.regulator.check(session.username, ctx.ip);
    const verdict = ban.banned
      ? 'banned'
      : await verifyTotp(
          { store: deps.totpStore, clock: deps.clock, config: deps.totp },
          session.username,
          input.token,
        );
    await deps.regulator.mark({
      username: session.username,
      ip: ctx.ip,
      successful: verdict === 'ok',
      authType: 'TOTP',
      requestUri: ctx.requestUri,
      requestMethod: ctx.requestMethod,
    });
    deps.logger.info(
      {
        event: verdict === 'ok' ? 'authn.totp.succeeded' : 'authn.totp.failed',
        username: session.username,
        remote_ip: ctx.ip,
        reason: verdict,
      },
      verdict === 'ok'
        ? `Successful TOTP authentication attempt by user '${session.username}'`
        : `Unsuccessful TOTP authentication attempt by user '${session.username}'`,
    );
    publishSecurityEvent({
      type:
        verdict === 'ok'
          ? 'authn.totp.succeeded'
          : verdict === 'banned'
            ? 'authn.totp.banned'
            : 'authn.totp.failed',
      at: deps.clock.now(),
      ip: ctx.ip,
      username: session.username,
      ...(verdict === 'ok' || verdict === 'banned' ? {} : { detail: { reason: verdict } }),
    });
    if (verdict !== 'ok') return { ok: false, status: 401, reason: verdict };
    // A new id once the session gains its second factor, as on login.
    const { setCookie } = await deps.sessions.create(ctx.cookieCfg, session, {
      keepMeLoggedIn: session.keepMeLoggedIn,
      ip: ctx.ip,
      previous: session,
      amr: { ...session.amr, otp: true },
      firstFactorAt: session.firstFactorAt,
    });
    const redirect = redirectAfterSecondFactor(rctx(ctx.cookieCfg), input.targetURL);
    return { ok: true, setCookie, ...(redirect ? { redirect } : {}) };
  }

  async function logout(ctx: RequestContext): Promise<{ setCookie?: string; username?: string }> {
    const session = await current(ctx);
    if (!session) return {};
    const setCookie = await deps.sessions.destroy(session, ctx.cookieCfg);
    deps.logger.info({ event: 'session.destroyed', username: session.username, remote_ip: ctx.ip }, 'logout');
    publishSecurityEvent({
      type: 'session.destroyed',
      at: deps.clock.now(),
      ip: ctx.ip,
      username: session.username,
    });
    return { setCookie, username: session.username };
  }

  return { firstFactor, secondFactorTotp, logout, current };
}

export type PortalFlows = ReturnType<typeof createPortalFlows>;
