/** authentication_backend, identity_validation, password_policy and regulation (upstream validator/*.go of the same names). */
import { joinOr, obj, type Rule, type RuleContext, rawAt } from './context.js';
import { MIN_SECRET_LENGTH } from './session.js';

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

function bounds(
  ctx: RuleContext,
  algorithm: string,
  block: Record<string, unknown>,
  option: string,
  min: number,
  max: number,
): void {
  const v = num(block[option]);
  if (v === undefined || v === 0) return;
  const path = `authentication_backend.file.password.${algorithm}.${option}`;
  if (v < min) {
    ctx.error(
      path,
      `authentication_backend: file: password: ${algorithm}: option '${option}' is configured as '${v}' but must be greater than or equal to '${min}'`,
    );
  } else if (v > max) {
    ctx.error(
      path,
      `authentication_backend: file: password: ${algorithm}: option '${option}' is configured as '${v}' but must be less than or equal to '${max}'`,
    );
  }
}

function variant(
  ctx: RuleContext,
  algorithm: string,
  block: Record<string, unknown>,
  valid: readonly string[],
): void {
  const v = block['variant'];
  if (typeof v === 'string' && v !== '' && !valid.includes(v)) {
    ctx.error(
      `authentication_backend.file.password.${algorithm}.variant`,
      `authentication_backend: file: password: ${algorithm}: option 'variant' must be one of ${joinOr(valid)} but it's configured as '${v}'`,
    );
  }
}

const INT32 = 2_147_483_647;

const password: Rule = (ctx) => {
  const p = obj(rawAt(ctx.raw, 'authentication_backend.file.password'));
  const algorithm = p['algorithm'];
  const valid = ['sha2crypt', 'pbkdf2', 'scrypt', 'bcrypt', 'argon2'];
  if (typeof algorithm === 'string' && !['', 'argon2id', 'sha512', ...valid].includes(algorithm)) {
    ctx.error(
      'authentication_backend.file.password.algorithm',
      `authentication_backend: file: password: option 'algorithm' must be one of ${joinOr(valid)} but it's configured as '${algorithm}'`,
    );
  }
  // Bounds follow go-crypt's parameter limits (the library Authelia hashes with).
  const argon2 = obj(p['argon2']);
  variant(ctx, 'argon2', argon2, ['argon2id', 'id', 'argon2i', 'i', 'argon2d', 'd']);
  bounds(ctx, 'argon2', argon2, 'iterations', 1, INT32);
  bounds(ctx, 'argon2', argon2, 'parallelism', 1, 16_777_215);
  bounds(ctx, 'argon2', argon2, 'memory', 8, INT32);
  bounds(ctx, 'argon2', argon2, 'key_length', 4, INT32);
  bounds(ctx, 'argon2', argon2, 'salt_length', 1, INT32);
  const { memory, parallelism } = ctx.config.authenticationBackend.file?.password.argon2 ?? {
    memory: 0,
    parallelism: 0,
  };
  if ((num(argon2['memory']) ?? 0) >= 8 && memory < parallelism * 8) {
    ctx.error(
      'authentication_backend.file.password.argon2.memory',
      `authentication_backend: file: password: argon2: option 'memory' is configured as '${memory}' but must be greater than or equal to '${parallelism * 8}' or '${parallelism}' (the value of 'parallelism) multiplied by '8'`,
    );
  }
  const sha2crypt = obj(p['sha2crypt']);
  variant(ctx, 'sha2crypt', sha2crypt, ['sha256', 'sha512']);
  bounds(ctx, 'sha2crypt', sha2crypt, 'iterations', 1000, 999_999_999);
  bounds(ctx, 'sha2crypt', sha2crypt, 'salt_length', 1, 16);
  const pbkdf2 = obj(p['pbkdf2']);
  variant(ctx, 'pbkdf2', pbkdf2, ['sha1', 'sha224', 'sha256', 'sha384', 'sha512']);
  bounds(ctx, 'pbkdf2', pbkdf2, 'iterations', 100_000, INT32);
  bounds(ctx, 'pbkdf2', pbkdf2, 'salt_length', 8, INT32);
  const bcrypt = obj(p['bcrypt']);
  variant(ctx, 'bcrypt', bcrypt, ['standard', 'sha256']);
  bounds(ctx, 'bcrypt', bcrypt, 'cost', 10, 31);
  const scrypt = obj(p['scrypt']);
  variant(ctx, 'scrypt', scrypt, ['scrypt', 'yescrypt']);
  bounds(ctx, 'scrypt', scrypt, 'iterations', 1, 58);
  bounds(ctx, 'scrypt', scrypt, 'block_size', 1, INT32);
  bounds(ctx, 'scrypt', scrypt, 'parallelism', 1, INT32);
  bounds(ctx, 'scrypt', scrypt, 'key_length', 1, INT32);
  bounds(ctx, 'scrypt', scrypt, 'salt_length', 8, 1024);
};

const backend: Rule = (ctx) => {
  const ab = obj(rawAt(ctx.raw, 'authentication_backend'));
  const file = ab['file'];
  const ldap = ab['ldap'];
  if (file === undefined && ldap === undefined) {
    ctx.error(
      'authentication_backend',
      "authentication_backend: you must ensure either the 'file' or 'ldap' authentication backend is configured",
    );
  }
  if (file !== undefined && ldap !== undefined) {
    ctx.error(
      'authentication_backend',
      "authentication_backend: please ensure only one of the 'file' or 'ldap' backend is configured",
    );
  }
  if (ldap !== undefined) {
    ctx.error(
      'authentication_backend.ldap',
      "authentication_backend: ldap: the LDAP backend is not supported yet by Portcullis: use the 'file' backend (users_database.yml)",
    );
  }
  const customUrl = obj(ab['password_reset'])['custom_url'];
  if (typeof customUrl === 'string' && customUrl !== '') {
    const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(customUrl)?.[1] ?? '';
    if (scheme !== 'http' && scheme !== 'https') {
      ctx.error(
        'authentication_backend.password_reset.custom_url',
        `authentication_backend: password_reset: option 'custom_url' is configured to '${customUrl}' which has the scheme '${scheme}' but the scheme must be either 'http' or 'https'`,
      );
    }
  }
  if (file === undefined) return;
  const f = obj(file);
  if (typeof f['path'] !== 'string' || f['path'] === '') {
    ctx.error('authentication_backend.file', "authentication_backend: file: option 'path' is required");
  }
  for (const [name, attr] of Object.entries(obj(f['extra_attributes']))) {
    const type = obj(attr)['value_type'];
    const path = `authentication_backend.file.extra_attributes.${name}`;
    if (type === undefined || type === '') {
      ctx.error(
        path,
        `authentication_backend: file: extra_attributes: ${name}: option 'value_type' is required`,
      );
    } else if (!['string', 'integer', 'boolean'].includes(String(type))) {
      ctx.error(
        path,
        `authentication_backend: file: extra_attributes: ${name}: option 'value_type' must be one of 'string', 'integer', or 'boolean' but it's configured as '${String(type)}'`,
      );
    }
  }
};

const identityValidation: Rule = (ctx) => {
  const rp = obj(rawAt(ctx.raw, 'identity_validation.reset_password'));
  const algorithms = ['HS256', 'HS384', 'HS512'];
  const alg = rp['jwt_algorithm'];
  if (typeof alg === 'string' && alg !== '' && !algorithms.includes(alg)) {
    ctx.error(
      'identity_validation.reset_password.jwt_algorithm',
      `identity_validation: reset_password: option 'jwt_algorithm' must be one of ${joinOr(algorithms)} but it's configured as '${alg}'`,
    );
  }
  const secret = ctx.config.identityValidation.resetPassword.jwtSecret;
  if (!ctx.config.authenticationBackend.passwordReset.disable && secret === '') {
    ctx.error(
      'identity_validation',
      "identity_validation: reset_password: option 'jwt_secret' is required when the reset password functionality isn't disabled",
    );
  } else if (secret !== '' && secret.length < MIN_SECRET_LENGTH) {
    ctx.warn(
      'identity_validation.reset_password.jwt_secret',
      `identity_validation: reset_password: option 'jwt_secret' is only ${secret.length} characters long: use at least ${MIN_SECRET_LENGTH} random characters (64 recommended)`,
    );
  }
  const chars = num(rawAt(ctx.raw, 'identity_validation.elevated_session.characters'));
  if (chars !== undefined && chars > 20) {
    ctx.error(
      'identity_validation.elevated_session.characters',
      `identity_validation: elevated_session: option 'characters' must be 20 or less but it's configured as ${chars}`,
    );
  }
};

const passwordPolicy: Rule = (ctx) => {
  const pp = obj(rawAt(ctx.raw, 'password_policy'));
  const std = obj(pp['standard']);
  const zx = obj(pp['zxcvbn']);
  if (std['enabled'] === true && zx['enabled'] === true) {
    ctx.error('password_policy', 'password_policy: only a single password policy mechanism can be specified');
  }
  const min = num(std['min_length']);
  if (std['enabled'] === true && min !== undefined && min < 0) {
    ctx.error(
      'password_policy.standard.min_length',
      `password_policy: standard: option 'min_length' must be greater than 0 but it's configured as ${min}`,
    );
  }
  const score = num(zx['min_score']);
  if (zx['enabled'] === true && score !== undefined && (score < 0 || score > 4)) {
    ctx.error(
      'password_policy.zxcvbn.min_score',
      `password_policy: zxcvbn: option 'min_score' is invalid: must be between 1 and 4 but it's configured as ${score}`,
    );
  }
};

const regulation: Rule = (ctx) => {
  const modes = rawAt(ctx.raw, 'regulation.modes');
  if (Array.isArray(modes)) {
    modes.forEach((mode, i) => {
      if (mode !== 'user' && mode !== 'ip') {
        ctx.error(
          `regulation.modes[${i}]`,
          `regulation: option 'modes' must only contain the values 'user' and 'ip' but contains the value '${String(mode)}'`,
        );
      }
    });
  }
  const { findTime, banTime } = ctx.config.regulation;
  if (findTime > banTime) {
    ctx.error(
      'regulation.find_time',
      "regulation: option 'find_time' must be less than or equal to option 'ban_time'",
    );
  }
};

export const identityRules: readonly Rule[] = [
  backend,
  password,
  identityValidation,
  passwordPolicy,
  regulation,
];
