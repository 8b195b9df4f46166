import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { verifyPassword } from '../../authn/index.js';

const MAIN = new URL('../main.ts', import.meta.url).pathname;
const AUTHELIA_VECTOR =
  '$argon2id$v=19$m=65536,t=3,p=2$BpLnfgDsc2WD8F2q$o/vzA4myCqZZ36bUGsDY//8mKUYNZZaR0t4MFFSs+iM';

function cli(args: string[], input = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

const digestOf = (stdout: string) => /^Digest: (\S+)$/m.exec(stdout)?.[1] ?? '';

test('generate with no algorithm: argon2id at Authelia defaults, and the digest verifies', async () => {
  const r = await cli(['crypto', 'hash', 'generate', '--password', 'p@ssw0rd']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /^Digest: \$argon2id\$v=19\$m=65536,t=3,p=4\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}\n$/,
  );
  assert.equal(await verifyPassword('p@ssw0rd', digestOf(r.stdout)), true);
});

test('generate each algorithm with its flags', async () => {
  const cases: Array<[string[], RegExp]> = [
    [
      ['argon2', '-v', 'argon2i', '-i', '1', '-m', '1024', '-p', '2', '-k', '16', '-s', '8'],
      /^\$argon2i\$v=19\$m=1024,t=1,p=2\$[A-Za-z0-9+/]{11}\$[A-Za-z0-9+/]{22}$/,
    ],
    [['scrypt', '-i', '10', '-r', '4', '-p', '2'], /^\$scrypt\$ln=10,r=4,p=2\$/],
    [['pbkdf2', '-v', 'sha256', '-i', '1000'], /^\$pbkdf2-sha256\$1000\$/],
    [['sha2crypt', '-v', 'sha256', '-i', '1000', '-s', '8'], /^\$5\$rounds=1000\$[./0-9A-Za-z]{8}\$/],
    [['bcrypt', '-v', 'sha256', '--cost', '4'], /^\$bcrypt-sha256\$v=2,t=2b,r=4\$/],
  ];
  await Promise.all(
    cases.map(async ([args, shape]) => {
      const r = await cli(['crypto', 'hash', 'generate', ...args, '--password', 'secret']);
      assert.equal(r.code, 0, r.stderr);
      const digest = digestOf(r.stdout);
      assert.match(digest, shape);
      assert.equal(await verifyPassword('secret', digest), true, digest);
    }),
  );
});

test('--random prints the password first (and its URL-encoded form), then the digest of it', async () => {
  const r = await cli([
    'crypto',
    'hash',
    'generate',
    'sha2crypt',
    '-i',
    '1000',
    '--random',
    '--random.length',
    '20',
    '--random.charset',
    'ascii',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const pw = /^Random Password: (.{20})$/m.exec(r.stdout)?.[1];
  assert.ok(pw, r.stdout);
  if (/[^A-Za-z0-9\-_.~]/.test(pw)) assert.match(r.stdout, /^Random Password \(URL Encoded\): \S+$/m);
  assert.ok(r.stdout.indexOf('Random Password') < r.stdout.indexOf('Digest: '));
  assert.equal(await verifyPassword(pw, digestOf(r.stdout)), true);

  const alnum = await cli(['crypto', 'hash', 'generate', 'pbkdf2', '-i', '1000', '--random']);
  assert.match(alnum.stdout, /^Random Password: [A-Za-z0-9]{72}\nDigest: \$pbkdf2-sha512\$1000\$/);
});

test('without --password the password is read from stdin (one trailing newline dropped)', async () => {
  const r = await cli(['crypto', 'hash', 'generate', 'pbkdf2', '-i', '1000'], 'from stdin\n');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await verifyPassword('from stdin', digestOf(r.stdout)), true);
  const empty = await cli(['crypto', 'hash', 'generate', 'pbkdf2', '-i', '1000'], '');
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /no password provided/);
});

test("validate: match exits 0, mismatch exits 1, with Authelia's wording", async () => {
  const [ok, no] = await Promise.all([
    cli(['crypto', 'hash', 'validate', '--password', 'password', '--', AUTHELIA_VECTOR]),
    cli(['crypto', 'hash', 'validate', '--', AUTHELIA_VECTOR], 'Password\n'),
  ]);
  assert.deepEqual([ok.code, ok.stdout], [0, 'The password matches the digest.\n']);
  assert.deepEqual([no.code, no.stdout], [1, 'The password does not match the digest.\n']);
});

test('validate: an unknown or malformed digest is a clear error with exit code 2, never a crash', async () => {
  const [md5, garbage] = await Promise.all([
    cli(['crypto', 'hash', 'validate', '--password', 'x', '--', '$1$RVG/NTW3$1L1xty1fl1bUA8gAXXFbe0']),
    cli(['crypto', 'hash', 'validate', '--password', 'x', '--', '$argon2id$v=19$oops']),
  ]);
  assert.equal(md5.code, 2);
  assert.match(
    md5.stderr,
    /unknown password digest format '\$1\$' \(md5crypt\).*\[ERR_HASH_UNKNOWN_FORMAT\]/,
  );
  assert.equal(md5.stdout, '');
  assert.equal(garbage.code, 2);
  assert.match(garbage.stderr, /malformed argon2id digest.*\[ERR_HASH_MALFORMED\]/);
});

test('wrong usage exits 2 with a message', async () => {
  const results = await Promise.all([
    cli(['crypto', 'hash', 'generate', 'md5', '--password', 'x']),
    cli(['crypto', 'hash', 'generate', 'pbkdf2', '-m', '5', '--password', 'x']),
    cli(['crypto', 'hash', 'generate', 'bcrypt', '--cost', '40', '--password', 'x']),
    cli(['crypto', 'hash', 'generate', 'argon2', '-i', 'three', '--password', 'x']),
    cli(['crypto', 'hash', 'generate', 'scrypt', '-v', 'yescrypt', '--password', 'x']),
  ]);
  const [alg, flag, cost, nan, yes] = results;
  for (const r of results) assert.equal(r.code, 2, r.stderr);
  assert.match(alg!.stderr, /unknown algorithm 'md5'/);
  assert.match(flag!.stderr, /flag --memory does not apply to pbkdf2/);
  assert.match(cost!.stderr, /cost must be from 4 to 31/);
  assert.match(nan!.stderr, /must be a positive integer/);
  assert.match(yes!.stderr, /yescrypt .*not supported/);
});

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('--config takes the algorithm and parameters from authentication_backend.file.password; flags still win', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-crypto-'));
  dirs.push(dir);
  const config = join(dir, 'configuration.yml');
  writeFileSync(
    config,
    `authentication_backend:
  file:
    path: ${join(dir, 'users.yml')}
    password:
      algorithm: sha2crypt
      sha2crypt: {variant: sha256, iterations: 2000, salt_length: 10}
session:
  secret: 'a-very-long-and-random-session-secret-0123456789'
  cookies: [{domain: example.com, authelia_url: 'https://auth.example.com'}]
storage:
  encryption_key: 'a-very-long-and-random-storage-encryption-key-0123456789'
  local: {path: ${join(dir, 'db.sqlite3')}}
notifier:
  filesystem: {filename: ${join(dir, 'notification.txt')}}
access_control: {default_policy: one_factor}
identity_validation: {reset_password: {jwt_secret: 'a-very-long-and-random-jwt-secret-0123456789'}}
`,
  );
  const [fromConfig, overridden] = await Promise.all([
    cli(['crypto', 'hash', 'generate', '--config', config, '--password', 'x']),
    cli(['crypto', 'hash', 'generate', '--config', config, '-i', '3000', '--password', 'x']),
  ]);
  assert.equal(fromConfig.code, 0, fromConfig.stderr + fromConfig.stdout);
  assert.match(digestOf(fromConfig.stdout), /^\$5\$rounds=2000\$[./0-9A-Za-z]{10}\$/);
  assert.match(digestOf(overridden.stdout), /^\$5\$rounds=3000\$[./0-9A-Za-z]{10}\$/);
});

test('--help shows runnable examples', async () => {
  const r = await cli(['crypto', 'hash', 'generate', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /\$ portcullis crypto hash generate argon2 --password/);
  const v = await cli(['crypto', 'hash', 'validate', '--help']);
  assert.match(v.stdout, /\$ portcullis crypto hash validate --password 'password' -- '\$argon2id\$/);
});
