import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { withBase } from '../../../test/fixtures/config/base.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
let dir = '';
let config = '';

function run(args: string[]) {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'access-control', 'check-policy', ...args],
    {
      cwd: root,
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] },
    },
  );
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A table row: marker, rule number, then the six criteria, with any run of spaces between. */
const row = (marker: string, n: number, ...cells: string[]) =>
  new RegExp(`^${marker === '*' ? '\\*' : marker} ${n}\\s+${cells.join('\\s+')}$`, 'm');

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'portcullis-acl-'));
  config = join(dir, 'configuration.yml');
  // The rule set of Authelia's own CLI suite (internal/suites/CLI/configuration.yml).
  const rules = [
    { domain: 'public.example.com', policy: 'bypass' },
    { domain: 'admin.example.com', policy: 'two_factor' },
    { domain: 'secure.example.com', policy: 'two_factor' },
    { domain: 'singlefactor.example.com', policy: 'one_factor' },
    { domain: 'resources.example.com', policy: 'one_factor', resources: ['^/resources'] },
    { domain: 'method.example.com', policy: 'one_factor', methods: ['POST'] },
    { domain: 'network.example.com', policy: 'one_factor', networks: ['192.168.1.0/24'] },
    { domain: 'group.example.com', policy: 'one_factor', subject: ['group:basic'] },
    { domain: 'user.example.com', policy: 'one_factor', subject: ['user:john'] },
  ];
  writeFileSync(config, stringify(withBase({ access_control: { default_policy: 'bypass', rules } })));
});

test('check-policy --verbose: anonymous request, every rule listed, upstream wording', () => {
  const r = run(['--url=https://public.example.com', '--verbose', `--config=${config}`]);
  assert.equal(r.code, 0, r.err);
  assert.ok(
    r.out.startsWith("Performing policy check for request to 'https://public.example.com' method 'GET'.\n\n"),
  );
  assert.match(r.out, /^ {2}#\s+Domain\s+Resource\s+Query\s+Method\s+Network\s+Subject$/m);
  assert.match(r.out, row('*', 1, 'hit', 'hit', 'hit', 'hit', 'hit', 'hit'));
  assert.match(r.out, row(' ', 2, 'miss', 'hit', 'hit', 'hit', 'hit', 'hit'));
  assert.match(r.out, row(' ', 5, 'miss', 'miss', 'hit', 'hit', 'hit', 'hit'));
  assert.match(r.out, row(' ', 6, 'miss', 'hit', 'hit', 'miss', 'hit', 'hit'));
  assert.match(r.out, row(' ', 7, 'miss', 'hit', 'hit', 'hit', 'miss', 'hit'));
  assert.match(r.out, row(' ', 8, 'miss', 'hit', 'hit', 'hit', 'hit', 'may'));
  assert.match(r.out, row(' ', 9, 'miss', 'hit', 'hit', 'hit', 'hit', 'may'));
  // The per-criterion reasons, only for criteria the rule uses.
  assert.match(
    r.out,
    /Rule #6 \(one_factor\): miss, skipped: an earlier rule applies\n {4}domain\s+miss\s+host 'public.example.com' matches none of 'method.example.com'\n {4}methods\s+miss\s+GET is not one of POST\n/,
  );
  assert.match(r.out, /Rule #7 .*\n.*\n {4}networks\s+miss\s+no client IP; needs one of 192.168.1.0\/24\n/);
  assert.ok(r.out.trimEnd().endsWith("The policy 'bypass' from rule #1 will be applied to this request."));
});

test('check-policy: a known user, method, groups and IP; without --verbose the table stops at the applied rule', () => {
  const r = run([
    '--url=https://resources.example.com/resources/test',
    '--method=POST',
    '--username=john',
    '--groups=admin,test',
    '--ip=192.168.1.3',
    '-c',
    config,
  ]);
  assert.equal(r.code, 0, r.err);
  assert.match(
    r.out,
    /^Performing policy check for request to 'https:\/\/resources.example.com\/resources\/test' method 'POST' username 'john' groups 'admin,test' from IP '192.168.1.3'.\n\n/,
  );
  assert.match(r.out, row(' ', 4, 'miss', 'hit', 'hit', 'hit', 'hit', 'hit'));
  assert.match(r.out, row('*', 5, 'hit', 'hit', 'hit', 'hit', 'hit', 'hit'));
  assert.doesNotMatch(r.out, /^ {2}6 /m);
  assert.doesNotMatch(r.out, /Rule #/);
  assert.ok(
    r.out.trimEnd().endsWith("The policy 'one_factor' from rule #5 will be applied to this request."),
  );
});

test('check-policy: an anonymous user on a subject rule is a potential match, and traversal cannot reach /resources', () => {
  const anon = run(['--url=https://user.example.com/resources/test', '--method=HEAD', '-c', config]);
  assert.equal(anon.code, 0, anon.err);
  assert.match(anon.out, row('~', 9, 'hit', 'hit', 'hit', 'hit', 'hit', 'may'));
  assert.ok(
    anon.out.includes(
      "The policy 'one_factor' from rule #9 will potentially be applied to this request. Otherwise the policy 'bypass' from the default policy will be.",
    ),
  );
  const john = run([
    '--url=https://user.example.com/',
    '--username=john',
    '--groups',
    'a',
    '--groups',
    'b',
    '-c',
    config,
  ]);
  assert.match(john.out, /username 'john' groups 'a,b'\./);
  assert.match(john.out, row('*', 9, 'hit', 'hit', 'hit', 'hit', 'hit', 'hit'));
  const sneaky = run(['--url=https://resources.example.com/resources/..%2fadmin', '--verbose', '-c', config]);
  assert.match(sneaky.out, row(' ', 5, 'hit', 'miss', 'hit', 'hit', 'hit', 'hit'));
  assert.match(sneaky.out, /resources\s+miss\s+'\/admin' matches none of '\^\/resources'/);
  assert.match(
    sneaky.out,
    /from the default policy will be applied to this request as no rules matched the request\./,
  );
});

test('check-policy: no rules prints the default-policy sentence', () => {
  const empty = join(dir, 'empty.yml');
  writeFileSync(empty, stringify(withBase({ access_control: { default_policy: 'two_factor', rules: [] } })));
  const r = run(['--url=https://any.example.com/', '-c', empty]);
  assert.equal(r.code, 0, r.err);
  assert.equal(
    r.out,
    "\nThe default policy 'two_factor' will be applied to ALL requests as no rules are configured.\n\n",
  );
});

test('check-policy: an invalid configuration prints its issues and exits 1; a bad --url exits 2', () => {
  const bad = join(dir, 'bad.yml');
  writeFileSync(
    bad,
    stringify(
      withBase({
        access_control: { default_policy: 'deny', rules: [{ domain: 'a.example.com', policy: 'maybe' }] },
      }),
    ),
  );
  const r = run(['--url=https://a.example.com/', '-c', bad]);
  assert.equal(r.code, 1);
  assert.match(r.err, /bad\.yml:\d+:\d+: error: access_control: rule #1 .*'policy' must be one of/);
  assert.match(r.err, /failed to execute command due to errors in the configuration/);
  assert.equal(r.out, '');
  const usage = run(['--url=not a url', '-c', config]);
  assert.equal(usage.code, 2);
  assert.match(usage.err, /--url 'not a url' is not an absolute URL/);
});
