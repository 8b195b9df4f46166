/**
 * WebAuthn flows: register (elevated), list/rename/delete, second-factor assertion and passkey first-factor login.
 * The RP ID is the portal's host and the only accepted origin is the portal's origin; each challenge is single
 * use and bound to the session (or, for a passkey login, to nothing but itself) that asked for it.
 */
import { randomBytes } from 'node:crypto';
import {
  assertionIds,
  authenticationOptions,
  registrationOptions,
  responseChallenge,
  type UsersDatabase,
  verifyAssertion,
  verifyRegistration,
} from '../authn/index.js';
import type { CompiledAccessControl } from '../authz/index.js';
import type { SessionCookieConfig, WebauthnConfig } from '../config/index.js';
import { type Clock, type Logger, publishSecurityEvent } from '../core/index.js';
import type { Notifier } from '../notify/index.js';
import type { Regulator } from '../regulation/index.js';
import { authLevel, hashSessionId, type SessionManager, type UserSession } from '../session/index.js';
import type { WebAuthnChallengeStore, WebAuthnCredentialRecord, WebAuthnStore } from '../storage/index.js';
import { isConflict } from '../storage/repositories.js';
import { notifyEvent } from './enrolment.js';
import type { FlowResult, RequestContext } from './login.js';
import { redirectAfterFirstFactor, redirectAfterSecondFactor } from './redirect.js';

export interface WebAuthnDeps {
  readonly acl: () => CompiledAccessControl;
  readonly cookies: readonly SessionCookieConfig[];
  readonly sessions: SessionManager;
  readonly store: WebAuthnStore;
  readonly challenges: WebAuthnChallengeStore;
  readonly users: () => UsersDatabase;
  readonly regulator: Regulator;
  readonly notifier: Notifier;
  readonly config: WebauthnConfig;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** Where the ceremony runs: the portal's host (RP ID) and origin, as the browser sees them. */
export interface RelyingParty {
  readonly rpId: string;
  readonly origin: string;
}

export type WebAuthnResult<T = undefined> =
  | { readonly ok: true; readonly data: T }
  | { readonly ok: false; readonly status: 400 | 401 | 403 | 404 | 409; readonly reason: string };

const MAX_DESCRIPTION = 64;
const fail = (status: 400 | 401 | 403 | 404 | 409, reason: string) => ({
  ok: false as const,
  status,
  reason,
});

export function credentialInfo(c: WebAuthnCredentialRecord) {
  return {
    id: String(c.id),
    created_at: new Date(c.createdAt).toISOString(),
    ...(c.lastUsedAt !== undefined ? { last_used_at: new Date(c.lastUsedAt).toISOString() } : {}),
    rpid: c.rpid,
    description: c.description,
    ...(c.aaguid ? { aaguid: c.aaguid } : {}),
    attestation_type: c.attestationType,
    attachment: c.attachment,
    transports: c.transports.length ? [...c.transports] : null,
    sign_count: c.signCount,
    clone_warning: c.cloneWarning,
    discoverable: c.discoverable,
    verified: c.verified,
    backup_eligible: c.backupEligible,
    backup_state: c.backupState,
  };
}

export function createWebAuthnFlow(deps: WebAuthnDeps) {
  const cfg = deps.config;
  const level = (s: UserSession) =>
    authLevel(s, { passkeyUvTwoFactors: cfg.experimentalEnablePasskeyUvTwoFactors });
  const load = async (ctx: RequestContext) =>
    (await deps.sessions.load(ctx.cookieHeader, ctx.cookieCfg, {})).session;
  const rctx = (c: SessionCookieConfig) => ({ acl: deps.acl(), cookies: deps.cookies, cookieCfg: c });
  const newHandle = () => randomBytes(32).toString('base64url');

  /** Takes the challenge the response names, if it is of `kind` and bound to `binding` (single use either way). */
  async function takeChallenge(response: unknown, kind: 'register' | 'assert' | 'passkey', binding: string) {
    const challenge = responseChallenge(response);
    if (!challenge) return undefined;
    const c = await deps.challenges.take(challenge, deps.clock.now());
    return c && c.kind === kind && c.binding === binding ? c : undefined;
  }

  async function registerStart(s: UserSession, rp: RelyingParty, description: string) {
    const d = description.trim();
    if (!d || [...d].length > MAX_DESCRIPTION) return fail(400, 'description-invalid');
    const existing = await deps.store.list(s.username, rp.rpId);
    if (existing.some((c) => c.description.toLowerCase() === d.toLowerCase()))
      return fail(409, 'description-taken');
    const handle = await deps.store.userHandle(rp.rpId, s.username, newHandle);
    const options = await registrationOptions(cfg, {
      rpId: rp.rpId,
      user: { username: s.username, displayName: s.displayName, handle },
      exclude: existing,
    });
    const now = deps.clock.now();
    await deps.challenges.put(
      {
        challenge: options.challenge,
        kind: 'register',
        username: s.username,
        binding: hashSessionId(s.id),
        data: JSON.stringify({ description: d, rpId: rp.rpId }),
        expiresAt: now + cfg.timeout,
      },
      now,
    );
    return { ok: true as const, data: { publicKey: options } };
  }

  async function registerFinish(
    s: UserSession,
    rp: RelyingParty,
    response: unknown,
    ip: string,
  ): Promise<WebAuthnResult> {
    const c = await takeChallenge(response, 'register', hashSessionId(s.id));
    if (!c || c.username !== s.username) return fail(400, 'challenge-unknown');
    const data = JSON.parse(c.data) as { description: string; rpId: string };
    if (data.rpId !== rp.rpId) return fail(400, 'rpid-mismatch');
    const v = await verifyRegistration(cfg, {
      response,
      challenge: c.challenge,
      origin: rp.origin,
      rpId: rp.rpId,
    });
    if (!v.ok) {
      deps.logger.warn(
        { event: 'webauthn.register.failed', username: s.username, reason: v.reason, detail: v.detail },
        'WebAuthn registration refused',
      );
      return fail(400, v.reason);
    }
    if (await deps.store.byKid(v.credential.kid)) return fail(409, 'credential-exists');
    const cred = v.credential;
    try {
      await deps.store.save({
        createdAt: deps.clock.now(),
        rpid: rp.rpId,
        username: s.username,
        description: data.description,
        kid: cred.kid,
        aaguid: cred.aaguid,
        attestationType: cred.attestationType,
        attachment: cred.attachment,
        transports: cred.transports,
        signCount: cred.signCount,
        cloneWarning: false,
        discoverable: cred.discoverable,
        present: true,
        verified: cred.verified,
        backupEligible: cred.backupEligible,
        backupState: cred.backupState,
        publicKey: cred.publicKey,
        attestation: cred.attestation,
      });
    } catch (e) {
      // Two tabs finishing with the same description: the unique index decides, the loser is told.
      if (isConflict(e)) return fail(409, 'description-taken');
      throw e;
    }
    deps.logger.info(
      { event: 'webauthn.registered', username: s.username, remote_ip: ip },
      'WebAuthn credential registered',
    );
    publishSecurityEvent({
      type: 'device.registered',
      at: deps.clock.now(),
      ip,
      username: s.username,
      detail: { kind: 'webauthn' },
    });
    await notifyEvent(
      deps.notifier,
      s,
      ip,
      'Second Factor Method Added',
      `WebAuthn credential '${data.description}'`,
      'added',
    );
    return { ok: true, data: undefined };
  }

  async function list(username: string) {
    return (await deps.store.list(username)).map(credentialInfo);
  }

  async function rename(s: UserSession, id: number, description: string): Promise<WebAuthnResult> {
    const d = description.trim();
    if (!d || [...d].length > MAX_DESCRIPTION) return fail(400, 'description-invalid');
    try {
      return (await deps.store.rename(s.username, id, d))
        ? { ok: true, data: undefined }
        : fail(404, 'not-found');
    } catch (e) {
      if (isConflict(e)) return fail(409, 'description-taken');
      throw e;
    }
  }

  async function remove(s: UserSession, id: number, ip: string): Promise<WebAuthnResult> {
    if (!(await deps.store.delete(s.username, id))) return fail(404, 'not-found');
    deps.logger.info(
      { event: 'webauthn.deleted', username: s.username, remote_ip: ip },
      'WebAuthn credential deleted',
    );
    publishSecurityEvent({
      type: 'device.removed',
      at: deps.clock.now(),
      ip,
      username: s.username,
      detail: { kind: 'webauthn' },
    });
    await notifyEvent(
      deps.notifier,
      s,
      ip,
      'Second Factor Method Removed',
      'A WebAuthn credential',
      'removed',
    );
    return { ok: true, data: undefined };
  }

  async function assertionStart(ctx: RequestContext, rp: RelyingParty) {
    const s = await load(ctx);
    if (!s || level(s) < 1) return fail(401, 'not-authenticated');
    const creds = await deps.store.list(s.username, rp.rpId);
    if (!creds.length) return fail(404, 'no-credentials');
    const options = await authenticationOptions(cfg, { rpId: rp.rpId, allow: creds });
    const now = deps.clock.now();
    await deps.challenges.put(
      {
        challenge: options.challenge,
        kind: 'assert',
        username: s.username,
        binding: hashSessionId(s.id),
        data: '{}',
        expiresAt: now + cfg.timeout,
      },
      now,
    );
    return { ok: true as const, data: { publicKey: options } };
  }

  /** Verifies an assertion against the stored credential and records the use (or the clone warning). */
  async function check(
    response: unknown,
    challenge: string,
    rp: RelyingParty,
    username: string,
    requireUserVerification?: boolean,
  ) {
    const ids = assertionIds(response);
    const cred = ids ? await deps.store.byKid(ids.kid) : undefined;
    if (!cred || cred.username !== username || cred.rpid !== rp.rpId)
      return { ok: false as const, reason: 'credential-unknown' };
    const v = await verifyAssertion(cfg, {
      response,
      challenge,
      origin: rp.origin,
      rpId: rp.rpId,
      credential: cred,
      ...(requireUserVerification !== undefined ? { requireUserVerification } : {}),
    });
    const now = deps.clock.now();
    if (!v.ok) {
      if (v.reason === 'counter')
        await deps.store.updateUse(cred.id, {
          signCount: cred.signCount,
          cloneWarning: true,
          backupState: cred.backupState,
          lastUsedAt: cred.lastUsedAt ?? cred.createdAt,
        });
      return { ok: false as const, reason: v.reason };
    }
    await deps.store.updateUse(cred.id, {
      signCount: v.signCount,
      cloneWarning: cred.cloneWarning,
      backupState: v.backupState,
      lastUsedAt: now,
    });
    return { ok: true as const, cred, userVerified: v.userVerified };
  }

  async function record(
    username: string,
    ctx: RequestContext,
    ok: boolean,
    reason: string,
    authType: string,
  ) {
    await deps.regulator.mark({
      username,
      ip: ctx.ip,
      successful: ok,
      authType,
      requestUri: ctx.requestUri,
      requestMethod: ctx.requestMethod,
    });
    deps.logger.info(
      {
        event: ok ? 'authn.webauthn.succeeded' : 'authn.webauthn.failed',
        username,
        remote_ip: ctx.ip,
        reason,
      },
      `${ok ? 'Successful' : 'Unsuccessful'} ${authType} authentication attempt by user '${username}'`,
    );
    publishSecurityEvent({
      type: ok ? 'authn.webauthn.succeeded' : 'authn.webauthn.failed',
      at: deps.clock.now(),
      ip: ctx.ip,
      username,
      ...(ok ? {} : { detail: { reason } }),
    });
  }

  async function assertionFinish(
    ctx: RequestContext,
    rp: RelyingParty,
    response: unknown,
    targetURL: string | undefined,
  ): Promise<FlowResult> {
    const s = await load(ctx);
    if (!s || level(s) < 1) return { ok: false, status: 401, reason: 'not-authenticated' };
    const c = await takeChallenge(response, 'assert', hashSessionId(s.id));
    if (!c || c.username !== s.username) {
      await record(s.username, ctx, false, 'challenge-unknown', 'WebAuthn');
      return { ok: false, status: 401, reason: 'challenge-unknown' };
    }
    const ban = await deps.regulator.check(s.username, ctx.ip);
    const v = ban.banned
      ? { ok: false as const, reason: 'banned' }
      : await check(response, c.challenge, rp, s.username);
    await record(s.username, ctx, v.ok, v.ok ? 'ok' : v.reason, 'WebAuthn');
    if (!v.ok) return { ok: false, status: 401, reason: v.reason };
    const { setCookie } = await deps.sessions.create(ctx.cookieCfg, s, {
      keepMeLoggedIn: s.keepMeLoggedIn,
      ip: ctx.ip,
      previous: s,
      amr: { ...s.amr, webauthn: true, hwk: v.cred.attachment === 'cross-platform', uv: v.userVerified },
      firstFactorAt: s.firstFactorAt,
    });
    const redirect = redirectAfterSecondFactor(rctx(ctx.cookieCfg), targetURL);
    return { ok: true, setCookie, ...(redirect ? { redirect } : {}) };
  }

  async function passkeyStart(rp: RelyingParty) {
    if (!cfg.enablePasskeyLogin) return fail(403, 'passkey-login-disabled');
    const options = await authenticationOptions(cfg, { rpId: rp.rpId, allow: undefined });
    const now = deps.clock.now();
    await deps.challenges.put(
      {
        challenge: options.challenge,
        kind: 'passkey',
        username: '',
        binding: '',
        data: '{}',
        expiresAt: now + cfg.timeout,
      },
      now,
    );
    return { ok: true as const, data: { publicKey: options } };
  }

  async function passkeyFinish(
    ctx: RequestContext,
    rp: RelyingParty,
    input: {
      response: unknown;
      keepMeLoggedIn: boolean;
      targetURL: string | undefined;
      requestMethod: string | undefined;
    },
  ): Promise<FlowResult> {
    if (!cfg.enablePasskeyLogin) return { ok: false, status: 403, reason: 'passkey-login-disabled' };
    const c = await takeChallenge(input.response, 'passkey', '');
    const ids = assertionIds(input.response);
    const owner = ids?.userHandle ? await deps.store.userByHandle(rp.rpId, ids.userHandle) : undefined;
    const user = owner ? deps.users().get(owner) : undefined;
    if (!c || !user) {
      if (owner) await record(owner, ctx, false, c ? 'user-unknown' : 'challenge-unknown', 'Passkey');
      return { ok: false, status: 401, reason: c ? 'user-unknown' : 'challenge-unknown' };
    }
    const ban = await deps.regulator.check(user.username, ctx.ip);
    const v = ban.banned
      ? { ok: false as const, reason: 'banned' }
      : await check(input.response, c.challenge, rp, user.username);
    await record(user.username, ctx, v.ok, v.ok ? 'ok' : v.reason, 'Passkey');
    if (!v.ok) return { ok: false, status: 401, reason: v.reason };
    const previous = await load(ctx);
    const { session, setCookie } = await deps.sessions.create(ctx.cookieCfg, user, {
      keepMeLoggedIn: input.keepMeLoggedIn && ctx.cookieCfg.rememberMe > 0,
      ip: ctx.ip,
      previous,
      amr: { webauthn: true, hwk: v.cred.attachment === 'cross-platform', uv: v.userVerified },
    });
    const redirect =
      level(session) >= 2
        ? redirectAfterSecondFactor(rctx(ctx.cookieCfg), input.targetURL)
        : redirectAfterFirstFactor(rctx(ctx.cookieCfg), user, ctx.ip, input.targetURL, input.requestMethod);
    return { ok: true, setCookie, ...(redirect ? { redirect } : {}) };
  }

  return {
    registerStart,
    registerFinish,
    list,
    rename,
    remove,
    assertionStart,
    assertionFinish,
    passkeyStart,
    passkeyFinish,
  };
}

export type WebAuthnFlow = ReturnType<typeof createWebAuthnFlow>;
