/** The `filesystem` notifier: appends each message (headers + text body) to one file, as Authelia does. */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type Clock, PortcullisError } from '../core/index.js';
import type { Templates } from './templates.js';
import type { Notifier } from './types.js';

export function createFilesystemNotifier(opts: {
  filename: string;
  templates: Templates;
  clock: Clock;
}): Notifier {
  // One write at a time: concurrent appends of multi-KB messages could interleave.
  let queue: Promise<void> = Promise.resolve();
  return {
    send(mail) {
      const { text } = opts.templates.render(mail.template, { Title: mail.title, ...mail.values });
      const entry = `Date: ${new Date(opts.clock.now()).toISOString()}\nRecipient: ${mail.to.name} <${mail.to.address}>\nSubject: ${mail.title}\nBody: ${text}\n`;
      const next = queue.then(() => appendFile(opts.filename, entry, { mode: 0o600 }));
      queue = next.catch(() => undefined);
      return next;
    },
    async check() {
      try {
        await mkdir(dirname(opts.filename), { recursive: true });
        await appendFile(opts.filename, '', { mode: 0o600 });
      } catch (e) {
        throw new PortcullisError(
          'ERR_NOTIFIER_UNAVAILABLE',
          `notifier.filesystem: cannot write '${opts.filename}': ${(e as Error).message}`,
          { cause: e },
        );
      }
    },
    close() {},
  };
}
