import assert from 'node:assert/strict';
import { test } from 'node:test';
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

test('failures stay ERR_STORAGE_UNAVAILABLE and do not poison the next call of the same statement', async () => {
  const sql = openSqlite(':memory:');
  await sql.run('CREATE TABLE t (k TEXT PRIMARY KEY)');
  const insert = 'INSERT INTO t (k) VALUES (?)';
  await sql.run(insert, ['a']);
  await assert.rejects(
    sql.run(insert, ['a']),
    (e) => isPortcullisError(e) && e.code === 'ERR_STORAGE_UNAVAILABLE',
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
