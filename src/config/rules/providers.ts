/** storage and notifier: exactly one provider each, and what each provider needs (upstream validator/storage.go, notifier.go). */
import { statSync } from 'node:fs';
import { parseAddress } from '../address.js';
import { joinAnd } from '../deprecations.js';
import { arr, joinOr, obj, type Rule, type RuleContext, rawAt } from './context.js';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function sqlAddress(ctx: RuleContext, path: string, provider: string, value: unknown): void {
  if (typeof value !== 'string' || value === '') {
    ctx.error(path, `storage: ${provider}: option 'address' is required`);
    return;
  }
  const r = parseAddress(value);
  const problem = !r.ok
    ? r.error
    : ['tcp', 'tcp4', 'tcp6', 'unix'].includes(r.address.scheme)
      ? undefined
      : `scheme must be one of 'tcp', 'tcp4', 'tcp6', 'unix', or 'fd' but is configured as '${r.address.scheme}'`;
  if (problem)
    ctx.error(
      `${path}.address`,
      `storage: ${provider}: option 'address' with value '${value}' is invalid: ${problem}`,
    );
}

const storage: Rule = (ctx) => {
  const st = obj(rawAt(ctx.raw, 'storage'));
  const key = str(st['encryption_key']);
  if (key === '') ctx.error('storage', "storage: option 'encryption_key' is required");
  else if (key.length < 20)
    ctx.error('storage.encryption_key', "storage: option 'encryption_key' must be 20 characters or longer");

  const configured = ['local', 'mysql', 'postgres'].filter((p) => st[p] !== undefined);
  if (configured.length === 0) {
    ctx.error(
      'storage',
      "storage: configuration for a 'local', 'mysql' or 'postgres' database must be provided",
    );
    return;
  }
  if (configured.length > 1) {
    ctx.error(
      'storage',
      `storage: option 'local', 'mysql' and 'postgres' are mutually exclusive but ${joinAnd(configured)} have been configured`,
    );
    return;
  }
  const provider = configured[0] as string;
  const p = obj(st[provider]);
  const path = `storage.${provider}`;
  if (provider === 'local') {
    if (str(p['path']) === '') ctx.error(path, "storage: local: option 'path' is required");
    return;
  }
  sqlAddress(ctx, path, provider, p['address']);
  if (str(p['username']) === '') ctx.error(path, `storage: ${provider}: option 'username' is required`);
  if (str(p['database']) === '') ctx.error(path, `storage: ${provider}: option 'database' is required`);
  if (provider !== 'postgres') return;
  if (p['tls'] !== undefined && p['ssl'] !== undefined) {
    ctx.error(path, "storage: postgres: can't define both 'tls' and 'ssl' configuration options");
  } else if (p['ssl'] !== undefined) {
    ctx.warn(
      `${path}.ssl`,
      'storage: postgres: ssl: the ssl configuration options are deprecated and we recommend the tls options instead',
    );
    const mode = str(obj(p['ssl'])['mode']);
    const modes = ['disable', 'require', 'verify-ca', 'verify-full'];
    if (mode !== '' && !modes.includes(mode)) {
      ctx.error(
        `${path}.ssl.mode`,
        `storage: postgres: ssl: option 'mode' must be one of ${joinOr(modes)} but it's configured as '${mode}'`,
      );
    }
  }
  arr(p['servers']).forEach((server, i) => {
    sqlAddress(ctx, `${path}.servers[${i}]`, `postgres: servers: #${i + 1}`, obj(server)['address']);
  });
};

const notifier: Rule = (ctx) => {
  const nt = obj(rawAt(ctx.raw, 'notifier'));
  const fs = nt['filesystem'];
  const smtp = nt['smtp'];
  if (fs === undefined && smtp === undefined) {
    ctx.error(
      'notifier',
      "notifier: you must ensure either the 'smtp' or 'filesystem' notifier is configured",
    );
    return;
  }
  if (fs !== undefined && smtp !== undefined) {
    ctx.error(
      'notifier',
      "notifier: please ensure only one of the 'smtp' or 'filesystem' notifier is configured",
    );
    return;
  }
  if (fs !== undefined) {
    if (str(obj(fs)['filename']) === '')
      ctx.error('notifier.filesystem', "notifier: filesystem: option 'filename' is required");
    return;
  }
  const s = obj(smtp);
  const address = str(s['address']);
  if (address === '') ctx.error('notifier.smtp', "notifier: smtp: option 'address' is required");
  else {
    const r = parseAddress(address, 'smtp');
    const problem = !r.ok
      ? r.error
      : ['smtp', 'submission', 'submissions'].includes(r.address.scheme)
        ? undefined
        : `scheme must be one of 'smtp', 'submission', or 'submissions' but is configured as '${r.address.scheme}'`;
    if (problem)
      ctx.error(
        'notifier.smtp.address',
        `notifier: smtp: option 'address' with value '${address}' is invalid: ${problem}`,
      );
  }
  if (str(s['sender']) === '') ctx.error('notifier.smtp', "notifier: smtp: option 'sender' is required");
  if (s['disable_starttls'] === true) {
    ctx.warn(
      'notifier.smtp.disable_starttls',
      "notifier: smtp: option 'disable_starttls' is enabled: opportunistic STARTTLS is explicitly disabled which means all emails will be sent insecurely over plaintext and this setting is only necessary for non-compliant SMTP servers which advertise they support STARTTLS when they actually don't support STARTTLS",
    );
  }
  const templates = str(nt['template_path']);
  if (templates !== '') {
    try {
      statSync(templates);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      ctx.error(
        'notifier.template_path',
        err.code === 'ENOENT'
          ? `notifier: option 'template_path' refers to location '${templates}' which does not exist`
          : `notifier: option 'template_path' refers to location '${templates}' which couldn't be opened: ${err.message}`,
      );
    }
  }
};

export const providerRules: readonly Rule[] = [storage, notifier];
