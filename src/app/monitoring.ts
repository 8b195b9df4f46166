/**
 * Wires continuous monitoring into a runtime: the audit log, Prometheus metrics and detection all listen to
 * core's diagnostics channels; detections become bans (in the shared ban store) and alerts (webhook POSTs and
 * rate-limited mails through the notifier).
 */
import { randomInt } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { AuditLog, createCheckpointSigner, generateSigningKey, JsonlMirror } from '../audit/index.js';
import type { Config } from '../config/index.js';
import {
  type AuthzEvent,
  CHANNELS,
  type Clock,
  type Logger,
  publishBanEvent,
  publishSecurityEvent,
  type SecurityEvent,
  silentLogger,
  systemClock,
} from '../core/index.js';
import { type Detection, type DetectionInput, Detector } from '../detection/index.js';
import type { Metrics, MetricsServer } from '../metrics/index.js';
import type { Notifier } from '../notify/index.js';
import { SqlAuditStore } from '../storage/audit-sql.js';
import type { AuditStore, SqlClient } from '../storage/index.js';
import { createEmailAlerts } from './alert-mail.js';
import { openStorage } from './storage.js';

/** What monitoring needs from the ban store: the one the Regulator consults before any password work. */
export interface BanWriter {
  ban(kind: 'ip' | 'user', value: string, expiresAt: number, reason: string): Promise<void>;
}

/** What the `bans` CLI needs on top. */
export interface BanAdmin extends BanWriter {
  list(): Promise<readonly { kind: 'ip' | 'user'; value: string; expiresAt: number; reason: string }[]>;
  /** true when a ban in force was lifted. */
  unban(kind: 'ip' | 'user', value: string): Promise<boolean>;
}

export interface MonitoringDeps {
  readonly config: Pick<Config, 'audit' | 'detection' | 'telemetry'>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The runtime's storage: the audit tables live beside the ban store the Regulator reads. */
  readonly storage: { readonly sql: SqlClient; readonly bans: BanWriter };
  /** Overrides the SQL audit store (tests inject a failing one). */
  readonly auditStore?: AuditStore | undefined;
  readonly bansActive?: (() => Promise<{ ip: number; user: number }>) | undefined;
  readonly sessionsActive?: (() => Promise<number>) | undefined;
  /** Injected in tests; the global fetch otherwise. */
  readonly fetch?: typeof fetch;
  /** First webhook retry delay (doubles per attempt). */
  readonly alertRetryMs?: number;
  /** The runtime's notifier, for `detection.alerts.email`; without it email alerts are only logged. */
  readonly notifier?: Notifier | undefined;
}

export interface Monitoring {
  readonly audit: AuditLog | undefined;
  readonly metrics: Metrics | undefined;
  readonly metricsServer: MetricsServer | undefined;
  /** Resolves when queued bans and alerts are done (tests, shutdown). */
  settled(): Promise<void>;
  close(): Promise<void>;
}

const MAX_PENDING_ACTIONS = 1000;

const AUTHN_TYPES: Record<string, Extract<DetectionInput, { kind: 'authn' }>['factor'] | undefined> = {
  password: 'password',
  totp: 'totp',
  webauthn: 'webauthn',
};

/** Audit log, metrics listener and detection, all attached to the event channels. */
export async function attachMonitoring(deps: MonitoringDeps): Promise<Monitoring> {
  const { config, clock, logger } = deps;
  const log = logger.child({ component: 'monitoring' });

  let audit: AuditLog | undefined;
  if (config.audit.enabled) {
    const store = deps.auditStore ?? new SqlAuditStore(deps.storage.sql);
    const key = config.audit.checkpoint.signingKey || (await store.signingKey(generateSigningKey));
    audit = new AuditLog({
      store,
      signer: createCheckpointSigner(key),
      clock,
      logger: log,
      mirror: config.audit.filePath
        ? new JsonlMirror(config.audit.filePath, log, config.audit.maxQueue)
        : undefined,
      checkpointEvery: config.audit.checkpoint.every,
      checkpointIntervalMs: config.audit.checkpoint.interval,
      maxQueue: config.audit.maxQueue,
    });
  }

  let metrics: Metrics | undefined;
  let metricsServer: MetricsServer | undefined;
  if (config.telemetry.metrics.enabled) {
    // prom-client (and its default collectors) load only when metrics are on: about 40 ms of start-up.
    const { createMetrics, startMetricsServer } = await import('../metrics/index.js');
    metrics = createMetrics({ bansActive: deps.bansActive, sessionsActive: deps.sessionsActive });
    metricsServer = await startMetricsServer(metrics.registry, config.telemetry.metrics.address);
  }

  const detector = config.detection.enabled ? new Detector(config.detection) : undefined;
  const pending = new Set<Promise<void>>();
  const track = (p: Promise<void>) => {
    if (pending.size >= MAX_PENDING_ACTIONS) {
      log.error(
        { pending: pending.size },
        'monitoring action queue full: a ban or alert was not carried out',
      );
      return;
    }
    const q = p.catch((err: unknown) => log.error({ err }, 'monitoring action failed'));
    pending.add(q);
    void q.finally(() => pending.delete(q));
  };
  const doFetch = deps.fetch ?? fetch;
  const webhook = config.detection.alerts.webhook;
  const retryMs = deps.alertRetryMs ?? 1000;
  const emailCfg = config.detection.alerts.email;
  const email =
    detector && emailCfg && deps.notifier
      ? createEmailAlerts({
          notifier: deps.notifier,
          recipients: emailCfg.recipients,
          intervalMs: emailCfg.interval,
          clock,
          logger: log,
        })
      : undefined;

  async function postAlert(d: Detection): Promise<void> {
    if (!webhook) return;
    const body = JSON.stringify({
      source: 'portcullis',
      rule: d.rule,
      key: d.key,
      count: d.count,
      window_ms: d.windowMs,
      at: new Date(d.at).toISOString(),
      message: d.message,
      banned_ips: d.banIps,
      banned_users: d.banUsers,
      ban_until:
        d.banIps.length || d.banUsers.length ? new Date(d.at + d.banDurationMs).toISOString() : undefined,
    });
    let lastError = '';
    for (let attempt = 0; attempt <= webhook.retries; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, retryMs * 2 ** (attempt - 1)).unref());
      try {
        const res = await doFetch(webhook.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...webhook.headers },
          body,
          signal: AbortSignal.timeout(webhook.timeout),
        });
        if (res.ok) return;
        lastError = `HTTP ${res.status}`;
      } catch (err) {
        lastError = (err as Error).message;
      }
    }
    log.error(
      { rule: d.rule, key: d.key, attempts: webhook.retries + 1, error: lastError },
      'alert webhook failed',
    );
  }

  async function ban(kind: 'ip' | 'user', value: string, d: Detection): Promise<void> {
    const until = d.at + d.banDurationMs;
    await deps.storage.bans.ban(kind, value, until, `detection:${d.rule}`);
    publishBanEvent({ action: 'added', kind, value, source: 'detection' });
    publishSecurityEvent({
      type: 'ban.added',
      at: clock.now(),
      ...(kind === 'ip' ? { ip: value } : { username: value }),
      detail: { kind, value, until, source: 'detection', rule: d.rule },
    });
  }

  function act(detections: readonly Detection[]): void {
    for (const d of detections) {
      log.warn(
        {
          event: 'detection.triggered',
          rule: d.rule,
          key: d.key,
          count: d.count,
          ban_ips: d.banIps,
          ban_users: d.banUsers,
        },
        d.message,
      );
      const actions = [
        ...(d.banIps.length ? ['ban_ip'] : []),
        ...(d.banUsers.length ? ['ban_user'] : []),
        ...(d.alert ? ['alert'] : []),
        ...(d.email ? ['email'] : []),
      ];
      publishSecurityEvent({
        type: 'detection.triggered',
        at: d.at,
        detail: {
          rule: d.rule,
          key: d.key,
          count: d.count,
          window_ms: d.windowMs,
          actions: actions.join(','),
        },
      });
      for (const ip of d.banIps) track(ban('ip', ip, d));
      for (const u of d.banUsers) track(ban('user', u, d));
      if (d.alert) track(postAlert(d));
      if (email && (d.alert || d.email)) track(email.alert(d, actions));
    }
  }

  const sampleEvery = Math.max(1, Math.round(1 / (config.audit.authzSampleRate || 1)));
  const onSecurity = (m: unknown) => {
    const e = m as SecurityEvent;
    audit?.append(e);
    if (!detector) return;
    const [noun, factor, verb] = e.type.split('.');
    const f = factor ? AUTHN_TYPES[factor] : undefined;
    if (noun === 'authn' && f && (verb === 'succeeded' || verb === 'failed' || verb === 'banned')) {
      act(
        detector.observe({
          kind: 'authn',
          at: e.at,
          ip: e.ip ?? '',
          username: e.username ?? '',
          factor: f,
          result: verb,
        }),
      );
    }
  };
  const onAuthz = (m: unknown) => {
    const e = m as AuthzEvent;
    const allowed = e.status >= 200 && e.status < 300;
    const record =
      !allowed ||
      config.audit.authzAllowed === 'all' ||
      (config.audit.authzAllowed === 'sampled' && randomInt(sampleEvery) === 0);
    if (audit && record) {
      audit.append({
        type: allowed ? 'authz.allowed' : 'authz.denied',
        at: e.at,
        ip: e.ip,
        username: e.username,
        detail: {
          status: e.status,
          outcome: e.outcome,
          policy: e.policy,
          rule: e.rule,
          method: e.method,
          url: e.url,
          endpoint: e.endpoint,
        },
      });
    }
    if (detector) {
      act(
        detector.observe({
          kind: 'authz',
          at: e.at,
          ip: e.ip,
          username: e.username,
          status: e.status,
          session: e.session,
        }),
      );
    }
  };
  subscribe(CHANNELS.security, onSecurity);
  subscribe(CHANNELS.authz, onAuthz);

  const settled = async () => {
    while (pending.size) await Promise.all([...pending]);
  };

  return {
    audit,
    metrics,
    metricsServer,
    settled,
    async close() {
      unsubscribe(CHANNELS.security, onSecurity);
      unsubscribe(CHANNELS.authz, onAuthz);
      await settled();
      // Held detections go out in one last digest rather than vanish with the process.
      await email?.close();
      metrics?.close();
      await metricsServer?.close();
      await audit?.close();
    },
  };
}

/** Storage access for the offline CLI (`audit`, `bans`): the audit store, the ban store, and one-off audit records. */
export async function openMonitoringStorage(config: Config) {
  const storage = await openStorage(config.storage, { clock: systemClock });
  const audit = new SqlAuditStore(storage.sql);
  const bans: BanAdmin = storage.bans;
  return {
    audit,
    bans,
    sql: storage.sql,
    /** Appends one event (a manual ban, say) to the shared chain, with the configured or stored key. */
    async record(event: SecurityEvent): Promise<void> {
      if (!config.audit.enabled) return;
      const key = config.audit.checkpoint.signingKey || (await audit.signingKey(generateSigningKey));
      const log = new AuditLog({
        store: audit,
        signer: createCheckpointSigner(key),
        clock: systemClock,
        logger: silentLogger,
        checkpointEvery: Number.MAX_SAFE_INTEGER,
        checkpointIntervalMs: 0,
        maxQueue: 1,
      });
      log.append(event);
      await log.flush();
    },
    close: () => storage.close(),
  };
}
