import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withBase } from '../../test/fixtures/config/base.js';
import { joinAnd } from './deprecations.js';
import { configFromObject } from './load.js';

const warnings = (r: ReturnType<typeof configFromObject>) =>
  r.issues.filter((i) => i.severity === 'warning').map((i) => i.message);

test('single keys are remapped with the upstream warning naming the new key', () => {
  const r = configFromObject(
    withBase({
      log_level: 'debug',
      log_format: 'json',
      log_file_path: '/var/log/p.log',
      session: { remember_me_duration: '2d' },
      webauthn: { user_verification: 'required' },
      server: { enable_pprof: false },
    }),
  );
  assert.ok(r.ok, JSON.stringify(r.issues));
  assert.equal(r.config.log.level, 'debug');
  assert.equal(r.config.log.format, 'json');
  assert.equal(r.config.log.filePath, '/var/log/p.log');
  assert.equal(r.config.session.cookies[0]?.rememberMe, 2 * 24 * 3_600_000);
  assert.equal(r.config.webauthn.selectionCriteria.userVerification, 'required');
  const w = warnings(r);
  assert.ok(
    w.includes(
      "configuration key 'log_level' is deprecated in 4.30.0 and has been replaced by 'log.level': you are not required to make any changes as this has been automatically mapped for you, but to stop this warning being logged you will need to adjust your configuration, and this configuration key and auto-mapping is likely to be removed in 5.0.0",
    ),
  );
  assert.ok(
    w.some((m) => m.startsWith("configuration key 'session.remember_me_duration' is deprecated in 4.38.0")),
  );
  assert.ok(
    w.some((m) => m.startsWith("configuration key 'webauthn.user_verification' is deprecated in 4.39.0")),
  );
});

test('when the new key also exists the old one is dropped with a different warning', () => {
  const r = configFromObject(withBase({ log_level: 'debug', log: { level: 'warn' } }));
  assert.ok(r.ok);
  assert.equal(r.config.log.level, 'warn');
  assert.ok(
    warnings(r).some((m) =>
      m.includes('this has not been automatically mapped for you because the replacement key also exists'),
    ),
  );
});

test('server.host/port/path become server.address', () => {
  const r = configFromObject(withBase({ server: { host: '127.0.0.1', port: 8080, path: 'auth/' } }));
  assert.ok(r.ok, JSON.stringify(r.issues));
  assert.deepEqual(r.config.server.address, {
    scheme: 'tcp',
    host: '127.0.0.1',
    port: 8080,
    socketPath: '',
    path: '/auth',
  });
  assert.ok(warnings(r).some((m) => m.includes("to the value 'tcp://127.0.0.1:8080/auth'")));
});

test('legacy host/port of storage and smtp become addresses', () => {
  const r = configFromObject(
    withBase({
      storage: {
        local: undefined,
        postgres: { host: 'db', port: 5433, database: 'authelia', username: 'authelia', password: 'pw' },
      },
      notifier: {
        filesystem: undefined,
        smtp: { host: 'mail', port: 587, sender: 'Portcullis <p@example.com>' },
      },
    }),
  );
  assert.ok(r.ok, JSON.stringify(r.issues));
  assert.equal(r.config.storage.postgres?.address, 'tcp://db:5433');
  assert.equal(r.config.notifier.smtp?.address, 'submission://mail:587');
  assert.ok(
    warnings(r).includes(
      "configuration keys 'notifier.smtp.host' and 'notifier.smtp.port' are deprecated in 4.38.0 and has been replaced by 'notifier.smtp.address' in the format of '[tcp://]<hostname>[:<port>]': you are not required to make any changes as this has been automatically mapped for you to the value 'submission://mail:587', but to stop this warning being logged you will need to adjust your configuration, and this configuration key and auto-mapping is likely to be removed in 5.0.0",
    ),
  );
});

test('legacy keys together with the new key are an error', () => {
  const r = configFromObject(withBase({ server: { host: '0.0.0.0', address: 'tcp://:9091/' } }));
  assert.equal(r.ok, false);
  assert.ok(
    r.issues.some((i) => i.message.startsWith('error occurred performing deprecation mapping for keys')),
  );
  assert.ok(!r.issues.some((i) => i.message.includes('not expected: server.host')));
});

test('removed keys: trusted_cert is an error, permit_feature_detection_failure a warning', () => {
  const r = configFromObject(withBase({ notifier: { smtp: undefined, filesystem: { filename: '/tmp/n' } } }));
  assert.ok(r.ok);
  const trusted = configFromObject(withBase({ notifier: { smtp: { trusted_cert: '/x' } } }));
  assert.ok(
    trusted.issues.some(
      (i) =>
        i.message ===
        "invalid configuration key 'notifier.smtp.trusted_cert' was replaced by 'certificates_directory'",
    ),
  );
});

test('legacy password flat keys map onto the algorithm block with a warning', () => {
  const r = configFromObject(
    withBase({
      authentication_backend: {
        file: {
          path: '/u.yml',
          password: { algorithm: 'argon2id', iterations: 2, memory: 128, parallelism: 8 },
        },
      },
    }),
  );
  assert.ok(r.ok, JSON.stringify(r.issues));
  const pw = r.config.authenticationBackend.file?.password;
  assert.equal(pw?.algorithm, 'argon2');
  assert.equal(pw?.argon2.memory, 128 * 1024);
  assert.equal(pw?.argon2.iterations, 2);
  assert.equal(pw?.argon2.parallelism, 8);
  assert.ok(warnings(r).some((m) => m.includes("mapped to 'authentication_backend.file.password.argon2'")));
});

test('joinAnd matches StringJoinAnd', () => {
  assert.equal(joinAnd(['a']), "'a'");
  assert.equal(joinAnd(['a', 'b']), "'a' and 'b'");
  assert.equal(joinAnd(['a', 'b', 'c']), "'a', 'b', and 'c'");
});
