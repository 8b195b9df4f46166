import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { stringify } from 'yaml';
import { runCli } from '../../../test/harness/cli.js';
import { baseConfig } from '../../../test/harness/gateway.js';
import { openStorage } from '../../app/index.js';
import { loadConfigOrThrow } from '../../config/index.js';
import { SQLITE_MIGRATIONS } from '../../storage/migrations/sqlite.js';
import { EXIT } from '../exit-codes.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const NEWEST = SQLITE_MIGRATIONS.at(-1)?.version ?? 0;

/** A temp dir with a configuration.yml whose storage is a fresh SQLite file there. */
function workspace(change: (c: Record<string, unknown>) => void = () => {}) {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-cli-storage-'));
  dirs.push(dir);
  const obj = baseConfig(dir);
  change(obj);
  const config = join(dir, 'configuration.yml');
  writeFileSync(config, stringify(obj));
  return { dir, config, db: join(dir, 'db.sqlite3') };
}

const run = (args: string[]) => runCli(['storage', ...args]);

async function storageOf(config: string) {
  const { config: cfg } = await loadConfigOrThrow([config], {});
  return openStorage(cfg.storage);
}

test('migrate up --target, history, up, down without and with --target', async () => {
  const w = workspace();
  let r = await run(['migrate', 'history', `--config=${w.config}`]);
  assert.equal(r.code, EXIT.OK, r.err);
  assert.match(r.out, /No migration history/);

  r = await run(['migrate', 'up', '--target', '1', `--config=${w.config}`]);
  assert.equal(r.code, EXIT.OK, r.err);
  assert.equal(r.out, 'Storage schema migration from 0 to 1 is complete\n');

  r = await run(['migrate', 'history', '-c', w.config]);
  assert.equal(r.code, EXIT.OK, r.err);
  assert.match(
    r.out,
    /^Migration History:\n\nVersion\s+Name\s+Applied At\n1\s+initial\s+\d{4}-\d\d-\d\dT[\d:.]+Z\n$/,
  );

  r = await run(['migrate', 'up', `--config=${w.config}`]);
  assert.equal(r.code, EXIT.OK, r.err);
  assert.equal(r.out, `Storage schema migration from 1 to ${NEWEST} is complete\n`);
  r = await run(['migrate', 'up', `--config=${w.config}`]);
  assert.equal(r.code, EXIT.OK, r.err);
  assert.match(r.out, new RegExp(`already at version ${NEWEST}: nothing to do`));

  r = await run(['migrate', 'history', `--config=${w.config}`]);
  for (const m of SQLITE_MIGRATIONS) assert.match(r.out, new RegExp(`^${m.version}\\s+${m.name}\\s`, 'm'));

  // Down is refused without an explicit target, and asks nothing.
  r = await run(['migrate', 'down', `--config=${w.config}`]);
  assert.equal(r.code, EXIT.USAGE);
  assert.match(r.err, /you must set a target version with --target/);

  r = await run(['migrate', 'down', '--target', '0', `--config=${w.config}`]);
  assert.equal(r.code, EXIT.OK, r.err);
  assert.equal(r.out, `Storage schema migration from ${NEWEST} to 0 is complete\n`);
  r = await run(['migrate', 'history', `--config=${w.config}`]);
  assert.match(r.out, /No migration history/);
});

test('migrate: out-of-range targets are usage errors; a newer database is refused', async () => {
  const w = workspace();
  for (const [args, message] of [
    [['up', '--target', String(NEWEST + 1)], /greater than the newest version/],
    [['up', '--target', 'two'], /--target 'two' must be a whole number/],
    [['down', '--target', '-1'], /--target '-1' must be a whole number/],
    [['down', '--target', '1'], /greater than the current version 0/],
  ] as const) {
    const r = await run(['migrate', ...args, `--config=${w.config}`]);
    assert.equal(r.code, EXIT.USAGE, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, message);
  }
  assert.equal((await run(['migrate', 'up', `--config=${w.config}`])).code, EXIT.OK);
  const r = await run(['migrate', 'up', '--target', '1', `--config=${w.config}`]);
  assert.equal(r.code, EXIT.USAGE);
  assert.match(r.err, /use 'storage migrate down'/);

  const s = await storageOf(w.config);
  await s.sql.run("INSERT INTO migrations (version, name, applied_at) VALUES (?, 'future', 0)", [NEWEST + 5]);
  await s.close();
  const newer = await run(['migrate', 'up', `--config=${w.config}`]);
  assert.equal(newer.code, EXIT.RUNTIME);
  assert.match(newer.err, /used by a newer release.*\[ERR_STORAGE_MIGRATION\]/);
});

test('totp generate prints the otpauth URI, refuses to overwrite without --force, honours the flags', async () => {
  const w = workspace((c) => {
    c['totp'] = { issuer: 'example.com', digits: 6 };
  });
  let r = await run(['user', 'totp', 'generate', 'john', `--config=${w.config}`]);
  assert.equal(r.code, EXIT.OK, r.err);
  const m =
    /^Successfully generated TOTP configuration for user 'john' with URI '(otpauth:\/\/[^']+)'\n$/.exec(
      r.out,
    );
  assert.ok(m?.[1], r.out);
  const uri = new URL(m[1]);
  assert.equal(decodeURIComponent(uri.pathname), '/example.com:john');
  assert.deepEqual(
    [uri.searchParams.get('issuer'), uri.searchParams.get('algorithm'), uri.searchParams.get('digits')],
    ['example.com', 'SHA1', '6'],
  );
  // secret_size 32 bytes → 52 base32 characters, and it is what the database holds (decrypted).
  assert.equal(uri.searchParams.get('secret')?.length, 52);
  let s = await storageOf(w.config);
  const stored = await s.totp.get('john');
  await s.close();
  assert.equal(stored?.secret.length, 32);

  r = await run(['user', 'totp', 'generate', 'john', `--config=${w.config}`]);
  assert.equal(r.code, EXIT.FAILED);
  assert.match(r.err, /john already has a TOTP configuration, use --force to overwrite/);

  const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
  r = await run([
    'user',
    'totp',
    'generate',
    'john',
    '--force',
    '--secret',
    secret,
    '--algorithm',
    'sha256',
    '--digits',
    '8',
    '--period',
    '60',
    '--issuer',
    'Portcullis Test',
    `--config=${w.config}`,
  ]);
  assert.equal(r.code, EXIT.OK, r.err);
  const forced = new URL(/URI '([^']+)'/.exec(r.out)?.[1] ?? '');
  assert.equal(forced.searchParams.get('secret'), secret);
  assert.equal(forced.searchParams.get('algorithm'), 'SHA256');
  assert.equal(forced.searchParams.get('digits'), '8');
  assert.equal(forced.searchParams.get('period'), '60');
  assert.equal(forced.searchParams.get('issuer'), 'Portcullis Test');
  s = await storageOf(w.config);
  const restored = await s.totp.get('john');
  await s.close();
  assert.deepEqual(
    [restored?.algorithm, restored?.digits, restored?.period, restored?.secret.toString('hex')],
    ['SHA256', 8, 60, Buffer.from('Hello!\xde\xad\xbe\xefHello!\xde\xad\xbe\xef', 'latin1').toString('hex')],
  );
  // Each enrolment from the command line is in the audit log, like one from the portal; so is a deletion.
  r = await run(['user', 'totp', 'delete', 'john', `--config=${w.config}`]);
  assert.equal(r.code, EXIT.OK, r.err);
  s = await storageOf(w.config);
  const audited = await s.sql.all<{ type: string; username: string; data: string }>(
    "SELECT type, username, data FROM audit_log WHERE type LIKE 'device.%' ORDER BY seq",
  );
  await s.close();
  assert.deepEqual(
    audited.map((a) => [a.type, a.username, JSON.parse(a.data)]),
    [
      ['device.registered', 'john', { kind: 'totp', source: 'cli' }],
      ['device.registered', 'john', { kind: 'totp', source: 'cli' }],
      ['device.removed', 'john', { kind: 'totp', source: 'cli' }],
    ],
  );
});

test('totp generate: bad flags are usage errors and store nothing', async () => {
  const w = workspace();
  for (const [flags, message] of [
    [['--digits', '7'], /--digits '7' must be 6 or 8/],
    [['--algorithm', 'MD5'], /--algorithm 'MD5' must be SHA1, SHA256 or SHA512/],
    [['--period', '0'], /--period '0' must be a whole number of at least 1/],
    [['--secret', 'not base32!'], /--secret must be base32/],
    [['--secret-size', '10'], /--secret-size '10' must be a whole number of at least 20/],
  ] as const) {
    const r = await run(['user', 'totp', 'generate', 'john', ...flags, `--config=${w.config}`]);
    assert.equal(r.code, EXIT.USAGE, `${flags.join(' ')}: ${r.err}`);
    assert.match(r.err, message);
  }
  const missing = await run(['user', 'totp', 'generate', `--config=${w.config}`]);
  assert.equal(missing.code, EXIT.USAGE);
  assert.match(missing.err, /missing required argument 'username'/);
  const s = await storageOf(w.config);
  assert.equal(await s.totp.get('john'), undefined);
  await s.close();
});

test('totp delete and export uri', async () => {
  const w = workspace();
  for (const u of ['harry', 'bob']) {
    assert.equal((await run(['user', 'totp', 'generate', u, `--config=${w.config}`])).code, EXIT.OK);
  }
  let r = await run(['user', 'totp', 'export', 'uri', `--config=${w.config}`]);
  assert.equal(r.code, EXIT.OK, r.err);
  const lines = r.out.split('\n');
  assert.match(lines[0] ?? '', /^otpauth:\/\/totp\/Authelia:bob\?/);
  assert.match(lines[1] ?? '', /^otpauth:\/\/totp\/Authelia:harry\?/);
  assert.match(r.out, /Successfully exported 2 TOTP configurations as TOTP URI's/);

  r = await run(['user', 'totp', 'delete', 'bob', `--config=${w.config}`]);
  assert.equal(r.code, EXIT.OK, r.err);
  assert.equal(r.out, "Successfully deleted TOTP configuration for user 'bob'\n");
  r = await run(['user', 'totp', 'delete', 'bob', `--config=${w.config}`]);
  assert.equal(r.code, EXIT.FAILED);
  assert.match(r.err, /failed to delete TOTP configuration for user 'bob'/);
  r = await run(['user', 'totp', 'export', 'uri', `--config=${w.config}`]);
  assert.match(r.out, /Successfully exported 1 TOTP configurations/);
  assert.doesNotMatch(r.out, /:bob\?/);
});

test('a wrong storage.encryption_key refuses the TOTP commands with a clear message', async () => {
  const w = workspace();
  assert.equal((await run(['user', 'totp', 'generate', 'john', `--config=${w.config}`])).code, EXIT.OK);
  const other = join(w.dir, 'other.yml');
  writeFileSync(
    other,
    stringify({ storage: { encryption_key: 'a_completely_different_key_of_40_chars_x' } }),
  );
  const r = await run(['user', 'totp', 'delete', 'john', `--config=${w.config}`, `--config=${other}`]);
  assert.equal(r.code, EXIT.RUNTIME);
  assert.match(r.err, /storage encryption key does not match.*\[ERR_STORAGE_ENCRYPTION_KEY\]/);
  const s = await storageOf(w.config);
  assert.ok(await s.totp.get('john'), 'nothing was deleted');
  await s.close();
});

test('a configuration error is reported before touching storage', async () => {
  const w = workspace((c) => {
    c['storage'] = { local: { path: join(tmpdir(), 'never.sqlite3') } };
  });
  const r = await run(['migrate', 'up', `--config=${w.config}`]);
  assert.equal(r.code, EXIT.FAILED);
  assert.match(r.err, /configuration\.yml:\d+:\d+.*encryption_key/);
  assert.match(r.err, /errors in the configuration/);
});

test('--help lists the commands and runnable examples', async () => {
  const top = await run(['--help']);
  assert.equal(top.code, EXIT.OK);
  assert.match(top.out, /migrate/);
  assert.match(top.out, /user/);
  for (const [args, example] of [
    [['migrate', 'up'], /\$ portcullis storage migrate up --config configuration\.yml/],
    [['migrate', 'down'], /\$ portcullis storage migrate down --target 1 --config configuration\.yml/],
    [['migrate', 'history'], /\$ portcullis storage migrate history --config configuration\.yml/],
    [
      ['user', 'totp', 'generate'],
      /\$ portcullis storage user totp generate john --config configuration\.yml/,
    ],
    [['user', 'totp', 'delete'], /\$ portcullis storage user totp delete john --config configuration\.yml/],
  ] as const) {
    const r = await run([...args, '--help']);
    assert.equal(r.code, EXIT.OK, args.join(' '));
    assert.match(r.out, example);
    assert.match(r.out, /-c, --config <file\.\.\.>/);
  }
});
