/**
 * The `smtp` notifier over nodemailer: `smtp://` and `submission://` speak STARTTLS (required unless
 * `disable_require_tls`, skipped with `disable_starttls`), `submissions://` is TLS from the first byte.
 */
import { createTransport } from 'nodemailer';
import { type NotifierConfig, nodeTlsOptions } from '../config/index.js';
import { PortcullisError } from '../core/index.js';
import type { Templates } from './templates.js';
import type { Notifier } from './types.js';

type SmtpConfig = NonNullable<NotifierConfig['smtp']>;

/** nodemailer transport options for the configured address. */
function transportOptions(cfg: SmtpConfig) {
  const url = new URL(cfg.address);
  const scheme = url.protocol.slice(0, -1);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port) || (scheme === 'submissions' ? 465 : scheme === 'submission' ? 587 : 25);
  const implicitTls = scheme === 'submissions';
  const tls = cfg.tls;
  return {
    host,
    port,
    secure: implicitTls,
    requireTLS: !implicitTls && !cfg.disableStarttls && !cfg.disableRequireTls,
    ignoreTLS: !implicitTls && cfg.disableStarttls,
    name: cfg.identifier,
    connectionTimeout: cfg.timeout,
    greetingTimeout: cfg.timeout,
    socketTimeout: cfg.timeout,
    ...(cfg.username ? { auth: { user: cfg.username, pass: cfg.password } } : {}),
    tls: nodeTlsOptions(tls, host),
  };
}

/** Authelia's `sender` ('Name <addr>' or a bare address) as nodemailer's address object. */
function parseSender(sender: string): { name: string; address: string } {
  const m = /^\s*(?:"?([^"<]*?)"?\s*)?<([^>]+)>\s*$/.exec(sender);
  return m ? { name: (m[1] ?? '').trim(), address: m[2]!.trim() } : { name: '', address: sender.trim() };
}

export function createSmtpNotifier(opts: { config: SmtpConfig; templates: Templates }): Notifier {
  const cfg = opts.config;
  const transport = createTransport(transportOptions(cfg));
  const from = parseSender(cfg.sender);
  return {
    async send(mail) {
      const { text, html } = opts.templates.render(mail.template, { Title: mail.title, ...mail.values });
      try {
        await transport.sendMail({
          from,
          to: { name: mail.to.name, address: mail.to.address },
          subject: cfg.subject.replace('{title}', mail.title),
          text,
          ...(cfg.disableHtmlEmails ? {} : { html }),
        });
      } catch (e) {
        throw new PortcullisError(
          'ERR_NOTIFIER_UNAVAILABLE',
          `notifier.smtp: sending failed: ${(e as Error).message}`,
          {
            cause: e,
          },
        );
      }
    },
    async check() {
      try {
        await transport.verify();
      } catch (e) {
        throw new PortcullisError(
          'ERR_NOTIFIER_UNAVAILABLE',
          `notifier.smtp: the startup check to '${cfg.address}' failed: ${(e as Error).message}`,
          { cause: e },
        );
      }
    },
    close() {
      transport.close();
    },
  };
}
