/**
 * Composition root: Config → a running set of domain objects. Only this folder knows every implementation.
 */
import { createHash } from 'node:crypto';
import { cpus } from 'node:os';
import { createPasswordPolicy, UsersDatabase } from '../authn/index.js';
import { type CompiledAccessControl, compileAccessControl } from '../authz/index.js';
import type { Config } from '../config/index.js';
import { type Clock, PortcullisError, systemClock } from '../core/index.js';
import { createNotifier } from '../notify/index.js';
import { Regulator } from '../regulation/index.js';
import { SessionManager } from '../session/index.js';
import { createAuthorizer } from './authorize-request.js';
import { createElevationFlow } from './elevation.js';
import { createEnrolmentFlow } from './enrolment.js';
import { createHealthCheck } from './health.js';
import { createLimiter } from './limiter.js';
import { createLogger } from './logger.js';
import { createPortalFlows } from './login.js';
import { attachMonitoring } from './monitoring.js';
import { createPasswordCheck } from './password-check.js';
import { createPreferencesFlow } from './preferences.js';
import { createPasswordFlow } from './reset-password.js';
import { type OpenedSessionStore, openSessionStore } from './session-store.js';
import { openStorage } from './storage.js';
import { createWebAuthnFlow } from './webauthn.js';

export interface RuntimeOptions {
  readonly clock?: Clock;
  /** Where logs go when log.file_path is empty (tests capture it). */
  readonly stdout?: { write(msg: string): unknown };
  /** Authelia delays failed Basic checks to 2 s; tests of other behaviour may shorten it. */
  readonly basicFailureDelayMs?: number;
  /** Password verifications at once and waiting (default: cores − 1, at least 1, and 512); tests shrink them. */
  readonly loginLimits?: { readonly concurrency: number; readonly queue: number };
}

export async function createRuntime(config: Config, opts: RuntimeOptions = {}) {
  const clock = opts.clock ?? systemClock;
  const logger = createLogger(config.log, opts.stdout);
  const file = config.authenticationBackend.file;
  if (!file)
    throw new PortcullisError('ERR_CONFIG_INVALID', 'only the file authentication backend is supported');

  // One verification per core but one: a default-cost argon2id verification is ~100 ms of CPU spread over its
  // lanes (bench/argon2-cost.ts), and fewer of them at once leaves the event loop more room (bench S4).
  const limiter = createLimiter(
    opts.loginLimits?.concurrency ?? Math.max(1, cpus().length - 1),
    opts.loginLimits?.queue ?? 512,
  );
  const storage = await openStorage(config.storage, {
    clock,
    // Each login in progress holds a connection for its regulation locks and may need one more for its
    // statements; the rest serve checks and the portal.
    poolSize: Math.max(10, 2 * limiter.concurrency + 4),
    onError: (err) => logger.warn({ event: 'storage.error', err: (err as Error)?.message }, 'storage error'),
  });
  let opened: OpenedSessionStore | undefined;
  let users: UsersDatabase;
  try {
    opened = await openSessionStore(config, storage, clock, logger);
    users = await UsersDatabase.open({ path: file.path, watch: file.watch, search: file.search, logger });
  } catch (e) {
    await opened?.close();
    await storage.close();
    throw e;
  }
  const { store: sessionStore, redis } = opened;
  const acl: CompiledAccessControl = compileAccessControl(config.accessControl);
  const sessions = new SessionManager({
    store: sessionStore,
    cookies: config.session.cookies,
    clock,
    refreshInterval: config.authenticationBackend.refreshInterval,
    refreshUser: async (username) => {
      const u = users.get(username);
      return u ? { displayName: u.displayName, groups: u.groups, emails: u.emails } : undefined;
    },
  });
  const regulator = new Regulator({
    attempts: storage.attempts,
    bans: storage.bans,
    config: config.regulation,
    clock,
    locks: storage.locks,
  });
  const passwordCheck = createPasswordCheck({ users: () => users, regulator, limiter, logger, clock });
  const authorize = createAuthorizer({
    acl: () => acl,
    sessions,
    passwordCheck,
    clock,
    passkeyUvTwoFactors: config.webauthn.experimentalEnablePasskeyUvTwoFactors,
    basicFailureDelayMs: opts.basicFailureDelayMs ?? 2000,
  });
  const flows = createPortalFlows({
    acl: () => acl,
    cookies: config.session.cookies,
    sessions,
    passwordCheck,
    regulator,
    totpStore: storage.totp,
    totp: config.totp,
    clock,
    logger,
  });

  // Account flows (issue 4): the notifier is checked at start-up like Authelia's, unless disabled.
  const notifier = await createNotifier(config.notifier, { clock });
  if (!config.notifier.disableStartupCheck) {
    try {
      await notifier.check();
    } catch (e) {
      notifier.close();
      users.close();
      await opened.close();
      await storage.close();
      throw e;
    }
  }
  const hasSecondFactor = async (username: string) =>
    (await storage.totp.get(username)) !== undefined || (await storage.webauthn.list(username)).length > 0;
  const elevation = createElevationFlow({
    sessions,
    codes: storage.oneTimeCodes,
    notifier,
    clock,
    logger,
    config: config.identityValidation.elevatedSession,
    hmacKey: createHash('sha256').update(`portcullis:otc:${config.storage.encryptionKey}`).digest(),
    hasSecondFactor,
    passkeyUvTwoFactors: config.webauthn.experimentalEnablePasskeyUvTwoFactors,
  });
  const enrolment = createEnrolmentFlow({
    sessions,
    totpStore: storage.totp,
    totp: config.totp,
    clock,
    logger,
    notifier,
  });
  const webauthn = createWebAuthnFlow({
    acl: () => acl,
    cookies: config.session.cookies,
    sessions,
    store: storage.webauthn,
    challenges: storage.webauthnChallenges,
    users: () => users,
    regulator,
    notifier,
    config: config.webauthn,
    clock,
    logger,
  });
  const passwords = createPasswordFlow({
    users: () => users,
    usersPath: file.path,
    hash: file.password,
    policy: createPasswordPolicy(config.passwordPolicy),
    identities: storage.identityVerifications,
    notifier,
    passwordCheck,
    backend: config.authenticationBackend,
    jwt: config.identityValidation.resetPassword,
    clock,
    logger,
  });

  const monitoring = await attachMonitoring({
    config,
    clock,
    logger,
    storage,
    notifier,
    // Gauges read at scrape time: counted in SQL, not by loading every row.
    bansActive: async () => {
      const bans = await storage.bans.list();
      return {
        ip: bans.filter((b) => b.kind === 'ip').length,
        user: bans.filter((b) => b.kind === 'user').length,
      };
    },
    sessionsActive: () => sessionStore.count(),
  });

  return {
    config,
    logger,
    monitoring,
    clock,
    acl,
    users,
    sessions,
    storage,
    regulator,
    authorize,
    flows,
    hasTotp: async (username: string) => (await storage.totp.get(username)) !== undefined,
    hasWebAuthn: async (username: string) => (await storage.webauthn.list(username)).length > 0,
    preferences: createPreferencesFlow({
      preferences: storage.preferences,
      hasTotp: async (username) => (await storage.totp.get(username)) !== undefined,
      hasWebAuthn: async (username) => (await storage.webauthn.list(username)).length > 0,
      // Duo push is not supported: mobile_push is never offered (config rules warn about duo_api).
      enabled: { totp: !config.totp.disable, webauthn: !config.webauthn.disable, mobilePush: false },
      fallback: config.default2faMethod,
      logger,
    }),
    notifier,
    account: { elevation, enrolment, webauthn, passwords },
    sessionStore,
    health: createHealthCheck({
      storage: storage.ping,
      ...(redis ? { sessions: redis.ping } : {}),
    }),
    async close(): Promise<void> {
      await monitoring.close();
      notifier.close();
      users.close();
      await opened.close();
      await storage.close();
      // Asynchronous log destinations must reach the disk before the caller (or the process) moves on.
      await new Promise<void>((r) => logger.flush(() => r()));
    },
  };
}

export type Runtime = Awaited<ReturnType<typeof createRuntime>>;
