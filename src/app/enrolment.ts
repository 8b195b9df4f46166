/**
 * TOTP enrolment as Authelia does it (D.3): the options allowed by `totp.allowed_*`, a secret generated for the
 * user's choice and kept in the session (shown once), saved only after a correct code proves the app has it.
 */
import { newTotpRecord, secretFromBase32, totpCode, totpSecretBase32, totpUri } from '../authn/index.js';
import type { TotpConfig } from '../config/index.js';
import { type Clock, type Logger, publishSecurityEvent, safeEqual } from '../core/index.js';
import type { Notifier } from '../notify/index.js';
import type { SessionManager, UserSession } from '../session/index.js';
import type { TotpRecord, TotpStore } from '../storage/index.js';

type Algorithm = TotpRecord['algorithm'];

export interface EnrolmentDeps {
  readonly sessions: SessionManager;
  readonly totpStore: TotpStore;
  readonly totp: TotpConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly notifier: Notifier;
}

/** How long a generated secret waits in the session for its confirming code. */
export const PENDING_TOTP_LIFESPAN = 10 * 60_000;

export type EnrolmentResult<T = undefined> =
  | { readonly ok: true; readonly data: T }
  | { readonly ok: false; readonly status: 400 | 401 | 403 | 404; readonly reason: string };

const uniq = <T>(xs: readonly T[]) => [...new Set(xs)];

export function createEnrolmentFlow(deps: EnrolmentDeps) {
  const cfg = deps.totp;
  // The configured default is always a permitted choice (Authelia adds it to allowed_*).
  const algorithms = uniq<Algorithm>([cfg.algorithm, ...cfg.allowedAlgorithms]);
  const lengths = uniq<6 | 8>([cfg.digits, ...cfg.allowedDigits]);
  const periods = uniq([cfg.period, ...cfg.allowedPeriods]);

  function options() {
    return { algorithm: cfg.algorithm, algorithms, length: cfg.digits, lengths, period: cfg.period, periods };
  }

  async function configuration(username: string) {
    const r = await deps.totpStore.get(username);
    if (!r) return undefined;
    return {
      created_at: new Date(r.createdAt).toISOString(),
      ...(r.lastUsedAt !== undefined ? { last_used_at: new Date(r.lastUsedAt).toISOString() } : {}),
      issuer: r.issuer,
      algorithm: r.algorithm,
      digits: r.digits as 6 | 8,
      period: r.period,
    };
  }

  async function start(
    s: UserSession,
    choice: { algorithm: unknown; length: unknown; period: unknown },
  ): Promise<EnrolmentResult<{ base32_secret: string; otpauth_url: string }>> {
    const algorithm = algorithms.find((a) => a === choice.algorithm);
    const digits = lengths.find((l) => l === choice.length);
    const period = periods.find((p) => p === choice.period);
    if (!algorithm || !digits || !period) return { ok: false, status: 400, reason: 'choice-not-allowed' };
    const now = deps.clock.now();
    const record = newTotpRecord(s.username, cfg, now, { algorithm, digits, period });
    const secret = totpSecretBase32(record);
    await deps.sessions.update({
      ...s,
      pendingTotp: {
        issuer: cfg.issuer,
        algorithm,
        digits,
        period,
        secret,
        expiresAt: now + PENDING_TOTP_LIFESPAN,
      },
    });
    return { ok: true, data: { base32_secret: secret, otpauth_url: totpUri(record) } };
  }

  async function finish(s: UserSession, token: string, ip: string): Promise<EnrolmentResult> {
    const p = s.pendingTotp;
    const now = deps.clock.now();
    if (!p || p.expiresAt <= now) return { ok: false, status: 403, reason: 'no-pending-registration' };
    const record: TotpRecord = {
      username: s.username,
      issuer: p.issuer,
      algorithm: p.algorithm as Algorithm,
      digits: p.digits,
      period: p.period,
      secret: secretFromBase32(p.secret) ?? Buffer.alloc(0),
      createdAt: now,
      lastUsedAt: undefined,
    };
    const step = matchingStep(record, token, now, cfg.skew);
    if (step === undefined) return { ok: false, status: 401, reason: 'invalid-code' };
    await deps.totpStore.save(record);
    // The confirming code is burnt (it cannot also serve as a second factor right after) but is not a sign-in:
    // the device shows "never used" until it is used to sign in.
    await deps.totpStore.markUsed(s.username, step, now, false);
    await deps.sessions.update({ ...s, pendingTotp: undefined });
    deps.logger.info({ event: 'totp.registered', username: s.username, remote_ip: ip }, 'TOTP registered');
    publishSecurityEvent({
      type: 'device.registered',
      at: now,
      ip,
      username: s.username,
      detail: { kind: 'totp' },
    });
    await notifyEvent(deps.notifier, s, ip, 'Second Factor Method Added', 'One-Time Password', 'added');
    return { ok: true, data: undefined };
  }

  async function cancel(s: UserSession): Promise<void> {
    if (s.pendingTotp) await deps.sessions.update({ ...s, pendingTotp: undefined });
  }

  async function remove(s: UserSession, ip: string): Promise<EnrolmentResult> {
    if (!(await deps.totpStore.delete(s.username)))
      return { ok: false, status: 404, reason: 'not-registered' };
    deps.logger.info({ event: 'totp.deleted', username: s.username, remote_ip: ip }, 'TOTP deleted');
    publishSecurityEvent({
      type: 'device.removed',
      at: deps.clock.now(),
      ip,
      username: s.username,
      detail: { kind: 'totp' },
    });
    await notifyEvent(deps.notifier, s, ip, 'Second Factor Method Removed', 'One-Time Password', 'removed');
    return { ok: true, data: undefined };
  }

  return { options, configuration, start, finish, cancel, remove };
}

export type EnrolmentFlow = ReturnType<typeof createEnrolmentFlow>;

/** The time step a code belongs to within ±skew periods, compared in constant time. */
function matchingStep(r: TotpRecord, token: string, now: number, skew: number): number | undefined {
  if (!/^\d+$/.test(token) || token.length !== r.digits) return undefined;
  let found: number | undefined;
  for (let d = -skew; d <= skew; d++) {
    const at = now + d * r.period * 1000;
    if (safeEqual(totpCode(r, at), token)) found ??= Math.floor(at / 1000 / r.period);
  }
  return found;
}

/** The "something changed on your account" email (Authelia's Event template). */
export async function notifyEvent(
  notifier: Notifier,
  s: { displayName: string; emails: readonly string[]; cookieDomain: string },
  ip: string,
  title: string,
  what: string,
  verb: string,
): Promise<void> {
  if (!s.emails[0]) return;
  await notifier.send({
    to: { address: s.emails[0], name: s.displayName },
    title,
    template: 'Event',
    values: {
      DisplayName: s.displayName,
      BodyPrefix: 'A ',
      BodyEvent: what,
      BodySuffix: ` was ${verb} on your account.`,
      Details: `${title}: ${what}`,
      RemoteIP: ip,
      Domain: s.cookieDomain,
    },
  });
}
