/**
 * Elevated sessions (identity verification before credential changes): an emailed one-time code, bound to the
 * session that asked for it, turns into an elevation of that session bound to the client IP, for
 * `elevation_lifespan`. `guard()` is Authelia's RequireElevated check.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { IdentityValidationConfig } from '../config/index.js';
import { type Clock, type Logger, randomString, safeEqual } from '../core/index.js';
import type { Notifier } from '../notify/index.js';
import { authLevel, hashSessionId, type SessionManager, type UserSession } from '../session/index.js';
import type { OneTimeCodeStore } from '../storage/index.js';
import type { RequestContext } from './login.js';

/** Authelia's unambiguous upper-case alphabet: no 0/O, 1/I, 5/S, 8/B mix-ups when read from an email. */
export const OTC_CHARSET = 'ABCDEFGHJKLMNPQRTUVWXYZ2346789';
const INTENT = 'use';

export interface ElevationDeps {
  readonly sessions: SessionManager;
  readonly codes: OneTimeCodeStore;
  readonly notifier: Notifier;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly config: IdentityValidationConfig['elevatedSession'];
  /** Key for the codes' lookup HMAC (derived from storage.encryption_key). */
  readonly hmacKey: Buffer;
  readonly hasSecondFactor: (username: string) => Promise<boolean>;
  readonly passkeyUvTwoFactors: boolean;
}

/** Why an elevated endpoint refused: which step the portal must run first (Authelia's ElevatedForbiddenResponse). */
export type ElevationNeed = 'first_factor' | 'second_factor' | 'elevation';

export type GuardResult =
  | { readonly ok: true; readonly session: UserSession }
  | { readonly ok: false; readonly need: ElevationNeed };

export interface ElevationStatus {
  readonly require_second_factor: boolean;
  readonly skip_second_factor: boolean;
  readonly can_skip_second_factor: boolean;
  readonly factor_knowledge: boolean;
  readonly elevated: boolean;
  readonly expires: number;
}

export type ElevationResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly status: 400 | 403; readonly reason: string };

export function createElevationFlow(deps: ElevationDeps) {
  const cfg = deps.config;
  const level = (s: UserSession) => authLevel(s, { passkeyUvTwoFactors: deps.passkeyUvTwoFactors });
  const load = async (ctx: RequestContext) =>
    (await deps.sessions.load(ctx.cookieHeader, ctx.cookieCfg, {})).session;
  const sign = (s: UserSession, code: string) =>
    createHmac('sha256', deps.hmacKey)
      .update(`${INTENT}\0${s.username}\0${hashSessionId(s.id)}\0${code}`)
      .digest('hex');

  /** The elevation in force for this request, or undefined (an expired or foreign-IP one is removed). */
  async function activeElevation(s: UserSession, ip: string): Promise<UserSession['elevation']> {
    const e = s.elevation;
    if (!e) return undefined;
    if (e.expiresAt > deps.clock.now() && e.ip === ip) return e;
    deps.logger.warn(
      { username: s.username, elevation_ip: e.ip, remote_ip: ip },
      e.ip === ip
        ? 'The user session elevation has expired'
        : 'The user session elevation was created from a different remote IP so it has been destroyed',
    );
    await deps.sessions.update({ ...s, elevation: undefined });
    return undefined;
  }

  async function guard(ctx: RequestContext): Promise<GuardResult> {
    const s = await load(ctx);
    if (!s || level(s) < 1) return { ok: false, need: 'first_factor' };
    if (level(s) >= 2 && cfg.skipSecondFactor) return { ok: true, session: s };
    if (cfg.requireSecondFactor && level(s) < 2 && (await deps.hasSecondFactor(s.username)))
      return { ok: false, need: 'second_factor' };
    if (!(await activeElevation(s, ctx.ip))) return { ok: false, need: 'elevation' };
    return { ok: true, session: s };
  }

  async function status(ctx: RequestContext): Promise<ElevationStatus | undefined> {
    const s = await load(ctx);
    if (!s || level(s) < 1) return undefined;
    const lvl = level(s);
    const has = lvl === 1 ? await deps.hasSecondFactor(s.username) : false;
    const e = await activeElevation(s, ctx.ip);
    return {
      require_second_factor: lvl === 1 && cfg.requireSecondFactor && has,
      skip_second_factor: lvl >= 2 && cfg.skipSecondFactor,
      can_skip_second_factor: lvl === 1 && !cfg.requireSecondFactor && cfg.skipSecondFactor && has,
      factor_knowledge: s.amr.pwd,
      elevated: e !== undefined,
      expires: e ? Math.floor((e.expiresAt - deps.clock.now()) / 1000) : 0,
    };
  }

  /** Emails a new code; returns the id that revokes it, or undefined without a logged-in session. */
  async function start(ctx: RequestContext, portalUrl: string): Promise<string | undefined> {
    const s = await load(ctx);
    if (!s || level(s) < 1) return undefined;
    const now = deps.clock.now();
    const code = randomString(cfg.characters, OTC_CHARSET);
    const publicId = randomBytes(16).toString('base64url');
    await deps.codes.save({
      publicId,
      signature: sign(s, code),
      issuedAt: now,
      issuedIp: ctx.ip,
      expiresAt: now + cfg.codeLifespan,
      username: s.username,
      intent: INTENT,
      code: Buffer.from(code),
    });
    const revoke = new URL(
      `revoke/one-time-code?id=${publicId}`,
      portalUrl.endsWith('/') ? portalUrl : `${portalUrl}/`,
    );
    await deps.notifier
      .send({
        to: { address: s.emails[0] ?? '', name: s.displayName },
        title: 'Confirm your identity',
        template: 'IdentityVerificationOTC',
        values: {
          DisplayName: s.displayName,
          OneTimeCode: code,
          RemoteIP: ctx.ip,
          Domain: ctx.cookieCfg.domain,
          RevocationLinkURL: revoke.toString(),
          RevocationLinkText: 'Revoke',
        },
      })
      .catch((err: unknown) => {
        deps.logger.error({ err, username: s.username }, 'sending the elevation one-time code failed');
        throw err;
      });
    deps.logger.info(
      { event: 'elevation.code.sent', username: s.username, remote_ip: ctx.ip },
      'elevation code sent',
    );
    return publicId;
  }

  async function finish(ctx: RequestContext, input: string): Promise<ElevationResult> {
    const s = await load(ctx);
    if (!s || level(s) < 1) return { ok: false, status: 403, reason: 'anonymous' };
    const code = input.trim().toUpperCase();
    if (code.length === 0 || code.length > 20) return { ok: false, status: 400, reason: 'malformed' };
    const r = await deps.codes.bySignature(sign(s, code));
    const now = deps.clock.now();
    const reason = !r
      ? 'unknown'
      : r.username !== s.username || r.intent !== INTENT || !safeEqual(r.code.toString(), code)
        ? 'mismatch'
        : r.expiresAt <= now
          ? 'expired'
          : r.revokedAt !== undefined
            ? 'revoked'
            : r.consumedAt !== undefined
              ? 'consumed'
              : undefined;
    // consume() is conditional, so of two racing submits of one code only one elevates.
    if (reason || !r || !(await deps.codes.consume(r.id, now, ctx.ip))) {
      deps.logger.warn(
        { event: 'elevation.failed', username: s.username, remote_ip: ctx.ip, reason: reason ?? 'consumed' },
        'Error occurred validating user session elevation One-Time Code challenge',
      );
      return { ok: false, status: 403, reason: reason ?? 'consumed' };
    }
    await deps.sessions.update({
      ...s,
      elevation: { id: r.id, expiresAt: now + cfg.elevationLifespan, ip: ctx.ip },
    });
    deps.logger.info(
      { event: 'elevation.granted', username: s.username, remote_ip: ctx.ip },
      'session elevated',
    );
    return { ok: true };
  }

  /** The revocation link in the email: works without a session (the mail may be read elsewhere). */
  async function revoke(publicId: string, ip: string): Promise<boolean> {
    return deps.codes.revoke(publicId, deps.clock.now(), ip);
  }

  return { guard, status, start, finish, revoke };
}

export type ElevationFlow = ReturnType<typeof createElevationFlow>;
