/** Top-level options (theme, log, certificates_directory) and the sections Portcullis does not implement. */
import { statSync } from 'node:fs';
import { joinOr, obj, type Rule, rawAt } from './context.js';

const general: Rule = (ctx) => {
  const themes = ['light', 'dark', 'grey', 'oled', 'auto'];
  if (!themes.includes(ctx.config.theme)) {
    ctx.error(
      'theme',
      `option 'theme' must be one of ${joinOr(themes)} but it's configured as '${ctx.config.theme}'`,
    );
  }
  const { level, format } = ctx.config.log;
  const formats = ['text', 'json'];
  if (!formats.includes(format)) {
    ctx.error(
      'log.format',
      `log: option 'format' must be one of ${joinOr(formats)} but it's configured as '${format}'`,
    );
  }
  const levels = ['trace', 'debug', 'info', 'warn', 'error'];
  if (!levels.includes(level)) {
    ctx.error(
      'log.level',
      `log: option 'level' must be one of ${joinOr(levels)} but it's configured as '${level}'`,
    );
  }
  const dir = rawAt(ctx.raw, 'certificates_directory');
  if (typeof dir === 'string' && dir !== '') {
    try {
      if (!statSync(dir).isDirectory()) {
        ctx.error(
          'certificates_directory',
          `the location 'certificates_directory' refers to '${dir}' is not a directory`,
        );
      }
    } catch (e) {
      ctx.error(
        'certificates_directory',
        `the location 'certificates_directory' could not be inspected: ${(e as Error).message}`,
      );
    }
  }
};

const unsupported: Rule = (ctx) => {
  if (rawAt(ctx.raw, 'identity_providers.oidc') !== undefined) {
    ctx.error(
      'identity_providers.oidc',
      'identity_providers: oidc: the OpenID Connect 1.0 provider is not supported yet by Portcullis: remove this section to use Portcullis as a forward-auth gateway',
    );
  }
  if (Object.keys(obj(rawAt(ctx.raw, 'definitions.user_attributes'))).length) {
    ctx.warn(
      'definitions.user_attributes',
      'definitions: user_attributes: custom user attributes are only used by OpenID Connect, which Portcullis does not support yet: they are ignored',
    );
  }
  const privacy = obj(rawAt(ctx.raw, 'privacy_policy'));
  if (privacy['enabled'] === true) {
    const url = privacy['policy_url'];
    if (typeof url !== 'string' || url === '') {
      ctx.error(
        'privacy_policy',
        "privacy_policy: option 'policy_url' must be provided when the option 'enabled' is true",
      );
    } else if (!url.startsWith('https:')) {
      ctx.error(
        'privacy_policy.policy_url',
        `privacy_policy: option 'policy_url' must have the 'https' scheme but it's configured as '${url.split(':')[0]}'`,
      );
    }
  }
};

export const generalRules: readonly Rule[] = [general, unsupported];
