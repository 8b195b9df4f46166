/** Golden issues for the seed-003 configuration (a real user's Authelia setup from a blog post). */
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfig } from './load.js';

const seed = join(dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/seed-003');
const lines = (
  issues: readonly {
    severity: string;
    message: string;
    source?: { line: number; col: number } | undefined;
  }[],
) => issues.map((i) => `${i.source ? `${i.source.line}:${i.source.col}` : '-'} ${i.severity}: ${i.message}`);

const AUTOMAP =
  'you are not required to make any changes as this has been automatically mapped for you, but to stop this warning being logged you will need to adjust your configuration, and this configuration key and auto-mapping is likely to be removed in 5.0.0';

test('seed-003 configuration.yml: what Authelia 4.39 reports (plus the Portcullis hints)', async () => {
  const r = await loadConfig([join(seed, 'configuration.yml')], {});
  assert.equal(r.ok, false);
  assert.deepEqual(lines(r.issues), [
    "2:1 error: storage: option 'encryption_key' is required",
    "2:1 error: storage: configuration for a 'local', 'mysql' or 'postgres' database must be provided",
    "8:3 error: configuration key not expected: server.path_prefix (did you mean a path in 'server.address' such as 'tcp://:9091/authelia'?)",
    "13:3 error: configuration key not expected: session.lifetime (did you mean 'session.expiration'?)",
    "45:5 error: configuration key not expected: password_policy.standard.require_numbers (did you mean 'password_policy.standard.require_number'?)",
    `2:1 warning: configuration key 'jwt_secret' is deprecated in 4.38.0 and has been replaced by 'identity_validation.reset_password.jwt_secret': ${AUTOMAP}`,
    `3:1 warning: configuration key 'default_redirection_url' is deprecated in 4.38.0 and has been replaced by 'session.cookies[].default_redirection_url': ${AUTOMAP}`,
    "6:3 warning: configuration keys 'server.host', 'server.port', and 'server.path' are deprecated in 4.38.0 and has been replaced by 'server.address' in the format of '[tcp[(4|6)]://]<hostname>[:<port>][/<path>]' or 'tcp[(4|6)://][hostname]:<port>[/<path>]': you are not required to make any changes as this has been automatically mapped for you to the value 'tcp://0.0.0.0:9091/', but to stop this warning being logged you will need to adjust your configuration, and this configuration key and auto-mapping is likely to be removed in 5.0.0",
    "12:3 warning: session: option 'domain' is deprecated in v4.38.0 and has been replaced by a multi-domain configuration: this has automatically been mapped for you but you will need to adjust your configuration to remove this message and receive the latest messages",
  ]);
});

test('seed-003 with storage added and the unknown keys fixed loads', async () => {
  const r = await loadConfig([join(seed, 'configuration-fixed.yml')], {});
  assert.ok(r.ok, JSON.stringify(r.issues));
  const c = r.config;
  assert.equal(r.issues.filter((i) => i.severity === 'warning').length, 4);
  assert.deepEqual(c.server.address, {
    scheme: 'tcp',
    host: '0.0.0.0',
    port: 9091,
    socketPath: '',
    path: '/authelia',
  });
  assert.deepEqual(c.session.cookies, [
    {
      domain: 'example.com',
      autheliaUrl: '',
      defaultRedirectionUrl: 'https://example.com',
      name: 'authelia_session',
      sameSite: 'lax',
      expiration: 3_600_000,
      inactivity: 15 * 60_000,
      rememberMe: 30 * 24 * 3_600_000,
    },
  ]);
  assert.equal(c.session.redis?.host, 'redis');
  assert.equal(c.identityValidation.resetPassword.jwtSecret, 'replace_with_a_random_64_char_string_here');
  assert.equal(c.regulation.findTime, 10 * 60_000);
  assert.equal(c.regulation.banTime, 30 * 60_000);
  assert.equal(c.passwordPolicy.standard.requireNumber, true);
  assert.deepEqual(
    c.accessControl.rules.map((x) => [x.domain, x.policy, x.subject]),
    [
      [['*.example.com'], 'two_factor', []],
      [['admin.example.com'], 'two_factor', [['group:admins']]],
    ],
  );
  assert.equal(c.storage.local?.path, '/config/db.sqlite3');
  assert.equal(c.default2faMethod, 'totp');
});

test('seed-003 "Step 5" access_control over the fixed config: path is not a key; a rule without domain', async () => {
  const r = await loadConfig(
    [join(seed, 'configuration-fixed.yml'), join(seed, 'access-control-step5.yml')],
    {},
  );
  assert.equal(r.ok, false);
  const errors = r.issues.filter((i) => i.severity === 'error');
  assert.deepEqual(
    errors.map((i) => [i.source?.file.endsWith('access-control-step5.yml'), i.source?.line, i.message]),
    [
      [
        true,
        6,
        "configuration key not expected: access_control.rules[0].path (did you mean 'resources' (a list of regexes such as '^/admin([/?].*)?$')?)",
      ],
      [
        true,
        17,
        "access_control: rule #4: option 'domain' or 'domain_regex' must be present but are both absent",
      ],
    ],
  );
});
