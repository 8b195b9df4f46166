/** examples/multi-instance: the configuration loads with postgres + redis, compose and config agree, the stack audit is clean. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/index.js';
import { auditStack, SEVERITIES } from '../../src/stack/index.js';

const EXAMPLE = 'examples/multi-instance';
const CONFIG = join(EXAMPLE, 'configuration.yml');

type Obj = Record<string, unknown>;
const compose = parse(readFileSync(join(EXAMPLE, 'compose.yml'), 'utf8')) as {
  services: Record<string, Obj>;
  secrets: Record<string, { file: string }>;
  networks: Record<string, Obj>;
};
const INSTANCES = ['portcullis-1', 'portcullis-2'];

/** The *_FILE variables compose gives the instances, pointed at temp files holding a value of the right kind. */
const secretsDir = mkdtempSync(join(tmpdir(), 'portcullis-multi-'));
after(() => rmSync(secretsDir, { recursive: true, force: true }));

function secretEnv(): NodeJS.ProcessEnv {
  const dir = secretsDir;
  const env: NodeJS.ProcessEnv = {};
  const environment = compose.services['portcullis-1']?.['environment'] as Record<string, string>;
  for (const name of Object.keys(environment)) {
    assert.match(name, /^PORTCULLIS_[A-Z_]+_FILE$/, `${name}: secrets come from files`);
    const file = join(dir, name);
    // What `openssl rand -hex 32` writes: 64 hex characters and a newline.
    writeFileSync(file, `${'0123456789abcdef'.repeat(4)}\n`);
    env[name] = file;
  }
  return env;
}

test('the example configuration loads without errors or warnings and selects postgres and redis', async () => {
  const r = await loadConfig([CONFIG], secretEnv());
  assert.ok(r.ok, JSON.stringify(r.issues));
  assert.deepEqual(
    r.issues.map((i) => `${i.severity}: ${i.message}`),
    [],
  );
  const { storage, session } = r.config;
  assert.equal(storage.local, undefined);
  assert.equal(storage.mysql, undefined);
  assert.equal(storage.postgres?.address, 'tcp://postgres:5432');
  assert.equal(storage.postgres?.database, 'portcullis');
  assert.equal(storage.postgres?.username, 'portcullis');
  assert.equal(storage.postgres?.password.length, 64);
  assert.equal(storage.encryptionKey.length, 64);
  assert.equal(session.redis?.host, 'redis');
  assert.equal(session.redis?.port, 6379);
  assert.equal(session.redis?.password.length, 64);
  assert.equal(session.secret.length, 64);
  assert.equal(r.config.server.address.port, 9091);
});

test('without its secret files the configuration is refused, so nothing secret hides in the file itself', async () => {
  const r = await loadConfig([CONFIG], {});
  assert.equal(r.ok, false);
  // Refused for the missing secrets, each named, and for nothing else.
  const errors = r.issues.filter((i) => i.severity === 'error').map((i) => i.message);
  assert.equal(errors.length, 3, errors.join('\n'));
  for (const key of ['jwt_secret', "'secret'", 'encryption_key']) {
    assert.ok(
      errors.some((m) => m.includes(key)),
      `no error names ${key}: ${errors.join('\n')}`,
    );
  }
});

test('both instances run the same configuration, secrets and image; compose declares every secret they use', () => {
  const [a, b] = INSTANCES.map((n) => compose.services[n] as Obj);
  for (const key of ['image', 'command', 'environment', 'secrets', 'volumes', 'networks', 'user']) {
    assert.deepEqual(a?.[key], b?.[key], `portcullis-1 and portcullis-2 differ in ${key}`);
  }
  for (const [name, svc] of Object.entries(compose.services)) {
    for (const s of (svc['secrets'] as string[] | undefined) ?? []) {
      assert.ok(compose.secrets[s], `${name} uses secret ${s}, which compose.yml does not declare`);
    }
    const env = (svc['environment'] as Record<string, string> | undefined) ?? {};
    for (const [k, v] of Object.entries(env)) {
      if (!k.endsWith('_FILE')) continue;
      const secret = v.replace(/^\/run\/secrets\//, '');
      assert.ok((svc['secrets'] as string[]).includes(secret), `${name}: ${k} names ${v}, not mounted`);
    }
  }
  // The databases are on the internal network only and publish nothing.
  for (const db of ['postgres', 'redis']) {
    assert.equal(compose.services[db]?.['ports'], undefined);
    assert.deepEqual(compose.services[db]?.['networks'], ['backend']);
  }
  assert.equal(compose.networks['backend']?.['internal'], true);
});

test('Caddy balances forward-auth and the portal over both instances', () => {
  const caddyfile = readFileSync(join(EXAMPLE, 'Caddyfile'), 'utf8');
  assert.match(caddyfile, /forward_auth portcullis-1:9091 portcullis-2:9091 \{/);
  assert.match(caddyfile, /reverse_proxy portcullis-1:9091 portcullis-2:9091 \{/);
  assert.match(caddyfile, /uri \/api\/authz\/forward-auth/);
  assert.match(caddyfile, /copy_headers Remote-User Remote-Groups Remote-Name Remote-Email/);
  assert.equal(caddyfile.match(/health_uri \/api\/health/g)?.length, 2);
});

test('the stack audit finds nothing above info in the example', () => {
  const audit = auditStack([EXAMPLE]);
  const info = SEVERITIES.indexOf('info');
  const worse = audit.findings.filter((f) => SEVERITIES.indexOf(f.severity) < info);
  assert.deepEqual(
    worse.map((f) => `${f.severity} ${f.id} ${f.file}:${f.line} ${f.message}`),
    [],
  );
  // It read all four files: compose, Caddyfile, configuration and users.
  assert.equal(audit.files.length, 4, JSON.stringify(audit.files));
  assert.deepEqual(audit.routes.map((r) => [r.host, r.protected || r.exempt === 'portal']).sort(), [
    ['app.portcullis.localhost', true],
    ['auth.portcullis.localhost', true],
  ]);
});
