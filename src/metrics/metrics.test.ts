import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import {
  publishAuditAppend,
  publishAuthzEvent,
  publishBanEvent,
  publishRequestEvent,
  publishSecurityEvent,
} from '../core/index.js';
import { createMetrics } from './registry.js';
import { startMetricsServer } from './server.js';

interface Family {
  name: string;
  type: string;
  metrics: {
    value?: string;
    labels?: Record<string, string>;
    buckets?: Record<string, string>;
    count?: string;
  }[];
}
const parsePrometheus = createRequire(import.meta.url)('parse-prometheus-text-format') as (
  text: string,
) => Family[];

describe('metrics', () => {
  it('exposes Authelia and Portcullis metrics on its own listener, in valid Prometheus text format', async () => {
    const m = createMetrics({ bansActive: async () => ({ ip: 3, user: 1 }), sessionsActive: async () => 7 });
    const srv = await startMetricsServer(m.registry, { host: '127.0.0.1', port: 0, path: '/metrics' });
    try {
      publishSecurityEvent({
        type: 'authn.password.failed',
        at: 1,
        ip: '203.0.113.1',
        username: 'a',
        durationMs: 120,
      });
      publishSecurityEvent({
        type: 'authn.password.failed',
        at: 2,
        ip: '203.0.113.1',
        username: 'a',
        durationMs: 80,
      });
      publishSecurityEvent({
        type: 'authn.password.succeeded',
        at: 3,
        ip: '203.0.113.1',
        username: 'a',
        durationMs: 90,
      });
      publishSecurityEvent({ type: 'authn.password.banned', at: 4, ip: '203.0.113.1', username: 'a' });
      publishSecurityEvent({ type: 'authn.totp.failed', at: 5, username: 'a' });
      publishSecurityEvent({ type: 'detection.triggered', at: 6, detail: { rule: 'failed_logins' } });
      publishAuthzEvent({
        at: 7,
        endpoint: 'forward-auth',
        status: 403,
        outcome: 'deny',
        policy: 'deny',
        rule: 2,
        ip: '203.0.113.1',
        username: '',
        method: 'GET',
        url: 'https://a.example.com/',
        durationMs: 0.4,
      });
      publishRequestEvent({ method: 'POST', status: 401, durationMs: 3 });
      publishAuditAppend({ type: 'authn.password.failed', ok: true });
      publishAuditAppend({ type: 'authn.password.failed', ok: false });
      publishBanEvent({ action: 'added', kind: 'ip', value: '203.0.113.1', source: 'detection' });

      const res = await fetch(`http://127.0.0.1:${srv.port}/metrics`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      const families = parsePrometheus(text);
      const fam = (name: string) => {
        const f = families.find((x) => x.name === name);
        assert.ok(f, `missing ${name}`);
        return f;
      };
      const value = (name: string, labels: Record<string, string>) =>
        fam(name).metrics.find((x) => Object.entries(labels).every(([k, v]) => x.labels?.[k] === v))?.value;

      for (const n of [
        'authelia_request',
        'authelia_authz',
        'authelia_authn',
        'authelia_authn_passkey',
        'authelia_authn_second_factor',
      ]) {
        assert.equal(fam(n).type, 'COUNTER');
      }
      assert.equal(fam('authelia_authn_duration').type, 'HISTOGRAM');
      assert.equal(fam('authelia_request_duration').type, 'HISTOGRAM');
      assert.equal(fam('authelia_request_duration_openid_connect').type, 'HISTOGRAM');
      assert.equal(value('authelia_authn', { success: 'false', banned: 'false' }), '2');
      assert.equal(value('authelia_authn', { success: 'true', banned: 'false' }), '1');
      assert.equal(value('authelia_authn', { success: 'false', banned: 'true' }), '1');
      assert.equal(
        value('authelia_authn_second_factor', { success: 'false', banned: 'false', type: 'totp' }),
        '1',
      );
      // The parser folds labelled histograms together, so their series are read from the text itself.
      assert.match(text, /^authelia_authn_duration_count\{success="false"\} 2$/m);
      assert.match(text, /^authelia_authn_duration_bucket\{le="0\.1",success="false"\} 1$/m);
      assert.equal(value('authelia_authz', { code: '403' }), '1');
      assert.equal(value('authelia_request', { code: '401', method: 'POST' }), '1');
      assert.equal(value('portcullis_authz_decisions_total', { policy: 'deny', outcome: 'deny' }), '1');
      assert.match(text, /^portcullis_authz_check_duration_seconds_count\{endpoint="forward-auth"\} 1$/m);
      assert.equal(value('portcullis_audit_appends_total', { result: 'ok' }), '1');
      assert.equal(value('portcullis_audit_appends_total', { result: 'dropped' }), '1');
      assert.equal(value('portcullis_bans_active', { kind: 'ip' }), '3');
      assert.equal(value('portcullis_bans_active', { kind: 'user' }), '1');
      assert.equal(fam('portcullis_sessions_active').metrics[0]?.value, '7');
      assert.equal(value('portcullis_detections_total', { rule: 'failed_logins' }), '1');
      assert.equal(
        value('portcullis_ban_changes_total', { action: 'added', kind: 'ip', source: 'detection' }),
        '1',
      );
      assert.ok(
        families.some((f) => f.name === 'process_cpu_user_seconds_total'),
        'process collector present',
      );

      assert.equal((await fetch(`http://127.0.0.1:${srv.port}/other`)).status, 404);
    } finally {
      m.close();
      await srv.close();
    }
  });

  it('stops counting once closed', async () => {
    const m = createMetrics();
    m.close();
    publishAuthzEvent({
      at: 1,
      endpoint: 'x',
      status: 200,
      outcome: 'allow',
      policy: 'bypass',
      rule: 1,
      ip: '',
      username: '',
      method: 'GET',
      url: 'https://a/',
      durationMs: 1,
    });
    const f = parsePrometheus(await m.registry.metrics()).find((x) => x.name === 'authelia_authz');
    assert.deepEqual(f?.metrics ?? [], []);
  });
});
