/**
 * The three storage engines for tests, each on a fresh empty database: SQLite in a temp file, PostgreSQL in a
 * new schema of database `test`, MariaDB/MySQL in a new database. scripts/test-deps.sh starts the servers.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { StorageConfig } from '../../src/config/index.js';
import { openMysql } from '../../src/storage/mysql.js';
import { openPostgres } from '../../src/storage/postgres.js';
import { openSqlite } from '../../src/storage/sqlite.js';
import type { SqlClient, SqlDatabase } from '../../src/storage/types.js';

export type Engine = 'sqlite' | 'postgres' | 'mysql';
export const ENGINES: readonly Engine[] = ['sqlite', 'postgres', 'mysql'];

export const PG = { host: '127.0.0.1', port: 5432, database: 'test', user: 'root' } as const;
export const MY = { host: '127.0.0.1', port: 3306, database: 'test', user: 'root' } as const;

/** A fresh, empty database of `engine`. `drop()` closes it and removes everything it held. */
export interface FreshDatabase {
  readonly db: SqlDatabase;
  readonly sql: SqlClient;
  /** The same database as `storage:` configuration (for runtimes and child processes). */
  readonly config: (encryptionKey: string) => StorageConfig;
  /**
   * The `storage:` section of a configuration.yml reaching it (without `encryption_key`), optionally through
   * another address (a relay) or with another timeout.
   */
  readonly yaml: (over?: { address?: string; timeout?: string }) => Record<string, unknown>;
  /** A second, independent connection pool to it: what another instance would hold (SQLite: the same one). */
  openAnother(): Promise<SqlClient>;
  drop(): Promise<void>;
}

const sqlOptions = (database: string, schema?: string) => ({
  servers: [{ host: '127.0.0.1', port: schema === undefined ? MY.port : PG.port }],
  database,
  username: 'root',
  password: '',
  connectTimeoutMs: 5000,
  schema,
});

export async function freshDatabase(engine: Engine): Promise<FreshDatabase> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  if (engine === 'postgres') {
    const db = await openPostgres(sqlOptions(PG.database, name));
    return {
      db,
      sql: db.sql,
      yaml: (over = {}) => ({
        postgres: {
          address: over.address ?? `tcp://${PG.host}:${PG.port}`,
          database: PG.database,
          schema: name,
          username: PG.user,
          password: 'unused-trust-auth', // trust authentication on loopback; the key is required
          timeout: over.timeout ?? '5s',
        },
      }),
      openAnother: async () => (await openPostgres(sqlOptions(PG.database, name))).sql,
      config: (encryptionKey) => ({
        encryptionKey,
        local: undefined,
        mysql: undefined,
        postgres: {
          address: `tcp://${PG.host}:${PG.port}`,
          database: PG.database,
          schema: name,
          username: PG.user,
          password: '',
          timeout: 5000,
          tls: undefined,
          servers: [],
        },
      }),
      async drop() {
        await db.sql.close().catch(() => {});
        const admin = new pg.Client({ ...PG });
        await admin.connect();
        await admin.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
        await admin.end();
      },
    };
  }
  if (engine === 'mysql') {
    const admin = await mysql.createConnection({ host: MY.host, port: MY.port, user: MY.user });
    await admin.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    await admin.end();
    const db = await openMysql(sqlOptions(name));
    return {
      db,
      sql: db.sql,
      yaml: (over = {}) => ({
        mysql: {
          address: over.address ?? `tcp://${MY.host}:${MY.port}`,
          database: name,
          username: MY.user,
          timeout: over.timeout ?? '5s',
        },
      }),
      openAnother: async () => (await openMysql(sqlOptions(name))).sql,
      config: (encryptionKey) => ({
        encryptionKey,
        local: undefined,
        postgres: undefined,
        mysql: {
          address: `tcp://${MY.host}:${MY.port}`,
          database: name,
          username: MY.user,
          password: '',
          timeout: 5000,
          tls: undefined,
        },
      }),
      async drop() {
        await db.sql.close().catch(() => {});
        const a = await mysql.createConnection({ host: MY.host, port: MY.port, user: MY.user });
        await a.query(`DROP DATABASE IF EXISTS ${name}`);
        await a.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-db-'));
  const path = join(dir, 'db.sqlite3');
  const sql = openSqlite(path);
  return {
    db: { sql, locks: { withLocks: (_k, fn) => fn() }, ping: async () => {} },
    sql,
    config: (encryptionKey) => ({ encryptionKey, local: { path }, postgres: undefined, mysql: undefined }),
    yaml: () => ({ local: { path } }),
    openAnother: async () => sql,
    async drop() {
      await sql.close().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
