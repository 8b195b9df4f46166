/* biome-ignore-all lint/suspicious/noTemplateCurlyInString: compose \${VAR} syntax is the subject under test */
/** Stack audit against fixtures reconstructed from every seed: exact finding ids, hardened stack clean, output shapes, CLI. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { interpolate, parsePort } from './compose.js';
import { auditStack, formatJson, formatSarif, renderSvg } from './index.js';

const FIX = 'test/fixtures/stack';
const ids = (dir: string, minRank = 'info') => {
  const order = ['info', 'low', 'medium', 'high', 'critical'];
  return auditStack([join(FIX, dir)])
    .findings.filter((f) => order.indexOf(f.severity) >= order.indexOf(minRank))
    .map((f) => `${f.id}@${f.subject}`)
    .sort();
};

describe('seed fixtures produce exactly the expected findings (above info)', () => {
  it('seed 000 caddy stack', () => {
    assert.deepEqual(ids('seed000-caddy', 'low'), [
      'container.cap-drop-missing@authelia',
      'container.cap-drop-missing@caddy',
      'container.cap-drop-missing@jellyfin',
      'container.image-latest@authelia',
      'container.image-latest@caddy',
      'container.image-latest@jellyfin',
      'container.no-new-privileges-missing@authelia',
      'container.no-new-privileges-missing@caddy',
      'container.no-new-privileges-missing@jellyfin',
      'proxy.forward-auth-no-upstream@*.home.local',
      'secrets.placeholder@authelia',
      'secrets.shell-substitution@authelia',
      'secrets.shell-substitution@authelia',
      'segmentation.sensitive-port-published@authelia',
    ]);
  });
  it('seed 000 hardened nextcloud: only the placeholder password, no reuse between app and its own database', () => {
    assert.deepEqual(ids('seed000-nextcloud'), [
      'secrets.placeholder@nextcloud',
      'secrets.placeholder@postgres',
    ]);
  });
  it('seed 001: open example.home route and unset ${DB_ROOT_PASSWORD}; photos.home, the portal, mysql segmentation are fine', () => {
    assert.deepEqual(ids('seed001', 'low'), [
      'compose.unset-variable@mysql',
      'container.cap-drop-missing@mysql',
      'container.cap-drop-missing@nextcloud',
      'container.cap-drop-missing@ssh-bastion',
      'container.no-new-privileges-missing@mysql',
      'container.no-new-privileges-missing@nextcloud',
      'container.no-new-privileges-missing@ssh-bastion',
      'proxy.unprotected-route@example.home',
    ]);
  });
  it('seed 002: no shadowing (specific rules precede the wildcard), proxmox is two_factor', () => {
    assert.deepEqual(ids('seed002'), ['access.notifier-missing@notifier', 'access.storage-missing@storage']);
  });
  it('seed 003: *.example.com shadows admin.example.com, placeholders, nginx without 401 mapping', () => {
    assert.deepEqual(ids('seed003', 'low'), [
      'access.notifier-missing@notifier', // step5 fragment
      'access.rule-no-domain@rule #4',
      'access.shadowed-rule@rule #2 (admin.example.com)',
      'access.storage-missing@storage',
      'access.storage-missing@storage',
      'container.cap-drop-missing@authelia',
      'container.cap-drop-missing@redis',
      'container.image-latest@authelia',
      'container.no-new-privileges-missing@authelia',
      'container.no-new-privileges-missing@redis',
      'proxy.nginx-no-401-redirect@nextcloud.example.com',
      'secrets.placeholder@jwt_secret',
      'secrets.placeholder@redis',
      'secrets.placeholder@session.redis.password',
      'secrets.placeholder@session.secret',
      'segmentation.sensitive-port-published@authelia',
      'users.invalid-hash@admin',
      'users.invalid-hash@user',
    ]);
    const shadow = auditStack([join(FIX, 'seed003')]).findings.find((f) => f.id === 'access.shadowed-rule');
    assert.equal(shadow?.line, 33);
  });
  it('synthetic bad stack: every remaining check fires once, at the right line', () => {
    const got = auditStack([join(FIX, 'bad')])
      .findings.filter((f) => f.severity !== 'info')
      .map((f) => `${f.id}@${f.subject}:${f.line}`)
      .sort();
    assert.deepEqual(got, [
      'access.default-policy-not-deny@access_control:8',
      'access.long-inactivity@session:3',
      'access.regulation-disabled@regulation:13',
      'access.weak-policy-admin-app@proxmox.example.com:11',
      'container.docker-socket@proxy:15',
      'container.host-path-rw@tool:22',
      'container.image-latest@tool:18',
      'container.network-mode-host@tool:20',
      'container.privileged@tool:19',
      'proxy.forward-auth-no-copy-headers@grafana.example.com:10',
      'proxy.portal-behind-auth@auth.example.com:1',
      'proxy.portal-behind-auth@secure.example.com /portal:26',
      'proxy.spoofable-identity-header@secure.example.com /:22',
      'proxy.unprotected-route@admin.example.com /:4',
      'secrets.inline-env@app:35',
      'secrets.inline-env@db:30',
      'secrets.inline-env@worker:40',
      'secrets.reused@worker:40',
      'secrets.short@storage.encryption_key:15',
      'segmentation.db-shares-internet-network@db:28',
      'segmentation.default-network@app:31',
      'segmentation.default-network@worker:36',
      'segmentation.sensitive-port-published@db:27',
    ]);
  });
  it('the hardened stack reports nothing at all', () => {
    assert.deepEqual(ids('hardened'), []);
  });
});

describe('readers', () => {
  it('interpolates ${VAR}, defaults and $$, and keeps $(…) literal', () => {
    const unset: string[] = [];
    const env = new Map([
      ['A', 'x'],
      ['E', ''],
    ]);
    assert.equal(
      interpolate('${A}-${B:-d}-${E:-e}-${E-e}-$$-$(openssl rand)-${A:+alt}-${E:+alt}', env, (n) =>
        unset.push(n),
      ),
      'x-d-e--$-$(openssl rand)-alt-',
    );
    interpolate('${MISSING}', env, (n) => unset.push(n));
    assert.deepEqual(unset, ['MISSING']);
  });
  it('parses port forms', () => {
    const at = { file: 'f', line: 1 };
    assert.equal(parsePort('127.0.0.1:9091:9091', at)?.allInterfaces, false);
    assert.equal(parsePort('9091:9091', at)?.allInterfaces, true);
    assert.equal(parsePort({ target: 80, published: 8080, host_ip: '::1' }, at)?.allInterfaces, false);
  });
  it('broken files become findings with file:line, and the audit goes on', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stack-'));
    writeFileSync(join(dir, 'docker-compose.yml'), 'services:\n  a:\n    image: x:1\n   bad: [\n');
    writeFileSync(
      join(dir, 'nginx.conf'),
      'server {\n  include missing.conf;\n  location / { proxy_pass http://a }\n',
    );
    writeFileSync(join(dir, 'Caddyfile'), 'a.example.com {\n  reverse_proxy a:80\n');
    const got = auditStack([dir]).findings.map((f) => `${f.id}:${f.line}`);
    assert.ok(got.includes('nginx.include-missing:2'));
    assert.ok(got.some((g) => g.startsWith('stack.unparsable')));
    assert.ok(got.includes('proxy.unprotected-route:1'), 'the Caddy site is still audited');
  });
  it('merges compose files of one directory and resolves extends', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stack-'));
    writeFileSync(
      join(dir, 'docker-compose.yml'),
      'services:\n  base:\n    image: app:1\n    privileged: true\n  web:\n    extends: { service: base }\n',
    );
    writeFileSync(
      join(dir, 'docker-compose.override.yml'),
      'services:\n  web:\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n',
    );
    const got = auditStack([dir])
      .findings.filter((f) => f.severity === 'critical')
      .map((f) => `${f.id}@${f.subject}`)
      .sort();
    assert.deepEqual(got, [
      'container.docker-socket@web',
      'container.privileged@base',
      'container.privileged@web',
    ]);
  });
});

describe('output', () => {
  const a = auditStack([join(FIX, 'seed003')]);
  it('json lists services, routes, reachability and findings', () => {
    const j = JSON.parse(formatJson(a));
    assert.deepEqual(j.services.map((s: { name: string }) => s.name).sort(), ['authelia', 'redis']);
    assert.deepEqual(j.reachability, [{ from: 'authelia', to: 'redis', via: ['proxy'] }]);
    assert.equal(j.findings.length, a.findings.length);
  });
  it('sarif has the 2.1.0 shape', () => {
    const s = JSON.parse(formatSarif(a));
    assert.equal(s.version, '2.1.0');
    const run = s.runs[0];
    assert.ok(run.tool.driver.rules.some((r: { id: string }) => r.id === 'access.shadowed-rule'));
    for (const r of run.results) {
      assert.ok(['error', 'warning', 'note'].includes(r.level));
      assert.ok(r.locations[0].physicalLocation.region.startLine >= 1);
      assert.ok(run.tool.driver.rules.some((x: { id: string }) => x.id === r.ruleId));
    }
  });
  it('graph names every service and marks problems', () => {
    const svg = renderSvg(auditStack([join(FIX, 'seed000-caddy')]));
    for (const n of ['authelia', 'caddy', 'jellyfin', 'jellyfin.home.local']) assert.ok(svg.includes(n), n);
    assert.match(svg, /class="service problem" data-name="authelia"/);
    assert.doesNotMatch(svg, /class="service problem" data-name="jellyfin"/);
  });
});

describe('cli', () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'stack', 'audit', ...args], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
  it('--fail-on exit codes', () => {
    assert.equal(run(join(FIX, 'seed003'), '--fail-on', 'high').status, 1);
    assert.equal(run(join(FIX, 'hardened'), '--fail-on', 'info').status, 0);
    assert.equal(run(join(FIX, 'seed000-nextcloud'), '--fail-on', 'critical').status, 0);
    assert.equal(run(join(FIX, 'hardened'), '--fail-on', 'bogus').status, 2);
    assert.equal(run(join(FIX, 'hardened'), '--format', 'xml').status, 2);
  });
  it('text report is grouped by severity without colour when NO_COLOR is set, and writes the graph', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'stack-')), 'g.html');
    const r = run(join(FIX, 'seed003'), '--graph', out);
    assert.equal(r.status, 0);
    assert.ok(r.stdout.indexOf('HIGH (') < r.stdout.indexOf('MEDIUM ('));
    assert.ok(!r.stdout.includes('\x1b['));
    assert.match(readFileSync(out, 'utf8'), /<svg[\s\S]*authelia[\s\S]*access\.shadowed-rule/);
  });
});
