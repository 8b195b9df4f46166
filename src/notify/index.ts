/** Public API of notify: the configured notifier (filesystem or SMTP) with its templates. */
import type { NotifierConfig } from '../config/index.js';
import { type Clock, PortcullisError } from '../core/index.js';
import { createFilesystemNotifier } from './filesystem.js';
import { loadTemplates } from './templates.js';
import type { Notifier } from './types.js';

export { loadTemplates, type Templates } from './templates.js';
export type { Mail, Notifier, Recipient, TemplateName } from './types.js';

/**
 * Builds the notifier `config` describes; `check()` is left to the caller (skipped with disable_startup_check).
 * nodemailer is loaded only when SMTP is configured (about 40 ms of start-up otherwise).
 */
export async function createNotifier(config: NotifierConfig, opts: { clock: Clock }): Promise<Notifier> {
  const templates = loadTemplates(config.templatePath);
  if (config.smtp) {
    const { createSmtpNotifier } = await import('./smtp.js');
    return createSmtpNotifier({ config: config.smtp, templates });
  }
  if (config.filesystem)
    return createFilesystemNotifier({ filename: config.filesystem.filename, templates, clock: opts.clock });
  throw new PortcullisError('ERR_CONFIG_INVALID', 'notifier: either smtp or filesystem must be configured');
}
