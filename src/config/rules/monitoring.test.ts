import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { baseConfig, withBase } from '../../../test/fixtures/config/base.js';
import { configFromObject } from '../load.js';

test('audit is on by default and detection is off until its section is present', () => {
  const r = configFromObject(baseConfig());
  assert.ok(r.ok, JSON.stringify(r.issues));
  assert.equal(r.config.audit.enabled, true);
  assert.equal(r.config.audit.authzAllowed, 'none');
  assert.equal(r.config.audit.checkpoint.every, 1000);
  assert.equal(r.config.detection.enabled, false);
});

test('detection defaults match the fail2ban jail and trusted networks resolve names and CIDRs', () => {
  const r = configFromObject(
    withBase({
      definitions: { network: { admins: ['10.9.0.0/16'] } },
      detection: {
        trusted_networks: ['admins', '192.0.2.7'],
        rules: { repeated_denials: { threshold: 20, window: '2m' } },
      },
    }),
  );
  assert.ok(r.ok, JSON.stringify(r.issues));
  const d = r.config.detection;
  assert.equal(d.enabled, true);
  assert.deepEqual(d.trustedNetworks, ['10.9.0.0/16', '192.0.2.7/32']);
  assert.deepEqual(d.rules.failed_logins, {
    enabled: true,
    threshold: 5,
    window: 600_000,
    banDuration: 3_600_000,
    actions: ['ban_ip'],
  });
  assert.equal(d.rules.repeated_denials.threshold, 20);
  assert.equal(d.rules.repeated_denials.window, 120_000);
  assert.ok(
    r.issues.some((i) =>
      i.message.startsWith("detection: some rules have the 'alert' action but no alert channel"),
    ),
  );
});

test('bad audit and detection values are reported with Authelia-style messages', () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const r = configFromObject(
    withBase({
      audit: {
        authz_allowed: 'some',
        authz_sample_rate: 2,
        checkpoint: { signing_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
      },
      detection: {
        trusted_networks: ['nowhere'],
        rules: { failed_logins: { actions: ['ban_ip', 'shout'] } },
        alerts: { webhook: { url: 'ftp://x' } },
      },
    }),
  );
  assert.equal(r.ok, false);
  const errors = r.issues.filter((i) => i.severity === 'error').map((i) => `${i.path}: ${i.message}`);
  assert.deepEqual(errors.sort(), [
    "audit.authz_allowed: audit: option 'authz_allowed' must be one of 'none', 'sampled', or 'all' but it's configured as 'some'",
    "audit.authz_sample_rate: audit: option 'authz_sample_rate' must be a number greater than 0 and at most 1 but it's configured as '2'",
    "audit.checkpoint.signing_key: audit: checkpoint: option 'signing_key' must be an Ed25519 private key in PKCS#8 PEM form",
    "detection.alerts.webhook.url: detection: alerts: webhook: option 'url' must be an http or https URL but it's configured as 'ftp://x'",
    "detection.rules.failed_logins.actions[1]: detection: rules: failed_logins: option 'actions' must only contain 'ban_ip', 'ban_user', 'alert', or 'email' but it contains 'shout'",
    "detection.trusted_networks[0]: detection: option 'trusted_networks' has an entry 'nowhere' which is neither a network name from definitions.network nor an IP or CIDR",
  ]);
});

test('detection.alerts.email: defaults, and every bad value named by its key path', () => {
  const good = configFromObject(
    withBase({
      detection: {
        rules: { failed_logins: { actions: ['ban_ip', 'email'] } },
        alerts: { email: { recipients: ['ops@example.com'] } },
      },
    }),
  );
  assert.ok(good.ok, JSON.stringify(good.issues));
  assert.deepEqual(good.config.detection.alerts.email, {
    recipients: ['ops@example.com'],
    interval: 900_000,
  });
  assert.deepEqual(good.config.detection.rules.failed_logins.actions, ['ban_ip', 'email']);
  assert.ok(
    !good.issues.some((i) => i.path.startsWith('detection.alerts')),
    'an email channel satisfies the alert actions',
  );

  const errors = (detection: unknown) => {
    const r = configFromObject(withBase({ detection }));
    return r.issues.filter((i) => i.severity === 'error').map((i) => `${i.path}: ${i.message}`);
  };
  assert.deepEqual(errors({ alerts: { email: { interval: '5m' } } }), [
    "detection.alerts.email.recipients: detection: alerts: email: option 'recipients' is required and must list at least one email address",
  ]);
  assert.deepEqual(
    errors({ alerts: { email: { recipients: ['ops@example.com', 'not an address'], interval: 0 } } }),
    [
      "detection.alerts.email.recipients[1]: detection: alerts: email: option 'recipients' has an entry 'not an address' which is not an email address",
      "detection.alerts.email.interval: detection: alerts: email: option 'interval' must be a duration of at least 1s but it's configured as '0'",
    ],
  );

  const warned = configFromObject(
    withBase({ detection: { rules: { new_ip_login: { actions: ['email'] } } } }),
  );
  assert.ok(
    warned.issues.some(
      (i) =>
        i.severity === 'warning' &&
        i.path === 'detection.alerts.email' &&
        i.message.includes("rules have the 'email' action but detection.alerts.email is not configured"),
    ),
  );
});
