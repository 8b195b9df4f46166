import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { baseConfig, withBase } from '../../test/fixtures/config/base.js';
import { isSecretKey } from './env.js';
import { configFromObject } from './load.js';

const dir = mkdtempSync(join(tmpdir(), 'portcullis-env-'));

test('AUTHELIA_<PATH> sets a key; names resolve against key paths with underscores in them', () => {
  const r = configFromObject(withBase({ identity_validation: undefined }), {
    AUTHELIA_IDENTITY_VALIDATION_RESET_PASSWORD_JWT_SECRET: 'an_env_jwt_secret_long_enough_1234',
    AUTHELIA_LOG_LEVEL: 'debug',
    AUTHELIA_REGULATION_FIND_TIME: '1m',
  });
  assert.ok(r.ok, JSON.stringify(r.issues));
  assert.equal(r.config.identityValidation.resetPassword.jwtSecret, 'an_env_jwt_secret_long_enough_1234');
  assert.equal(r.config.log.level, 'debug');
  assert.equal(r.config.regulation.findTime, 60_000);
});

test('PORTCULLIS_<PATH> works the same way and the environment wins over files', () => {
  const r = configFromObject(withBase({ log: { level: 'info' } }), { PORTCULLIS_LOG_LEVEL: 'trace' });
  assert.ok(r.ok);
  assert.equal(r.config.log.level, 'trace');
});

test('<...>_FILE reads a secret and trims trailing newlines only', () => {
  const p = join(dir, 'jwt');
  writeFileSync(p, '  a_file_jwt_secret_long_enough_1234\n\n');
  const r = configFromObject(withBase({ identity_validation: undefined }), {
    AUTHELIA_IDENTITY_VALIDATION_RESET_PASSWORD_JWT_SECRET_FILE: p,
  });
  assert.ok(r.ok, JSON.stringify(r.issues));
  assert.equal(r.config.identityValidation.resetPassword.jwtSecret, '  a_file_jwt_secret_long_enough_1234');
});

test('setting a key both ways is an error', () => {
  const p = join(dir, 'key');
  writeFileSync(p, 'k'.repeat(40));
  const both = configFromObject(withBase({ storage: { encryption_key: undefined } }), {
    AUTHELIA_STORAGE_ENCRYPTION_KEY: 'e'.repeat(40),
    AUTHELIA_STORAGE_ENCRYPTION_KEY_FILE: p,
  });
  assert.equal(both.ok, false);
  assert.ok(
    both.issues.some((i) =>
      /AUTHELIA_STORAGE_ENCRYPTION_KEY and AUTHELIA_STORAGE_ENCRYPTION_KEY_FILE/.test(i.message),
    ),
  );
  const prefixes = configFromObject(baseConfig(), {
    AUTHELIA_LOG_LEVEL: 'debug',
    PORTCULLIS_LOG_LEVEL: 'info',
  });
  assert.equal(prefixes.ok, false);
  const fileAndYaml = configFromObject(baseConfig(), { AUTHELIA_STORAGE_ENCRYPTION_KEY_FILE: p });
  assert.equal(fileAndYaml.ok, false);
  assert.ok(
    fileAndYaml.issues.some((i) =>
      i.message.startsWith(
        "secrets: error loading secret into key 'storage.encryption_key': it's already defined in other configuration sources",
      ),
    ),
  );
});

test('unknown AUTHELIA_ variables are warnings; lists of objects cannot be set', () => {
  const r = configFromObject(baseConfig(), {
    AUTHELIA_NOT_A_KEY: '1',
    AUTHELIA_LOG_LEVEL_FILE: '/x',
    HOME: '/root',
  });
  assert.ok(r.ok);
  const warnings = r.issues.map((i) => i.message);
  assert.ok(warnings.includes('configuration environment variable not expected: AUTHELIA_NOT_A_KEY'));
  assert.ok(warnings.includes('configuration environment variable not expected: AUTHELIA_LOG_LEVEL_FILE'));
  const lists = configFromObject(baseConfig(), { AUTHELIA_ACCESS_CONTROL_RULES: 'x' });
  assert.equal(lists.ok, false);
  assert.match(lists.issues[0]?.message ?? '', /list of objects/);
});

test('scalar lists from the environment are comma-split; issues name the variable', () => {
  const r = configFromObject(baseConfig(), { AUTHELIA_REGULATION_MODES: 'user,ip' });
  assert.ok(r.ok);
  assert.deepEqual(r.config.regulation.modes, ['user', 'ip']);
  const bad = configFromObject(baseConfig(), { AUTHELIA_LOG_LEVEL: 'loud' });
  assert.equal(bad.ok, false);
  assert.match(bad.issues[0]?.message ?? '', /\(set by environment variable AUTHELIA_LOG_LEVEL\)$/);
  assert.equal(bad.issues[0]?.source, undefined);
});

test('deprecated keys can be set through the environment and are remapped', () => {
  const r = configFromObject(withBase({ identity_validation: undefined }), {
    AUTHELIA_JWT_SECRET: 'an_env_jwt_secret_long_enough_5678',
  });
  assert.ok(r.ok, JSON.stringify(r.issues));
  assert.equal(r.config.identityValidation.resetPassword.jwtSecret, 'an_env_jwt_secret_long_enough_5678');
  assert.ok(r.issues.some((i) => i.message.startsWith("configuration key 'jwt_secret' is deprecated")));
});

test('secret keys follow upstream suffix rules', () => {
  assert.ok(isSecretKey('storage.encryption_key'));
  assert.ok(isSecretKey('session.redis.password'));
  assert.ok(isSecretKey('notifier.smtp.tls.certificate_chain'));
  assert.ok(!isSecretKey('server.tls.key'));
  assert.ok(!isSecretKey('log.level'));
  assert.ok(!isSecretKey('identity_providers.oidc.lifespans.refresh_token'));
});
