import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isPortcullisError } from '../core/index.js';
import { currentVersion, migrateDown, migrateUp, migrationHistory } from './migrate.js';
import { SQLITE_MIGRATIONS } from './migrations/sqlite.js';
import { openSqlite } from './sqlite.js';
import type { SqlClient } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'portcullis-migrate-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = () => openSqlite(join(dir, `db-${n++}.sqlite3`));
const newest = SQLITE_MIGRATIONS.at(-1)?.version ?? 0;

async function tables(sql: SqlClient): Promise<string[]> {
  const rows = await sql.all<{ name: string }>(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  );
  return rows.map((r) => r.name);
}

test('the known migrations are numbered 1, 2, … without gaps', () => {
  assert.ok(SQLITE_MIGRATIONS.length >= 2);
  SQLITE_MIGRATIONS.forEach((m, i) => {
    assert.equal(m.version, i + 1);
  });
});

test('up applies every migration, records each in the history, and creates the tables the app uses', async () => {
  const sql = fresh();
  assert.equal(await currentVersion(sql), 0);
  const at = Date.UTC(2026, 2, 3, 4, 5, 6);
  const applied = await migrateUp(sql, SQLITE_MIGRATIONS, undefined, at);
  assert.deepEqual(
    applied,
    SQLITE_MIGRATIONS.map((m) => m.version),
  );
  assert.equal(await currentVersion(sql), newest);
  assert.deepEqual(
    await migrationHistory(sql),
    SQLITE_MIGRATIONS.map((m) => ({ version: m.version, name: m.name, appliedAt: at })),
  );
  const names = await tables(sql);
  for (const t of [
    'migrations',
    'encryption',
    'authentication_logs',
    'banned_user',
    'banned_ip',
    'totp_configurations',
    'totp_history',
    'user_preferences',
    'sessions',
    'audit_log',
  ]) {
    assert.ok(names.includes(t), `table ${t} missing after up: ${names.join(', ')}`);
  }
  // Running up again is a no-op.
  assert.deepEqual(await migrateUp(sql, SQLITE_MIGRATIONS), []);
  await sql.close();
});

test('up to a target stops there; a later up continues from it', async () => {
  const sql = fresh();
  assert.deepEqual(await migrateUp(sql, SQLITE_MIGRATIONS, 1), [1]);
  assert.equal(await currentVersion(sql), 1);
  assert.ok((await tables(sql)).includes('totp_configurations'));
  assert.ok(!(await tables(sql)).includes('audit_log'));
  assert.deepEqual(
    await migrateUp(sql, SQLITE_MIGRATIONS),
    SQLITE_MIGRATIONS.slice(1).map((m) => m.version),
  );
  assert.equal(await currentVersion(sql), newest);
  await sql.close();
});

test('down to 0 drops everything but the history table, and up again rebuilds it', async () => {
  const sql = fresh();
  await migrateUp(sql, SQLITE_MIGRATIONS);
  await sql.run(
    "INSERT INTO banned_ip (time, expires, ip, source, reason) VALUES (1, 2, '192.0.2.1', 'test', 'x')",
  );
  const reverted = await migrateDown(sql, SQLITE_MIGRATIONS, 0);
  assert.deepEqual(reverted, SQLITE_MIGRATIONS.map((m) => m.version).reverse());
  assert.equal(await currentVersion(sql), 0);
  assert.deepEqual(await migrationHistory(sql), []);
  assert.deepEqual(await tables(sql), ['migrations']);

  await migrateUp(sql, SQLITE_MIGRATIONS);
  assert.equal(await currentVersion(sql), newest);
  assert.deepEqual(await sql.all('SELECT * FROM banned_ip'), []);
  await sql.close();
});

test('down to an intermediate version reverts only the newer migrations', async () => {
  const sql = fresh();
  await migrateUp(sql, SQLITE_MIGRATIONS);
  assert.deepEqual(
    await migrateDown(sql, SQLITE_MIGRATIONS, 1),
    SQLITE_MIGRATIONS.slice(1)
      .map((m) => m.version)
      .reverse(),
  );
  assert.equal(await currentVersion(sql), 1);
  assert.ok((await tables(sql)).includes('totp_configurations'));
  assert.ok(!(await tables(sql)).includes('audit_log'));
  await sql.close();
});

test('down refuses a negative or fractional target', async () => {
  const sql = fresh();
  await migrateUp(sql, SQLITE_MIGRATIONS);
  for (const t of [-1, 1.5, Number.NaN]) {
    await assert.rejects(migrateDown(sql, SQLITE_MIGRATIONS, t), (e) => {
      assert.ok(isPortcullisError(e));
      assert.equal(e.code, 'ERR_CLI_USAGE');
      return true;
    });
  }
  assert.equal(await currentVersion(sql), newest);
  await sql.close();
});

test('a database migrated by a newer release is refused, up and down, and left untouched', async () => {
  const sql = fresh();
  await migrateUp(sql, SQLITE_MIGRATIONS);
  const future = newest + 1;
  await sql.run('INSERT INTO migrations (version, name, applied_at) VALUES (?, ?, ?)', [
    future,
    'from_the_future',
    1,
  ]);
  const refused = (e: unknown) => {
    assert.ok(isPortcullisError(e));
    assert.equal(e.code, 'ERR_STORAGE_MIGRATION');
    assert.match(e.message, new RegExp(`version ${future}\\b`));
    assert.match(e.message, new RegExp(`only up to ${newest}\\b`));
    assert.match(e.message, /newer release/);
    return true;
  };
  await assert.rejects(migrateUp(sql, SQLITE_MIGRATIONS), refused);
  // Reverting our migrations underneath an unknown newer one would break its schema.
  await assert.rejects(migrateDown(sql, SQLITE_MIGRATIONS, 0), refused);
  assert.equal(await currentVersion(sql), future);
  assert.ok((await tables(sql)).includes('totp_configurations'));
  await sql.close();
});

test('a failing migration is rolled back as a whole and named in the error', async () => {
  const sql = fresh();
  const broken = [
    ...SQLITE_MIGRATIONS,
    {
      version: newest + 1,
      name: 'broken',
      up: 'CREATE TABLE half (a INTEGER); SELECT nope FROM nowhere;',
      down: '',
    },
  ];
  await assert.rejects(migrateUp(sql, broken), (e) => {
    assert.ok(isPortcullisError(e));
    assert.equal(e.code, 'ERR_STORAGE_MIGRATION');
    assert.match(e.message, new RegExp(`migration ${newest + 1} \\(broken\\) failed`));
    return true;
  });
  assert.equal(await currentVersion(sql), newest);
  assert.ok(!(await tables(sql)).includes('half'));
  await sql.close();
});
