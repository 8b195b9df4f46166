/** Password reset and change over HTTP: single-use revocable links, unknown users, policy, users file, SMTP delivery. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { type Harness, startHarness } from '../harness/gateway.js';
import { cookieFrom, login } from '../harness/http.js';
import { api, elevatedLogin } from './account-support.js';

const policy = { standard: { enabled: true, min_length: 12, require_number: true } };

async function until<T>(fn: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const mailText = (dir: string) => {
  try {
    return readFileSync(join(dir, 'notification.txt'), 'utf8');
  } catch {
    return '';
  }
};
const tokenIn = (text: string) => [...text.matchAll(/reset-password\/step2\?token=([\w.-]+)/g)].at(-1)?.[1];

describe('password reset and change (filesystem notifier)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      runtime: { basicFailureDelayMs: 0 },
      modify: (cfg) => (cfg.password_policy = policy),
    });
  });
  after(() => h.stop());

  it('a reset for an unknown user answers exactly like a known one and sends nothing', async () => {
    const unknown = await api(h, '', 'POST', '/api/reset-password/identity/start', { username: 'nobody' });
    const known = await api(h, '', 'POST', '/api/reset-password/identity/start', { username: 'harry' });
    assert.equal(unknown.status, 200);
    assert.equal(unknown.body, known.body);
    const text = await until(() => tokenIn(mailText(h.dir)) && mailText(h.dir), 'the reset mail');
    assert.doesNotMatch(text, /nobody/);
    assert.match(text, /Recipient: Harry Potter <harry@example.com>/);
  });

  it('link → grant → policy → new password in the users file; the link works once', async () => {
    await api(h, '', 'POST', '/api/reset-password/identity/start', { username: 'john' });
    const token = await until(() => {
      const all = [...mailText(h.dir).matchAll(/john@example.com[\s\S]*?step2\?token=([\w.-]+)/g)];
      return all.at(-1)?.[1];
    }, 'john reset mail');
    const fin = await api(h, '', 'POST', '/api/reset-password/identity/finish', { token });
    assert.equal(fin.status, 200, fin.body);
    const grant = cookieFrom(fin);
    assert.equal(
      (await api(h, '', 'POST', '/api/reset-password/identity/finish', { token })).status,
      403,
      'reused link',
    );

    const weak = await api(h, grant, 'POST', '/api/reset-password', { password: 'short1' });
    assert.equal(weak.status, 400);
    assert.equal(
      JSON.parse(weak.body).message,
      'Your supplied password does not meet the password policy requirements.',
    );
    assert.equal(
      (await api(h, '', 'POST', '/api/reset-password', { password: 'a-long-password-42' })).status,
      403,
      'no grant',
    );
    const ok = await api(h, grant, 'POST', '/api/reset-password', { password: 'a-long-password-42' });
    assert.equal(ok.status, 200, ok.body);
    assert.equal(
      (await api(h, grant, 'POST', '/api/reset-password', { password: 'another-password-43' })).status,
      403,
      'grant used',
    );

    assert.equal((await login(h.port, 'john', 'john-password')).res.status, 401);
    assert.equal((await login(h.port, 'john', 'a-long-password-42')).res.status, 200);
    assert.equal((await login(h.port, 'bob', 'bob-password')).res.status, 200, 'other users kept');
    assert.match(readFileSync(join(h.dir, 'users_database.yml'), 'utf8'), /\$argon2id\$/);
  });

  it('a revoked or tampered link is refused', async () => {
    await api(h, '', 'POST', '/api/reset-password/identity/start', { username: 'bob' });
    const token = await until(
      () => [...mailText(h.dir).matchAll(/bob@example.com[\s\S]*?step2\?token=([\w.-]+)/g)].at(-1)?.[1],
      'bob mail',
    );
    assert.equal((await api(h, '', 'DELETE', '/api/reset-password', { token })).status, 200);
    assert.equal((await api(h, '', 'POST', '/api/reset-password/identity/finish', { token })).status, 403);
    assert.equal(
      (await api(h, '', 'POST', '/api/reset-password/identity/finish', { token: `${token.slice(0, -2)}xx` }))
        .status,
      403,
    );
    assert.equal(
      (await api(h, '', 'POST', '/api/reset-password/identity/finish', { token: 'not-a-jwt' })).status,
      403,
    );
  });

  it('change password: elevated, old password checked, policy applied', async () => {
    const body = { username: 'bob', old_password: 'bob-password', new_password: 'bob-new-password-7' };
    const plain = await login(h.port, 'bob', 'bob-password');
    assert.equal((await api(h, plain.cookie, 'POST', '/api/change-password', body)).status, 403);
    const cookie = await elevatedLogin(h, 'bob');
    assert.equal(
      (await api(h, cookie, 'POST', '/api/change-password', { ...body, old_password: 'wrong' })).status,
      401,
    );
    assert.equal(
      (await api(h, cookie, 'POST', '/api/change-password', { ...body, new_password: 'weak' })).status,
      400,
    );
    assert.equal(
      (await api(h, cookie, 'POST', '/api/change-password', { ...body, username: 'john' })).status,
      400,
    );
    assert.equal((await api(h, cookie, 'POST', '/api/change-password', body)).status, 200);
    assert.equal((await login(h.port, 'bob', 'bob-new-password-7')).res.status, 200);
    const policyBody = JSON.parse((await api(h, '', 'GET', '/api/configuration/password-policy')).body).data;
    assert.equal(policyBody.mode, 'standard');
    assert.equal(policyBody.min_length, 12);
    assert.equal(policyBody.require_number, true);
  });
});

describe('SMTP notifier against a real SMTP listener', () => {
  let h: Harness;
  let smtp: SMTPServer;
  const mails: { from: string; to: string[]; raw: string }[] = [];
  const auths: string[] = [];
  before(async () => {
    smtp = new SMTPServer({
      authOptional: false,
      onAuth(auth, _s, cb) {
        auths.push(`${auth.username}:${auth.password}`);
        cb(null, { user: auth.username });
      },
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          mails.push({
            from: String(session.envelope.mailFrom ? session.envelope.mailFrom.address : ''),
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          cb();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
    const port = (smtp.server.address() as { port: number }).port;
    h = await startHarness({
      runtime: { basicFailureDelayMs: 0 },
      modify: (cfg) => {
        cfg.notifier = {
          smtp: {
            address: `smtp://127.0.0.1:${port}`,
            username: 'mailer',
            password: 'mail-secret',
            sender: 'Portcullis <auth@example.com>',
            subject: '[Portcullis] {title}',
            tls: { skip_verify: true },
          },
        };
      },
    });
  });
  after(async () => {
    await h.stop();
    await new Promise<void>((r) => smtp.close(() => r()));
  });

  it('the startup check authenticated over STARTTLS; a reset mail arrives with text and HTML parts', async () => {
    assert.ok(auths.includes('mailer:mail-secret'), 'startup check authenticated');
    await api(h, '', 'POST', '/api/reset-password/identity/start', { username: 'john' });
    const mail = await until(() => mails.at(-1), 'the SMTP delivery');
    assert.equal(mail.from, 'auth@example.com');
    assert.deepEqual(mail.to, ['john@example.com']);
    assert.match(mail.raw, /Subject: \[Portcullis\] Reset your password/);
    assert.match(mail.raw, /Content-Type: text\/plain/);
    assert.match(mail.raw, /Content-Type: text\/html/);
    const decoded = mail.raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    const token = tokenIn(decoded);
    assert.ok(token, 'the link is in the mail');
    assert.equal((await api(h, '', 'POST', '/api/reset-password/identity/finish', { token })).status, 200);
  });

  it('refuses to start when the SMTP server is unreachable', async () => {
    await assert.rejects(
      startHarness({
        modify: (cfg) => {
          cfg.notifier = { smtp: { address: 'smtp://127.0.0.1:1', sender: 'a@example.com', timeout: '2s' } };
        },
      }),
      /startup check/,
    );
  });
});
