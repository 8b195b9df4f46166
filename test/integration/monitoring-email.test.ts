/** Detection alerts by email through a real SMTP listener: one mail per detection, a flood rate-limited to a digest. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { startHarness } from '../harness/gateway.js';
import { request } from '../harness/http.js';

const login = (port: number, ip: string, username: string, password: string) =>
  request(port, {
    method: 'POST',
    path: '/api/firstfactor',
    headers: {
      host: 'auth.example.com',
      'content-type': 'application/json',
      'x-forwarded-proto': 'https',
      'x-forwarded-for': ip,
    },
    body: JSON.stringify({ username, password }),
  });

/** The mail as text: quoted-printable soft breaks and escapes undone (enough for ASCII assertions). */
const decode = (raw: string) =>
  raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16)));

test('a detection mails the administrators once; a flood within the interval becomes one digest', async () => {
  const mails: { to: string[]; raw: string }[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: decode(Buffer.concat(chunks).toString('utf8')),
        });
        cb();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
  const smtpPort = (smtp.server.address() as { port: number }).port;
  const h = await startHarness({
    runtime: { basicFailureDelayMs: 0 },
    modify: (cfg) => {
      cfg['regulation'] = { max_retries: 0 };
      cfg['notifier'] = {
        smtp: {
          address: `smtp://127.0.0.1:${smtpPort}`,
          sender: 'Portcullis <auth@example.com>',
          subject: '[Portcullis] {title}',
          tls: { skip_verify: true },
        },
      };
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
    for (let i = 0; i < 3; i++) await login(h.port, '203.0.113.7', 'john', 'wrong');
    await monitoring.settled();
    assert.equal(mails.length, 1, 'exactly one mail for one detection');
    const mail = mails[0]!;
    assert.deepEqual(mail.to, ['ops@example.com']);
    assert.match(mail.raw, /Subject: \[Portcullis\] Detection: failed_logins \(203\.0\.113\.7\)/);
    assert.match(mail.raw, /Content-Type: text\/plain/);
    assert.match(mail.raw, /Content-Type: text\/html/);
    assert.match(mail.raw, /Rule: +failed_logins/);
    assert.match(mail.raw, /Key: +203\.0\.113\.7/);
    assert.match(mail.raw, /Actions: +ban_ip, email/);
    assert.match(mail.raw, /Banned IPs: +203\.0\.113\.7 \(until /);

    // Five more attacking IPs inside the interval: banned at once, but no mail yet.
    for (let n = 1; n <= 5; n++) {
      for (let i = 0; i < 3; i++) await login(h.port, `198.51.100.${n}`, 'john', 'wrong');
    }
    await monitoring.settled();
    assert.equal(mails.length, 1, 'the rate limit holds the flood back');
    const bans = await h.runtime.storage.bans.list();
    assert.equal(bans.filter((b) => b.kind === 'ip').length, 6, 'bans are not rate-limited');

    // Shutdown sends what was held as one digest rather than dropping it.
    await h.stop();
    stopped = true;
    assert.equal(mails.length, 2);
    const digest = mails[1]!.raw;
    assert.match(digest, /Subject: \[Portcullis\] Detections: 5 \(failed_logins\)/);
    for (let n = 1; n <= 5; n++)
      assert.ok(digest.includes(`Key:          198.51.100.${n}`), `digest lists .${n}`);
  } finally {
    if (!stopped) await h.stop();
    await new Promise<void>((r) => smtp.close(() => r()));
  }
});
