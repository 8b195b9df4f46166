import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { AUDIT_SQLITE_DDL, SqlAuditStore } from './audit-sql.js';
import type { AuditRecord, SqlClient, SqlValue } from './types.js';

/** A minimal SqlClient over better-sqlite3 for this test (the real one lives in sqlite.ts). */
function client(db: Database.Database): SqlClient {
  const c: SqlClient = {
    dialect: 'sqlite',
    async all<T>(sql: string, p: readonly SqlValue[] = []) {
      return db.prepare(sql).all(...p) as T[];
    },
    async get<T>(sql: string, p: readonly SqlValue[] = []) {
      return db.prepare(sql).get(...p) as T | undefined;
    },
    async run(sql: string, p: readonly SqlValue[] = []) {
      return { changes: db.prepare(sql).run(...p).changes };
    },
    async transaction<T>(fn: (tx: SqlClient) => Promise<T>) {
      db.exec('BEGIN IMMEDIATE');
      try {
        const r = await fn(c);
        db.exec('COMMIT');
        return r;
      } catch (e) {
        db.exec('ROLLBACK');
        throw e;
      }
    },
    async close() {
      db.close();
    },
  };
  return c;
}

const rec = (seq: number, prev: string): AuditRecord => ({
  seq,
  at: 1_700_000_000_000 + seq,
  type: 'authn.password.failed',
  username: 'u',
  ip: '192.0.2.1',
  data: '{}',
  prev,
  hash: `h${seq}`,
});

describe('SqlAuditStore', () => {
  it('appends after the head inside a transaction, pages, and refuses UPDATE/DELETE', async () => {
    const db = new Database(':memory:');
    db.exec(AUDIT_SQLITE_DDL);
    const store = new SqlAuditStore(client(db));
    assert.equal(await store.head(), undefined);
    await store.append((h) => [rec((h?.seq ?? 0) + 1, h?.hash ?? 'g'), rec((h?.seq ?? 0) + 2, 'h1')]);
    await store.append((h) => [rec(h!.seq + 1, h!.hash)]);
    assert.deepEqual(await store.head(), { seq: 3, hash: 'h3' });
    assert.deepEqual(
      (await store.list({ afterSeq: 1, limit: 1 })).map((r) => r.seq),
      [2],
    );
    assert.deepEqual(
      (await store.list({ sinceMs: 1_700_000_000_003, limit: 10 })).map((r) => r.seq),
      [3],
    );
    assert.throws(() => db.exec("UPDATE audit_log SET username = 'x'"), /append-only/);
    assert.throws(() => db.exec('DELETE FROM audit_log'), /append-only/);
    await assert.rejects(
      store.append(() => [rec(3, 'dup')]),
      /UNIQUE|PRIMARY/,
    );
    assert.equal((await store.list({ limit: 10 })).length, 3, 'a failed batch leaves nothing behind');
  });

  it('stores checkpoints and generates the signing key once', async () => {
    const db = new Database(':memory:');
    db.exec(AUDIT_SQLITE_DDL);
    const store = new SqlAuditStore(client(db));
    const cp = { seq: 3, hash: 'h3', at: 5, keyId: 'k', publicKey: 'p', signature: 's' };
    await store.addCheckpoint(cp);
    await store.addCheckpoint(cp);
    assert.deepEqual(await store.checkpoints(), [cp]);
    let n = 0;
    const k1 = await store.signingKey(() => `key${++n}`);
    const k2 = await store.signingKey(() => `key${++n}`);
    assert.equal(k1, 'key1');
    assert.equal(k2, 'key1');
  });
});
