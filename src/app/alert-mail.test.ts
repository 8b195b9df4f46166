import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock, silentLogger } from '../core/index.js';
import type { Detection } from '../detection/index.js';
import { loadTemplates, type Mail, type Notifier } from '../notify/index.js';
import { createEmailAlerts } from './alert-mail.js';

const templates = loadTemplates('');

/** A notifier that renders with the real templates and keeps the mails (the rate limiter is under test). */
function recorder() {
  const sent: { mail: Mail; text: string; html: string }[] = [];
  const notifier: Notifier = {
    async send(mail) {
      sent.push({ mail, ...templates.render(mail.template, { Title: mail.title, ...mail.values }) });
    },
    async check() {},
    close() {},
  };
  return { sent, notifier };
}

const detection = (key: string, at: number): Detection => ({
  rule: 'failed_logins',
  key,
  count: 5,
  at,
  windowMs: 600_000,
  banIps: [key],
  banUsers: [],
  banDurationMs: 3_600_000,
  alert: false,
  email: true,
  message: `5 failed logins from ${key}`,
});

test('one mail per interval; the held detections go out as one bounded digest', async () => {
  const clock = new ManualClock(1_000_000);
  const { sent, notifier } = recorder();
  const alerts = createEmailAlerts({
    notifier,
    recipients: ['ops@example.com', 'oncall@example.com'],
    intervalMs: 60_000,
    clock,
    logger: silentLogger,
    maxListed: 2,
  });
  await alerts.alert(detection('192.0.2.1', clock.now()), ['ban_ip', 'email']);
  assert.deepEqual(
    sent.map((s) => s.mail.to.address),
    ['ops@example.com', 'oncall@example.com'],
  );
  for (let i = 2; i <= 6; i++)
    await alerts.alert(detection(`192.0.2.${i}`, clock.now()), ['ban_ip', 'email']);
  assert.equal(sent.length, 2, 'nothing more within the interval');
  await alerts.close();
  assert.equal(sent.length, 4, 'one digest per recipient');
  const digest = sent[2]!;
  assert.equal(digest.mail.title, 'Detections: 5 (failed_logins)');
  assert.match(digest.text, /Key: +192\.0\.2\.2/);
  assert.match(digest.text, /Key: +192\.0\.2\.3/);
  assert.doesNotMatch(digest.text, /192\.0\.2\.4/);
  assert.match(digest.text, /Not listed: failed_logins ×3/);
  assert.match(digest.html, /<pre[^>]*>Rule: +failed_logins/);
});

test('after a quiet interval the next detection is mailed at once; HTML values are escaped', async () => {
  const clock = new ManualClock(0);
  const { sent, notifier } = recorder();
  const alerts = createEmailAlerts({
    notifier,
    recipients: ['ops@example.com'],
    intervalMs: 60_000,
    clock,
    logger: silentLogger,
  });
  await alerts.alert(detection('192.0.2.1', 0), ['alert']);
  clock.advance(60_000);
  await alerts.alert({ ...detection('<b>x</b>', clock.now()) }, ['alert']);
  assert.equal(sent.length, 2);
  assert.match(sent[1]!.html, /&#60;b&#62;x&#60;\/b&#62;/);
  assert.doesNotMatch(sent[1]!.html, /<b>x<\/b>/);
  await alerts.close();
  assert.equal(sent.length, 2, 'nothing was held');
});
