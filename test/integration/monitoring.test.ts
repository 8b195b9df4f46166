/** Monitoring end to end: detection bans honoured before password work, trusted networks, audit chain, metrics. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openMonitoringStorage } from '../../src/app/index.js';
import { verifyAuditStore } from '../../src/audit/index.js';
import { startHarness } from '../harness/gateway.js';
import { forwardAuthHeaders, loginFrom, request } from '../harness/http.js';
import { freePort } from '../harness/net.js';

test('detection bans an IP after repeated failures, every endpoint honours it, trusted networks are spared', async () => {
  const metricsPort = await freePort();
  const h = await startHarness({
    runtime: { basicFailureDelayMs: 0 },
    modify: (cfg) => {
      cfg['regulation'] = { max_retries: 0 };
      cfg['telemetry'] = { metrics: { enabled: true, address: `tcp://127.0.0.1:${metricsPort}/metrics` } };
      cfg['detection'] = {
        trusted_networks: ['10.0.0.0/8'],
        rules: { failed_logins: { threshold: 3, window: '10m', ban_duration: '1h' } },
      };
    },
  });
  try {
    const monitoring = h.runtime.monitoring;
    for (let i = 0; i < 3; i++)
      assert.equal((await loginFrom(h.port, '203.0.113.50', 'john', 'nope')).status, 401);
    await monitoring.settled();
    // Banned: the right password no longer works from that IP, on the portal or through Basic auth.
    assert.equal((await loginFrom(h.port, '203.0.113.50', 'john', 'john-password')).status, 401);
    const basic = await request(h.port, {
      path: '/api/authz/forward-auth',
      headers: {
        ...forwardAuthHeaders('https://app.example.com/'),
        'x-forwarded-for': '203.0.113.50',
        authorization: `Basic ${Buffer.from('john:john-password').toString('base64')}`,
      },
    });
    assert.notEqual(basic.status, 200);
    assert.equal((await loginFrom(h.port, '198.51.100.1', 'john', 'john-password')).status, 200);

    // The trusted admin network is never banned.
    for (let i = 0; i < 6; i++) await loginFrom(h.port, '10.1.2.3', 'john', 'nope');
    await monitoring.settled();
    assert.equal((await loginFrom(h.port, '10.1.2.3', 'john', 'john-password')).status, 200);

    const scrape = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    assert.match(scrape, /^authelia_authn\{success="false",banned="false"\} 9$/m);
    assert.match(scrape, /^portcullis_detections_total\{rule="failed_logins"\} 1$/m);
    // Two successful logins above (198.51.100.1 and 10.1.2.3) left two live sessions; one IP is banned.
    assert.match(scrape, /^portcullis_sessions_active 2$/m);
    assert.match(scrape, /^portcullis_bans_active\{kind="ip"\} 1$/m);

    await monitoring.audit!.flush();
    const s = await openMonitoringStorage(h.runtime.config);
    try {
      const report = await verifyAuditStore(s.audit);
      assert.equal(report.ok, true, report.problems.join('\n'));
      const types = (await s.audit.list({ limit: 1000 })).map((r) => r.type);
      for (const t of [
        'authn.password.failed',
        'authn.password.banned',
        'authn.password.succeeded',
        'detection.triggered',
        'ban.added',
      ]) {
        assert.ok(types.includes(t), `audit has ${t}`);
      }
      assert.ok((await s.bans.list()).some((b) => b.kind === 'ip' && b.value === '203.0.113.50'));
    } finally {
      await s.close();
    }
  } finally {
    await h.stop();
  }
});
