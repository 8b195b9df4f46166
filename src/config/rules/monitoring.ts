/** Checks for the Portcullis-only `audit` and `detection` sections. */
import { createPrivateKey } from 'node:crypto';
import { parseCidr } from '../networks.js';
import { arr, joinOr, obj, type Rule, rawAt } from './context.js';

const auditRule: Rule = (ctx) => {
  const a = ctx.config.audit;
  const modes = ['none', 'sampled', 'all'];
  if (!modes.includes(a.authzAllowed)) {
    ctx.error(
      'audit.authz_allowed',
      `audit: option 'authz_allowed' must be one of ${joinOr(modes)} but it's configured as '${a.authzAllowed}'`,
    );
  }
  const rate = rawAt(ctx.raw, 'audit.authz_sample_rate');
  if (rate !== undefined && (typeof rate !== 'number' || !(rate > 0 && rate <= 1))) {
    ctx.error(
      'audit.authz_sample_rate',
      `audit: option 'authz_sample_rate' must be a number greater than 0 and at most 1 but it's configured as '${String(rate)}'`,
    );
  }
  if (a.checkpoint.signingKey !== '') {
    let type: string | undefined;
    try {
      type = createPrivateKey(a.checkpoint.signingKey).asymmetricKeyType;
    } catch {
      type = undefined;
    }
    if (type !== 'ed25519') {
      ctx.error(
        'audit.checkpoint.signing_key',
        "audit: checkpoint: option 'signing_key' must be an Ed25519 private key in PKCS#8 PEM form",
      );
    }
  }
};

const ACTIONS = ['ban_ip', 'ban_user', 'alert', 'email'];

// Deliberately loose (one @, no spaces, a dot in the domain): the SMTP server is the real judge.
const ADDRESS = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

const detectionRule: Rule = (ctx) => {
  const d = obj(rawAt(ctx.raw, 'detection'));
  arr(d['trusted_networks']).forEach((v, i) => {
    if (typeof v === 'string' && !(v in ctx.config.networks) && parseCidr(v) === undefined) {
      ctx.error(
        `detection.trusted_networks[${i}]`,
        `detection: option 'trusted_networks' has an entry '${v}' which is neither a network name from definitions.network nor an IP or CIDR`,
      );
    }
  });
  for (const [name, r] of Object.entries(obj(d['rules']))) {
    arr(obj(r)['actions']).forEach((v, i) => {
      if (typeof v === 'string' && !ACTIONS.includes(v)) {
        ctx.error(
          `detection.rules.${name}.actions[${i}]`,
          `detection: rules: ${name}: option 'actions' must only contain ${joinOr(ACTIONS)} but it contains '${v}'`,
        );
      }
    });
  }
  const webhook = rawAt(ctx.raw, 'detection.alerts.webhook');
  if (webhook !== undefined) {
    const url = ctx.config.detection.alerts.webhook?.url ?? '';
    if (!/^https?:\/\/[^/]/i.test(url)) {
      ctx.error(
        'detection.alerts.webhook.url',
        `detection: alerts: webhook: option 'url' must be an http or https URL but it's configured as '${url}'`,
      );
    }
  }
  const email = rawAt(ctx.raw, 'detection.alerts.email');
  if (email !== undefined) {
    const recipients = rawAt(ctx.raw, 'detection.alerts.email.recipients');
    if (arr(recipients).length === 0) {
      ctx.error(
        'detection.alerts.email.recipients',
        "detection: alerts: email: option 'recipients' is required and must list at least one email address",
      );
    }
    arr(recipients).forEach((v, i) => {
      if (typeof v === 'string' && !ADDRESS.test(v.trim())) {
        ctx.error(
          `detection.alerts.email.recipients[${i}]`,
          `detection: alerts: email: option 'recipients' has an entry '${v}' which is not an email address`,
        );
      }
    });
    const interval = rawAt(ctx.raw, 'detection.alerts.email.interval');
    if (interval !== undefined && (typeof interval !== 'number' || interval < 1000)) {
      ctx.error(
        'detection.alerts.email.interval',
        `detection: alerts: email: option 'interval' must be a duration of at least 1s but it's configured as '${String(interval)}'`,
      );
    }
  }
  const rules = ctx.config.detection.rules;
  const on = Object.values(rules).filter((r) => r.enabled);
  if (ctx.config.detection.enabled && on.some((r) => r.actions.includes('alert'))) {
    if (webhook === undefined && email === undefined) {
      ctx.warn(
        'detection.alerts',
        "detection: some rules have the 'alert' action but no alert channel is configured (detection.alerts.webhook or detection.alerts.email): alerts are only logged",
      );
    }
  }
  if (ctx.config.detection.enabled && on.some((r) => r.actions.includes('email')) && email === undefined) {
    ctx.warn(
      'detection.alerts.email',
      "detection: some rules have the 'email' action but detection.alerts.email is not configured: those alerts are only logged",
    );
  }
};

export const monitoringRules: readonly Rule[] = [auditRule, detectionRule];
