/** A real SMTP listener for tests that read the mail Portcullis sends (integration and browser tests). */
import { SMTPServer } from 'smtp-server';
import { createSelfSignedCertificate } from '../../src/cli/commands/demo-cert.js';

export interface Mail {
  readonly to: string[];
  readonly subject: string;
  /** The text/plain part, decoded. */
  readonly text: string;
  /** The whole message as received (headers and every MIME part, still encoded). */
  readonly raw: string;
}

export interface Mailbox {
  readonly port: number;
  readonly mails: Mail[];
  /** The notifier block that sends through this listener. */
  readonly notifier: Record<string, unknown>;
  /** The first mail after the first `skip` that matches, waiting for it to arrive. */
  next(match: (m: Mail) => boolean, skip?: number): Promise<Mail>;
  close(): Promise<void>;
}

/** Decodes one MIME body by its Content-Transfer-Encoding. */
function decodeBody(body: string, encoding: string): string {
  if (/base64/i.test(encoding)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (/quoted-printable/i.test(encoding)) {
    const bytes = body
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

/** The subject and the text/plain part of a raw message (nodemailer's multipart/alternative or a single part). */
function parseMail(raw: string): { subject: string; text: string } {
  const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const subject = /^Subject: (.*)$/im.exec(unfolded)?.[1] ?? '';
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(unfolded)?.[1];
  if (!boundary) {
    const enc = /^Content-Transfer-Encoding: (.*)$/im.exec(unfolded)?.[1] ?? '';
    return { subject, text: decodeBody(rest.join('\n\n'), enc) };
  }
  for (const part of raw.split(`--${boundary}`)) {
    const [ph = '', ...pb] = part.replace(/^\r?\n/, '').split(/\r?\n\r?\n/);
    if (!/Content-Type: text\/plain/i.test(ph)) continue;
    const enc = /Content-Transfer-Encoding: (.*)/i.exec(ph)?.[1] ?? '';
    return { subject, text: decodeBody(pb.join('\n\n'), enc) };
  }
  return { subject, text: '' };
}

/** A real SMTP listener (the `smtp-server` package) on loopback that keeps every message it receives. */
export async function startMailbox(opts: { sender: string; subject?: string }): Promise<Mailbox> {
  const mails: Mail[] = [];
  // Its own throwaway certificate for STARTTLS (smtp-server's built-in one has a published key, and says so).
  const tls = createSelfSignedCertificate(['localhost']);
  const smtp = new SMTPServer({
    authOptional: true,
    key: tls.key,
    cert: tls.cert,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), ...parseMail(raw), raw });
        cb();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
  const port = (smtp.server.address() as { port: number }).port;
  return {
    port,
    mails,
    notifier: {
      smtp: {
        address: `smtp://127.0.0.1:${port}`,
        sender: opts.sender,
        ...(opts.subject ? { subject: opts.subject } : {}),
        // The listener's certificate is self-signed.
        tls: { skip_verify: true },
      },
    },
    async next(match, skip = 0) {
      for (let i = 0; i < 500; i++) {
        const found = mails.slice(skip).find(match);
        if (found) return found;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`no matching mail arrived (${mails.length} received)`);
    },
    close: () => new Promise<void>((r) => smtp.close(() => r())),
  };
}
