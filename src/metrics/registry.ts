/**
 * The Prometheus registry: Authelia's metric names (counters without `_total`, as Authelia exposes them) plus
 * `portcullis_*` ones, fed only by the diagnostics channels in core/events.ts.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import {
  type AuditAppendEvent,
  type AuthzEvent,
  type BanEvent,
  CHANNELS,
  type RequestEvent,
  type SecurityEvent,
} from '../core/index.js';

/** Authelia's authn duration buckets (internal/metrics/prometheus.go), in seconds. */
const AUTHN_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60,
];
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 20, 30, 40, 50, 60];
const CHECK_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
];

export interface MetricsSources {
  /** Bans in force right now, read at scrape time. */
  readonly bansActive?: (() => Promise<{ ip: number; user: number }>) | undefined;
  /** Sessions not yet expired, read at scrape time. */
  readonly sessionsActive?: (() => Promise<number>) | undefined;
}

export interface Metrics {
  readonly registry: Registry;
  /** Every metric name the registry exposes (histograms as their base name). */
  readonly names: readonly string[];
  /** Stops listening to the channels. */
  close(): void;
}

const SECOND_FACTOR: Record<string, string> = { totp: 'totp', webauthn: 'webauthn' };

export function createMetrics(sources: MetricsSources = {}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const r = [registry];

  const request = new Counter({
    name: 'authelia_request',
    help: 'HTTP requests answered',
    labelNames: ['code', 'method'],
    registers: r,
  });
  const authz = new Counter({
    name: 'authelia_authz',
    help: 'Authz endpoint answers',
    labelNames: ['code'],
    registers: r,
  });
  const authn = new Counter({
    name: 'authelia_authn',
    help: 'First factor attempts',
    labelNames: ['success', 'banned'],
    registers: r,
  });
  const passkey = new Counter({
    name: 'authelia_authn_passkey',
    help: 'Passkey logins',
    labelNames: ['success'],
    registers: r,
  });
  const secondFactor = new Counter({
    name: 'authelia_authn_second_factor',
    help: 'Second factor attempts',
    labelNames: ['success', 'banned', 'type'],
    registers: r,
  });
  const authnDuration = new Histogram({
    name: 'authelia_authn_duration',
    help: 'Time an authentication attempt took, in seconds',
    labelNames: ['success'],
    buckets: AUTHN_BUCKETS,
    registers: r,
  });
  const requestDuration = new Histogram({
    name: 'authelia_request_duration',
    help: 'Time taken to answer an HTTP request, in seconds',
    labelNames: ['code'],
    buckets: REQUEST_BUCKETS,
    registers: r,
  });
  // Kept so dashboards built for Authelia find the series; Portcullis has no OpenID Connect endpoints yet.
  new Histogram({
    name: 'authelia_request_duration_openid_connect',
    help: 'Time taken to answer an OpenID Connect request, in seconds (no OIDC endpoints in Portcullis)',
    labelNames: ['endpoint', 'code'],
    buckets: REQUEST_BUCKETS,
    registers: r,
  });

  const decisions = new Counter({
    name: 'portcullis_authz_decisions_total',
    help: 'Authz decisions by policy and outcome',
    labelNames: ['policy', 'outcome'],
    registers: r,
  });
  const checkDuration = new Histogram({
    name: 'portcullis_authz_check_duration_seconds',
    help: 'Time an authz endpoint took to decide, in seconds',
    labelNames: ['endpoint'],
    buckets: CHECK_BUCKETS,
    registers: r,
  });
  const auditAppends = new Counter({
    name: 'portcullis_audit_appends_total',
    help: 'Audit entries stored (result=ok) or lost while storage was failing (result=dropped)',
    labelNames: ['result'],
    registers: r,
  });
  const securityEvents = new Counter({
    name: 'portcullis_security_events_total',
    help: 'Security events by type (noun.verb)',
    labelNames: ['type'],
    registers: r,
  });
  const detections = new Counter({
    name: 'portcullis_detections_total',
    help: 'Detection rules that crossed their threshold',
    labelNames: ['rule'],
    registers: r,
  });
  const banChanges = new Counter({
    name: 'portcullis_ban_changes_total',
    help: 'Bans added or lifted, by kind and source',
    labelNames: ['action', 'kind', 'source'],
    registers: r,
  });
  new Gauge({
    name: 'portcullis_bans_active',
    help: 'Bans in force',
    labelNames: ['kind'],
    registers: r,
    async collect() {
      if (!sources.bansActive) return;
      const n = await sources.bansActive();
      this.set({ kind: 'ip' }, n.ip);
      this.set({ kind: 'user' }, n.user);
    },
  });
  new Gauge({
    name: 'portcullis_sessions_active',
    help: 'Sessions that have not expired',
    registers: r,
    async collect() {
      if (sources.sessionsActive) this.set(await sources.sessionsActive());
    },
  });

  const bool = (b: boolean) => (b ? 'true' : 'false');
  const onSecurity = (m: unknown) => {
    const e = m as SecurityEvent;
    securityEvents.inc({ type: e.type });
    const [noun, kind, verb] = e.type.split('.');
    if (noun === 'authn' && verb !== undefined) {
      const success = verb === 'succeeded';
      const banned = verb === 'banned';
      if (kind === 'password') authn.inc({ success: bool(success), banned: bool(banned) });
      else if (kind === 'webauthn' && e.detail?.['passkey'] === true) passkey.inc({ success: bool(success) });
      else if (kind !== undefined && SECOND_FACTOR[kind]) {
        secondFactor.inc({ success: bool(success), banned: bool(banned), type: SECOND_FACTOR[kind] });
      }
      if (e.durationMs !== undefined && !banned)
        authnDuration.observe({ success: bool(success) }, e.durationMs / 1000);
    } else if (e.type === 'detection.triggered') {
      detections.inc({ rule: String(e.detail?.['rule'] ?? '') });
    }
  };
  const onAuthz = (m: unknown) => {
    const e = m as AuthzEvent;
    authz.inc({ code: String(e.status) });
    decisions.inc({ policy: e.policy, outcome: e.outcome });
    checkDuration.observe({ endpoint: e.endpoint }, e.durationMs / 1000);
  };
  const onRequest = (m: unknown) => {
    const e = m as RequestEvent;
    request.inc({ code: String(e.status), method: e.method });
    requestDuration.observe({ code: String(e.status) }, e.durationMs / 1000);
  };
  const onAudit = (m: unknown) => {
    auditAppends.inc({ result: (m as AuditAppendEvent).ok ? 'ok' : 'dropped' });
  };
  const onBan = (m: unknown) => {
    const e = m as BanEvent;
    banChanges.inc({ action: e.action, kind: e.kind, source: e.source });
  };
  const subs: [string, (m: unknown) => void][] = [
    [CHANNELS.security, onSecurity],
    [CHANNELS.authz, onAuthz],
    [CHANNELS.request, onRequest],
    [CHANNELS.audit, onAudit],
    [CHANNELS.ban, onBan],
  ];
  for (const [name, fn] of subs) subscribe(name, fn);

  return {
    registry,
    names: registry.getMetricsAsArray().map((m) => m.name),
    close() {
      for (const [name, fn] of subs) unsubscribe(name, fn);
    },
  };
}
