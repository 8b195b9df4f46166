/**
 * Password reset and change (D.6): a signed, single-use, revocable reset link (JWT whose jti lives in
 * identity_verification), a short-lived reset grant for the browser that followed it, the password policy, and the
 * users file written back with the configured algorithm.
 */
import { randomBytes } from 'node:crypto';
import { hashPassword, type PasswordPolicy, type UsersDatabase, writeUserPassword } from '../authn/index.js';
import type {
  AuthenticationBackendConfig,
  IdentityValidationConfig,
  PasswordHashConfig,
} from '../config/index.js';
import { type Clock, type Logger, publishSecurityEvent } from '../core/index.js';
import type { Notifier } from '../notify/index.js';
import type { UserSession } from '../session/index.js';
import type { IdentityVerificationStore } from '../storage/index.js';
import { notifyEvent } from './enrolment.js';
import type { PasswordCheck } from './password-check.js';

export const POLICY_MESSAGE = 'Your supplied password does not meet the password policy requirements.';
const ACTION_TOKEN = 'ResetPassword';
const ACTION_GRANT = 'ResetPasswordGrant';

export interface PasswordFlowDeps {
  readonly users: () => UsersDatabase;
  readonly usersPath: string;
  readonly hash: PasswordHashConfig;
  readonly policy: PasswordPolicy;
  readonly identities: IdentityVerificationStore;
  readonly notifier: Notifier;
  readonly passwordCheck: PasswordCheck;
  readonly backend: AuthenticationBackendConfig;
  readonly jwt: IdentityValidationConfig['resetPassword'];
  readonly clock: Clock;
  readonly logger: Logger;
}

export type PasswordResult<T = undefined> =
  | { readonly ok: true; readonly data: T }
  | {
      readonly ok: false;
      readonly status: 400 | 401 | 403;
      readonly reason: string;
      readonly message?: string;
    };

const fail = (status: 400 | 401 | 403, reason: string, message?: string) => ({
  ok: false as const,
  status,
  reason,
  ...(message ? { message } : {}),
});

export function createPasswordFlow(deps: PasswordFlowDeps) {
  const key = new TextEncoder().encode(deps.jwt.jwtSecret);
  const resetDisabled = deps.backend.passwordReset.disable || deps.backend.passwordReset.customUrl !== '';

  async function sendResetMail(
    username: string,
    ip: string,
    portalUrl: string,
    domain: string,
  ): Promise<void> {
    const user = deps.users().get(username);
    if (!user?.emails[0]) return;
    const now = deps.clock.now();
    const jti = randomBytes(16).toString('base64url');
    const exp = now + deps.jwt.jwtLifespan;
    // jose is loaded on first use: it is about 45 ES modules that start-up never needs.
    const { SignJWT } = await import('jose');
    const token = await new SignJWT({ action: ACTION_TOKEN, username: user.username })
      .setProtectedHeader({ alg: deps.jwt.jwtAlgorithm, typ: 'JWT' })
      .setJti(jti)
      .setIssuer('Portcullis')
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(Math.floor(exp / 1000))
      .sign(key);
    await deps.identities.save({
      jti,
      issuedAt: now,
      issuedIp: ip,
      expiresAt: exp,
      username: user.username,
      action: ACTION_TOKEN,
    });
    const base = portalUrl.endsWith('/') ? portalUrl : `${portalUrl}/`;
    const link = new URL(`reset-password/step2?token=${token}`, base).toString();
    const minutes = Math.round(deps.jwt.jwtLifespan / 60_000);
    await deps.notifier.send({
      to: { address: user.emails[0], name: user.displayName },
      title: 'Reset your password',
      template: 'IdentityVerificationJWT',
      values: {
        DisplayName: user.displayName,
        LinkURL: link,
        LinkText: 'Reset',
        LinkExpiresIn:
          minutes >= 1
            ? `${minutes} minute${minutes === 1 ? '' : 's'}`
            : `${Math.round(deps.jwt.jwtLifespan / 1000)} seconds`,
        RevocationLinkURL: new URL(`revoke/reset-password?token=${token}`, base).toString(),
        RevocationLinkText: 'Revoke',
        RemoteIP: ip,
        Domain: domain,
      },
    });
    deps.logger.info(
      { event: 'password.reset.requested', username: user.username, remote_ip: ip },
      'password reset link sent',
    );
  }

  /**
   * Always answers the same, at the same speed: the mail is sent in the background, so neither the answer nor
   * its timing tells whether the user exists.
   */
  function resetStart(username: string, ip: string, portalUrl: string, domain: string): PasswordResult {
    if (resetDisabled) return fail(403, 'reset-disabled');
    const user = deps.users().lookup(username);
    if (user) {
      sendResetMail(user.username, ip, portalUrl, domain).catch((err: unknown) =>
        deps.logger.error({ err, username: user.username }, 'sending the password reset email failed'),
      );
    }
    return { ok: true, data: undefined };
  }

  /** The token's claims when its signature, lifetime and action are right (whatever its storage state). */
  async function verifyToken(token: string): Promise<{ jti: string; username: string } | undefined> {
    const { errors: joseErrors, jwtVerify } = await import('jose');
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: [deps.jwt.jwtAlgorithm],
        currentDate: new Date(deps.clock.now()),
      });
      if (
        payload['action'] !== ACTION_TOKEN ||
        typeof payload.jti !== 'string' ||
        typeof payload['username'] !== 'string'
      )
        return undefined;
      return { jti: payload.jti, username: payload['username'] };
    } catch (e) {
      if (!(e instanceof joseErrors.JOSEError)) throw e;
      return undefined;
    }
  }

  /** Step 2: consumes the link (single use) and returns a grant id the browser keeps in a cookie for step 3. */
  async function resetFinish(
    token: string,
    ip: string,
  ): Promise<PasswordResult<{ grant: string; maxAge: number }>> {
    if (resetDisabled) return fail(403, 'reset-disabled');
    const claims = await verifyToken(token);
    const row = claims ? await deps.identities.get(claims.jti) : undefined;
    const now = deps.clock.now();
    if (!claims || !row || row.action !== ACTION_TOKEN || row.username !== claims.username)
      return fail(403, 'token-invalid');
    if (!(await deps.identities.consume(claims.jti, now, ip))) return fail(403, 'token-used');
    const grant = randomBytes(24).toString('base64url');
    await deps.identities.save({
      jti: grant,
      issuedAt: now,
      issuedIp: ip,
      expiresAt: now + deps.jwt.jwtLifespan,
      username: row.username,
      action: ACTION_GRANT,
    });
    return { ok: true, data: { grant, maxAge: deps.jwt.jwtLifespan } };
  }

  /** DELETE /api/reset-password: a correctly signed token is revoked (the link in an unexpected email). */
  async function revokeToken(token: string, ip: string): Promise<PasswordResult> {
    const claims = await verifyToken(token);
    if (!claims || !(await deps.identities.revoke(claims.jti, deps.clock.now(), ip)))
      return fail(403, 'token-invalid');
    return { ok: true, data: undefined };
  }

  async function store(username: string, password: string, ip: string): Promise<PasswordResult> {
    const user = deps.users().get(username);
    if (!user) return fail(403, 'user-unknown');
    const verdict = deps.policy.check(password, [user.username, user.displayName, ...user.emails]);
    if (!verdict.ok) return fail(400, 'policy', POLICY_MESSAGE);
    await writeUserPassword({
      path: deps.usersPath,
      username: user.username,
      digest: await hashPassword(password, deps.hash),
    });
    await deps.users().reload();
    deps.logger.info(
      { event: 'password.changed', username, remote_ip: ip },
      'password written to the users file',
    );
    return { ok: true, data: undefined };
  }

  /** Step 3: the new password, for the user the grant names (the grant is used up only when it succeeds). */
  async function resetPassword(
    grant: string | undefined,
    password: string,
    ip: string,
    domain: string,
  ): Promise<PasswordResult> {
    if (resetDisabled) return fail(403, 'reset-disabled');
    const row = grant ? await deps.identities.get(grant) : undefined;
    const now = deps.clock.now();
    if (
      !row ||
      row.action !== ACTION_GRANT ||
      row.expiresAt <= now ||
      row.consumedAt !== undefined ||
      row.revokedAt !== undefined
    )
      return fail(403, 'grant-invalid');
    const r = await store(row.username, password, ip);
    if (!r.ok) return r;
    await deps.identities.consume(row.jti, now, ip);
    publishSecurityEvent({ type: 'password.reset', at: now, ip, username: row.username });
    const user = deps.users().get(row.username);
    if (user)
      await notifyEvent(
        deps.notifier,
        { ...user, cookieDomain: domain },
        ip,
        'Password Reset',
        'password',
        'reset',
      );
    return r;
  }

  /** POST /api/change-password (the session is elevated by the http guard). */
  async function changePassword(
    s: UserSession,
    input: { username: string; oldPassword: string; newPassword: string },
    ctx: { ip: string; requestUri: string; requestMethod: string },
  ): Promise<PasswordResult> {
    if (deps.backend.passwordChange.disable) return fail(403, 'change-disabled');
    if (input.username !== s.username) return fail(400, 'username-mismatch');
    const check = await deps.passwordCheck(s.username, input.oldPassword, { ...ctx, authType: '1FA' });
    if (!check.ok) return fail(401, 'old-password-wrong');
    if (input.oldPassword === input.newPassword) return fail(400, 'policy', POLICY_MESSAGE);
    const r = await store(s.username, input.newPassword, ctx.ip);
    if (!r.ok) return r;
    publishSecurityEvent({
      type: 'password.changed',
      at: deps.clock.now(),
      ip: ctx.ip,
      username: s.username,
    });
    await notifyEvent(deps.notifier, s, ctx.ip, 'Password Changed', 'password', 'changed');
    return r;
  }

  return {
    policy: deps.policy.description,
    resetStart,
    resetFinish,
    revokeToken,
    resetPassword,
    changePassword,
  };
}

export type PasswordFlow = ReturnType<typeof createPasswordFlow>;
