import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { isPortcullisError } from '../core/index.js';
import { openSqlite } from './sqlite.js';

test('one statement text run with different parameters returns each its own rows', async () => {
  const sql = openSqlite(':memory:');
  await sql.run('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)');
  for (let i = 0; i < 50; i++) await sql.run('INSERT INTO t (k, v) VALUES (?, ?)', [`k${i}`, i]);
  for (let i = 0; i < 50; i++) {
    assert.deepEqual(await sql.get('SELECT v FROM t WHERE k = ?', [`k${i}`]), { v: i });
  }
  assert.equal(await sql.get('SELECT v FROM t WHERE k = ?', ['missing']), undefined);
  assert.equal((await sql.all('SELECT k FROM t WHERE v < ? ORDER BY v', [3])).length, 3);
  await sql.close();
});

test('a schema change after a statement was first used shows in its later results', async () => {
  const sql = openSqlite(':memory:');
  await sql.run('CREATE TABLE t (a INTEGER)');
  await sql.run('INSERT INTO t (a) VALUES (1)');
  assert.deepEqual(await sql.all('SELECT * FROM t'), [{ a: 1 }]);
  await sql.run('ALTER TABLE t ADD COLUMN b TEXT');
  await sql.run("UPDATE t SET b = 'x'");
  assert.deepEqual(await sql.all('SELECT * FROM t'), [{ a: 1, b: 'x' }]);
  await sql.close();
});

test('failures are typed (a unique key: ERR_STORAGE_CONFLICT) and do not poison the next call of the same statement', async () => {
  const sql = openSqlite(':memory:');
  await sql.run('CREATE TABLE t (k TEXT PRIMARY KEY)');
  const insert = 'INSERT INTO t (k) VALUES (?)';
  await sql.run(insert, ['a']);
  await assert.rejects(
    sql.run(insert, ['a']),
    (e) => isPortcullisError(e) && e.code === 'ERR_STORAGE_CONFLICT',
  );
  assert.deepEqual(await sql.run(insert, ['b']), { changes: 1 });
  await assert.rejects(
    sql.get('SELEC nonsense'),
    (e) => isPortcullisError(e) && e.code === 'ERR_STORAGE_UNAVAILABLE',
  );
  await sql.close();
});

test('more distinct statements than the cache holds still all run, inside and outside transactions', async () => {
  const sql = openSqlite(':memory:');
  await sql.run('CREATE TABLE t (v INTEGER)');
  await sql.transaction(async (tx) => {
    for (let i = 0; i < 600; i++) await tx.run(`INSERT INTO t (v) VALUES (${i})`);
  });
  for (let i = 0; i < 600; i += 7)
    assert.deepEqual(await sql.get(`SELECT v FROM t WHERE v = ${i}`), { v: i });
  assert.deepEqual(await sql.get('SELECT COUNT(*) AS n FROM t'), { n: 600 });
  await sql.close();
});

test('parallel async transactions run one after another: read-modify-write never loses an update', async () => {
  const sql = openSqlite(':memory:');
  await sql.run('CREATE TABLE c (n INTEGER)');
  await sql.run('INSERT INTO c (n) VALUES (0)');
  const log: string[] = [];
  await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      sql.transaction(async (tx) => {
        log.push(`begin ${i}`);
        const row = await tx.get<{ n: number }>('SELECT n FROM c');
        await yieldToLoop(); // other callers get the event loop between read and write
        await tx.run('UPDATE c SET n = ?', [(row?.n ?? 0) + 1]);
        log.push(`end ${i}`);
      }),
    ),
  );
  assert.deepEqual(await sql.get('SELECT n FROM c'), { n: 10 });
  assert.deepEqual(
    log,
    Array.from({ length: 10 }, (_, i) => [`begin ${i}`, `end ${i}`]).flat(),
    'each transaction ends before the next begins, in call order',
  );
  await sql.close();
});

test('a failing transaction rolls back, its error reaches the caller, and the next one still commits', async () => {
  const sql = openSqlite(':memory:');
  await sql.run('CREATE TABLE t (v INTEGER)');
  const failing = sql.transaction(async (tx) => {
    await tx.run('INSERT INTO t (v) VALUES (1)');
    await yieldToLoop();
    throw new Error('boom');
  });
  const next = sql.transaction(async (tx) => tx.run('INSERT INTO t (v) VALUES (2)'));
  await assert.rejects(failing, /boom/);
  assert.deepEqual(await next, { changes: 1 });
  assert.deepEqual(await sql.all('SELECT v FROM t'), [{ v: 2 }]);
  await sql.close();
});

test('a statement outside any transaction waits for the open one and survives its rollback', async () => {
  const sql = openSqlite(':memory:');
  await sql.run('CREATE TABLE t (v INTEGER)');
  let seenInside = -1;
  const tx = sql.transaction(async (t) => {
    await t.run('INSERT INTO t (v) VALUES (1)');
    await yieldToLoop();
    seenInside = (await t.get<{ n: number }>('SELECT COUNT(*) AS n FROM t'))?.n ?? -1;
    throw new Error('rolled back');
  });
  // Issued while the transaction is open: it must neither show up inside it nor vanish with it.
  const outside = sql.run('INSERT INTO t (v) VALUES (2)');
  await assert.rejects(tx, /rolled back/);
  assert.deepEqual(await outside, { changes: 1 });
  assert.equal(seenInside, 1, 'the transaction saw only its own row');
  assert.deepEqual(await sql.all('SELECT v FROM t'), [{ v: 2 }]);
  await sql.close();
});

test('a transaction started on tx joins the outer one and rolls back with it', async () => {
  const sql = openSqlite(':memory:');
  await sql.run('CREATE TABLE t (v INTEGER)');
  await assert.rejects(
    sql.transaction(async (tx) => {
      await tx.transaction(async (inner) => inner.run('INSERT INTO t (v) VALUES (1)'));
      throw new Error('outer fails');
    }),
    /outer fails/,
  );
  assert.deepEqual(await sql.all('SELECT v FROM t'), []);
  await sql.close();
});

test('a transaction on a database another connection holds locked fails as ERR_STORAGE_UNAVAILABLE', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-sqlite-'));
  const path = join(dir, 'db.sqlite3');
  const holder = new Database(path);
  try {
    const sql = openSqlite(path);
    await sql.run('CREATE TABLE t (v INTEGER)');
    await sql.run('PRAGMA busy_timeout = 50'); // keep the test short; production waits 5 s
    holder.exec('BEGIN IMMEDIATE');
    await assert.rejects(
      sql.transaction(async (tx) => tx.run('INSERT INTO t (v) VALUES (1)')),
      (e) => isPortcullisError(e) && e.code === 'ERR_STORAGE_UNAVAILABLE' && /locked|busy/i.test(e.message),
    );
    holder.exec('ROLLBACK');
    // The failed BEGIN left the connection usable.
    await sql.transaction(async (tx) => tx.run('INSERT INTO t (v) VALUES (1)'));
    assert.deepEqual(await sql.all('SELECT v FROM t'), [{ v: 1 }]);
    await sql.close();
  } finally {
    holder.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
