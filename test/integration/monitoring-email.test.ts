/** Detection alerts by email through a real SMTP listener: one mail per detection, a flood rate-limited to a digest. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startHarness } from '../harness/gateway.js';
import { loginFrom } from '../harness/http.js';
import { startMailbox } from '../harness/mailbox.js';

test('a detection mails the administrators once; a flood within the interval becomes one digest', async () => {
  const mailbox = await startMailbox({
    sender: 'Portcullis <auth@example.com>',
    subject: '[Portcullis] {title}',
  });
  const { mails } = mailbox;
  const h = await startHarness({
    runtime: { basicFailureDelayMs: 0 },
    modify: (cfg) => {
      cfg['regulation'] = { max_retries: 0 };
      cfg['notifier'] = mailbox.notifier;
      cfg['detection'] = {
        rules: {
          failed_logins: { threshold: 3, window: '10m', ban_duration: '1h', actions: ['ban_ip', 'email'] },
        },
        alerts: { email: { recipients: ['ops@example.com'], interval: '1h' } },
      };
    },
  });
  let stopped = false;
  try {
    const monitoring = h.runtime.monitoring;
    for (let i = 0; i < 3; i++) await loginFrom(h.port, '203.0.113.7', 'john', 'wrong');
    await monitoring.settled();
    assert.equal(mails.length, 1, 'exactly one mail for one detection');
    const mail = mails[0]!;
    assert.deepEqual(mail.to, ['ops@example.com']);
    assert.equal(mail.subject, '[Portcullis] Detection: failed_logins (203.0.113.7)');
    assert.match(mail.raw, /Content-Type: text\/html/, 'an HTML part beside the text');
    assert.match(mail.text, /Rule: +failed_logins/);
    assert.match(mail.text, /Key: +203\.0\.113\.7/);
    assert.match(mail.text, /Actions: +ban_ip, email/);
    assert.match(mail.text, /Banned IPs: +203\.0\.113\.7 \(until /);

    // Five more attacking IPs inside the interval: banned at once, but no mail yet.
    for (let n = 1; n <= 5; n++) {
      for (let i = 0; i < 3; i++) await loginFrom(h.port, `198.51.100.${n}`, 'john', 'wrong');
    }
    await monitoring.settled();
    assert.equal(mails.length, 1, 'the rate limit holds the flood back');
    const bans = await h.runtime.storage.bans.list();
    assert.equal(bans.filter((b) => b.kind === 'ip').length, 6, 'bans are not rate-limited');

    // Shutdown sends what was held as one digest rather than dropping it.
    await h.stop();
    stopped = true;
    assert.equal(mails.length, 2);
    assert.equal(mails[1]!.subject, '[Portcullis] Detections: 5 (failed_logins)');
    const digest = mails[1]!.text;
    for (let n = 1; n <= 5; n++)
      assert.ok(digest.includes(`Key:          198.51.100.${n}`), `digest lists .${n}`);
  } finally {
    if (!stopped) await h.stop();
    await mailbox.close();
  }
});
