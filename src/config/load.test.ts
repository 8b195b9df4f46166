import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { baseConfig, withBase } from '../../test/fixtures/config/base.js';
import { ConfigError } from '../core/index.js';
import { configFromObject, loadConfig, loadConfigOrThrow } from './load.js';

const dir = mkdtempSync(join(tmpdir(), 'portcullis-config-'));
let n = 0;
function file(text: string, name = `c${n++}.yml`): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

test('a valid file loads into a deep-frozen Config with defaults and durations in ms', async () => {
  const r = await loadConfig([file(stringify(withBase({ regulation: { find_time: '1m' } })))], {});
  assert.ok(r.ok, JSON.stringify(r.issues));
  const c = r.config;
  assert.equal(c.regulation.findTime, 60_000);
  assert.equal(c.regulation.banTime, 300_000);
  assert.equal(c.regulation.maxRetries, 3);
  assert.equal(c.session.cookies[0]?.expiration, 3_600_000);
  assert.equal(c.session.cookies[0]?.rememberMe, 30 * 24 * 3_600_000);
  assert.deepEqual(c.server.address, { scheme: 'tcp', host: '', port: 9091, socketPath: '', path: '' });
  assert.deepEqual(
    c.server.endpoints.authz.map((e) => e.name),
    ['forward-auth', 'auth-request', 'ext-authz', 'legacy'],
  );
  assert.ok(
    Object.isFrozen(c) && Object.isFrozen(c.session.cookies[0]) && Object.isFrozen(c.accessControl.rules),
  );
  assert.throws(() => {
    (c.regulation as { maxRetries: number }).maxRetries = 9;
  }, TypeError);
  assert.ok(c.server.trustedProxies.includes('192.168.0.0/16'));
});

test('later files win, maps deep-merge, lists are replaced', async () => {
  const a = file(stringify(withBase({ log: { level: 'debug', format: 'json' } })));
  const b = file(
    stringify({
      log: { level: 'warn' },
      access_control: { rules: [{ domain: 'b.example.com', policy: 'two_factor' }] },
    }),
  );
  const r = await loadConfig([a, b], {});
  assert.ok(r.ok, JSON.stringify(r.issues));
  assert.equal(r.config.log.level, 'warn');
  assert.equal(r.config.log.format, 'json');
  assert.deepEqual(
    r.config.accessControl.rules.map((x) => x.domain),
    [['b.example.com']],
  );
  assert.deepEqual(r.config.sources, [a, b]);
});

test('a directory contributes its *.yml and *.yaml files, sorted', async () => {
  const d = join(dir, 'conf.d');
  mkdirSync(d);
  writeFileSync(join(d, '10-base.yml'), stringify(baseConfig()));
  writeFileSync(join(d, '20-log.yaml'), 'log: {level: debug}\n');
  writeFileSync(join(d, '30-log.yml'), 'log: {level: error}\n');
  writeFileSync(join(d, 'notes.txt'), 'not: yaml: at all: [');
  const r = await loadConfig([d], {});
  assert.ok(r.ok, JSON.stringify(r.issues));
  assert.equal(r.config.log.level, 'error');
  assert.equal(r.config.sources.length, 3);
});

test('X_AUTHELIA_CONFIG (comma-separated) is used when no files are given', async () => {
  const a = file(stringify(baseConfig()));
  const b = file('theme: dark\n');
  const r = await loadConfig([], { X_AUTHELIA_CONFIG: `${a},${b}` });
  assert.ok(r.ok, JSON.stringify(r.issues));
  assert.equal(r.config.theme, 'dark');
});

test('a missing file is one clear error', async () => {
  const r = await loadConfig([join(dir, 'nope.yml')], {});
  assert.equal(r.ok, false);
  assert.equal(r.issues.length, 1);
  assert.match(
    r.issues[0]?.message ?? '',
    /failed to load configuration from file path\(.*nope\.yml\) source: ENOENT/,
  );
});

test('YAML syntax errors carry file:line:col', async () => {
  const p = file('log:\n  level: debug\n  format: [json\n');
  const r = await loadConfig([p], {});
  assert.equal(r.ok, false);
  const issue = r.issues[0];
  assert.equal(issue?.source?.file, p);
  assert.ok((issue?.source?.line ?? 0) >= 3);
  assert.match(issue?.message ?? '', /^error parsing YAML/);
});

test('issues point at the line and column of the offending key', async () => {
  const text = stringify(
    withBase({ access_control: { rules: [{ domain: 'a.example.com', policy: 'sometimes' }] } }),
  );
  const p = file(text);
  const r = await loadConfig([p], {});
  assert.equal(r.ok, false);
  const issue = r.issues.find((i) => i.message.includes("option 'policy' must be one of"));
  assert.ok(issue, JSON.stringify(r.issues));
  const line = text.split('\n').findIndex((l) => l.includes('policy: sometimes')) + 1;
  assert.equal(issue.source?.line, line);
  assert.equal(issue.path, 'access_control.rules[0].policy');
  assert.equal(
    issue.message,
    "access_control: rule #1 (domain 'a.example.com'): option 'policy' must be one of 'bypass', 'one_factor', 'two_factor', or 'deny' but it's configured as 'sometimes'",
  );
});

test('all issues are collected, errors sorted before warnings', () => {
  const r = configFromObject(
    withBase({
      theme: 'neon',
      log: { level: 'loud' },
      storage: { encryption_key: 'short' },
      jwt_secret: 'x',
      identity_validation: undefined,
    }),
  );
  assert.equal(r.ok, false);
  const errors = r.issues.filter((i) => i.severity === 'error').map((i) => i.message);
  assert.ok(errors.length >= 3, errors.join('\n'));
  assert.ok(errors.some((m) => m.startsWith("option 'theme' must be one of")));
  assert.ok(errors.some((m) => m.startsWith("log: option 'level' must be one of")));
  assert.ok(errors.includes("storage: option 'encryption_key' must be 20 characters or longer"));
  const firstWarning = r.issues.findIndex((i) => i.severity === 'warning');
  assert.ok(firstWarning > 0 && r.issues.slice(firstWarning).every((i) => i.severity === 'warning'));
});

test('loadConfigOrThrow throws ConfigError with every issue', async () => {
  const p = file(stringify(withBase({ storage: { encryption_key: 'short' }, theme: 'neon' })));
  await assert.rejects(loadConfigOrThrow([p], {}), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.code, 'ERR_CONFIG_INVALID');
    assert.equal(e.issues.filter((i) => i.severity === 'error').length, 2);
    return true;
  });
  const ok = await loadConfigOrThrow([file(stringify(baseConfig()))], {});
  assert.equal(ok.config.storage.local?.path, '/config/db.sqlite3');
});

test('configFromObject leaves the input untouched and gives issues without positions', () => {
  const input = withBase({
    jwt_secret: 'a_jwt_secret_that_is_long_enough_456',
    identity_validation: undefined,
  });
  const copy = structuredClone(input);
  const r = configFromObject(input);
  assert.ok(r.ok, JSON.stringify(r.issues));
  assert.deepEqual(input, copy);
  assert.ok(r.issues.every((i) => i.source === undefined));
  assert.equal(r.config.identityValidation.resetPassword.jwtSecret, 'a_jwt_secret_that_is_long_enough_456');
});

test('an unreadable _FILE secret is an error naming the variable and the file', async () => {
  const secret = join(dir, 'missing-secret');
  const r = await loadConfig([file(stringify(baseConfig()))], {
    AUTHELIA_SESSION_REDIS_PASSWORD_FILE: secret,
  });
  assert.equal(r.ok, false);
  const m = r.issues.map((i) => i.message).join('\n');
  assert.match(m, /AUTHELIA_SESSION_REDIS_PASSWORD_FILE/);
  assert.ok(m.includes(secret));
  if (process.getuid?.() !== 0) {
    const locked = join(dir, 'locked-secret');
    writeFileSync(locked, 'x');
    chmodSync(locked, 0o000);
    const r2 = await loadConfig([file(stringify(baseConfig()))], {
      AUTHELIA_SESSION_REDIS_PASSWORD_FILE: locked,
    });
    assert.match(r2.issues.map((i) => i.message).join('\n'), /file permission error occurred/);
  }
});
