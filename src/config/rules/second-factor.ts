/** totp, webauthn, duo_api and default_2fa_method (upstream validator/totp.go, webauthn.go, configuration.go). */
import { arr, joinOr, obj, type Rule, rawAt } from './context.js';

const ALGORITHMS = ['SHA1', 'SHA256', 'SHA512'];
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

const totp: Rule = (ctx) => {
  const t = obj(rawAt(ctx.raw, 'totp'));
  if (t['disable'] === true) return;
  const algorithm = typeof t['algorithm'] === 'string' ? t['algorithm'].toUpperCase() : undefined;
  if (algorithm !== undefined && algorithm !== '' && !ALGORITHMS.includes(algorithm)) {
    ctx.error(
      'totp.algorithm',
      `totp: option 'algorithm' must be one of ${joinOr(ALGORITHMS)} but it's configured as '${algorithm}'`,
    );
  }
  arr(t['allowed_algorithms']).forEach((a, i) => {
    const value = String(a).toUpperCase();
    if (!ALGORITHMS.includes(value)) {
      ctx.error(
        `totp.allowed_algorithms[${i}]`,
        `totp: option 'allowed_algorithm' must be one of ${joinOr(ALGORITHMS)} but one of the values is '${value}'`,
      );
    }
  });
  const period = num(t['period']);
  if (period !== undefined && period !== 0 && period < 15) {
    ctx.error(
      'totp.period',
      `totp: option 'period' option must be 15 or more but it's configured as '${period}'`,
    );
  }
  arr(t['allowed_periods']).forEach((p, i) => {
    if (typeof p === 'number' && p < 15) {
      ctx.error(
        `totp.allowed_periods[${i}]`,
        `totp: option 'allowed_periods' option must be 15 or more but one of the values is '${p}'`,
      );
    }
  });
  const digits = num(t['digits']);
  if (digits !== undefined && digits !== 0 && digits !== 6 && digits !== 8) {
    ctx.error('totp.digits', `totp: option 'digits' must be 6 or 8 but it's configured as '${digits}'`);
  }
  arr(t['allowed_digits']).forEach((d, i) => {
    if (d !== 6 && d !== 8) {
      ctx.error(
        `totp.allowed_digits[${i}]`,
        `totp: option 'allowed_digits' must only have the values 6 or 8 but one of the values is '${String(d)}'`,
      );
    }
  });
  const size = num(t['secret_size']);
  if (size !== undefined && size !== 0 && size < 20) {
    ctx.error(
      'totp.secret_size',
      `totp: option 'secret_size' must be 20 or higher but it's configured as '${size}'`,
    );
  }
};

const CONVEYANCE = ['none', 'indirect', 'direct'];
const CRITERIA: Readonly<Record<string, readonly string[]>> = {
  attachment: ['platform', 'cross-platform'],
  discoverability: ['discouraged', 'preferred', 'required'],
  user_verification: ['discouraged', 'preferred', 'required'],
};

const webauthn: Rule = (ctx) => {
  const w = obj(rawAt(ctx.raw, 'webauthn'));
  const passkey = w['enable_passkey_login'] === true;
  const boolean = (option: string, value: boolean, other: string, otherValue: boolean) =>
    `webauthn: option '${option}' is ${value} but it must be false when '${other}' is ${otherValue}`;
  if (passkey && w['disable'] === true) {
    ctx.error('webauthn.enable_passkey_login', boolean('enable_passkey_login', true, 'disable', true));
  }
  if (!passkey) {
    for (const option of [
      'experimental_enable_passkey_uv_two_factors',
      'experimental_enable_passkey_upgrade',
    ]) {
      if (w[option] === true)
        ctx.error(`webauthn.${option}`, boolean(option, true, 'enable_passkey_login', false));
    }
  }
  const conveyance = w['attestation_conveyance_preference'];
  if (typeof conveyance === 'string' && conveyance !== '' && !CONVEYANCE.includes(conveyance)) {
    ctx.error(
      'webauthn.attestation_conveyance_preference',
      `webauthn: option 'attestation_conveyance_preference' must be one of ${joinOr(CONVEYANCE)} but it's configured as '${conveyance}'`,
    );
  }
  const sc = obj(w['selection_criteria']);
  for (const [option, valid] of Object.entries(CRITERIA)) {
    const value = sc[option];
    if (typeof value === 'string' && value !== '' && !valid.includes(value)) {
      ctx.error(
        `webauthn.selection_criteria.${option}`,
        `webauthn: selection_criteria: option '${option}' must be one of ${joinOr(valid)} but it's configured as '${value}'`,
      );
    }
  }
  if (passkey && sc['discoverability'] === 'discouraged') {
    ctx.warn(
      'webauthn.selection_criteria.discoverability',
      "webauthn: selection_criteria: option 'discoverability' should generally be configured as 'preferred' or 'required' when passkey logins are enabled",
    );
  }
  const f = obj(w['filtering']);
  if (arr(f['permitted_aaguids']).length && arr(f['prohibited_aaguids']).length) {
    ctx.error(
      'webauthn.filtering',
      "webauthn: filtering: option 'permitted_aaguids' and 'prohibited_aaguids' are mutually exclusive however both have values",
    );
  }
  if (obj(w['metadata'])['enabled'] === true) {
    ctx.warn(
      'webauthn.metadata.enabled',
      'webauthn: metadata: the FIDO metadata service is not supported by Portcullis yet: authenticators are not checked against it',
    );
  }
};

const duo: Rule = (ctx) => {
  const d = rawAt(ctx.raw, 'duo_api');
  if (d === undefined || obj(d)['disable'] === true) return;
  ctx.warn(
    'duo_api',
    "duo_api: Duo push is not supported by Portcullis yet: this section is ignored and 'mobile_push' is not offered",
  );
};

const default2fa: Rule = (ctx) => {
  const method = ctx.config.default2faMethod as string;
  if (method === '') return;
  const valid = ['totp', 'webauthn', 'mobile_push'];
  if (!valid.includes(method)) {
    ctx.error(
      'default_2fa_method',
      `option 'default_2fa_method' must be one of ${joinOr(valid)} but it's configured as '${method}'`,
    );
    return;
  }
  // Duo (mobile_push) is never enabled in Portcullis.
  const enabled = [
    ...(ctx.config.totp.disable ? [] : ['totp']),
    ...(ctx.config.webauthn.disable ? [] : ['webauthn']),
  ];
  if (!enabled.includes(method)) {
    ctx.error(
      'default_2fa_method',
      `option 'default_2fa_method' must be one of the enabled options ${joinOr(enabled)} but it's configured as '${method}'`,
    );
  }
};

export const secondFactorRules: readonly Rule[] = [default2fa, totp, webauthn, duo];
