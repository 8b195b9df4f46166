import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { baseConfig } from '../../../test/fixtures/config/base.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const seed = 'test/fixtures/seed-003';

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'], ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('config validate: the seed prints every issue, errors first, and exits 1', () => {
  const r = run(['config', 'validate', '-c', `${seed}/configuration.yml`]);
  assert.equal(r.code, 1, r.err);
  const out = r.out.trim().split('\n');
  assert.equal(out.length, 9);
  assert.equal(out[0], `${seed}/configuration.yml:2:1: error: storage: option 'encryption_key' is required`);
  assert.ok(out.slice(0, 5).every((l) => l.includes(': error: ')));
  assert.ok(out.slice(5).every((l) => l.includes(': warning: ')));
  assert.ok(
    out.includes(
      `${seed}/configuration.yml:13:3: error: configuration key not expected: session.lifetime (did you mean 'session.expiration'?)`,
    ),
  );
  assert.ok(!r.out.includes('successfully'));
});

test('config validate: a valid configuration prints warnings then the success line and exits 0', () => {
  const r = run(['config', 'validate', '--config', `${seed}/configuration-fixed.yml`]);
  assert.equal(r.code, 0, r.out + r.err);
  const out = r.out.trim().split('\n');
  assert.equal(out[out.length - 1], 'Configuration parsed and loaded successfully without errors.');
  assert.equal(out.filter((l) => l.includes(': warning: ')).length, 4);
});

test('config validate: -c is repeatable and X_AUTHELIA_CONFIG is the fallback', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-cli-'));
  const base = join(dir, 'base.yml');
  writeFileSync(base, stringify(baseConfig()));
  const bad = join(dir, 'bad.yml');
  writeFileSync(bad, 'log:\n  level: loud\n');
  const both = run(['config', 'validate', '-c', base, '-c', bad]);
  assert.equal(both.code, 1);
  assert.equal(
    both.out.trim(),
    `${bad}:2:3: error: log: option 'level' must be one of 'trace', 'debug', 'info', 'warn', or 'error' but it's configured as 'loud'`,
  );
  const env = run(['config', 'validate'], { X_AUTHELIA_CONFIG: base });
  assert.equal(env.code, 0, env.out + env.err);
  assert.equal(env.out.trim(), 'Configuration parsed and loaded successfully without errors.');
  const secret = run(['config', 'validate', '-c', base], {
    AUTHELIA_NOTIFIER_SMTP_PASSWORD_FILE: join(dir, 'absent'),
  });
  assert.equal(secret.code, 1);
  assert.match(
    secret.out,
    /error: secrets: error loading secret path .*absent into key 'notifier.smtp.password' \(environment variable AUTHELIA_NOTIFIER_SMTP_PASSWORD_FILE\)/,
  );
});

test('config validate --help shows a runnable example', () => {
  const r = run(['config', 'validate', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.out, /\$ portcullis config validate --config \/config\/configuration.yml/);
});
