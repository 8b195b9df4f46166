/** Opens the configured storage: connect, migrate to the newest schema, check the encryption key, build repositories. */
import { basename, dirname } from 'node:path';
import type { StorageConfig, TlsClientConfig } from '../config/index.js';
import { nodeTlsOptions, parseAddress } from '../config/index.js';
import { type Clock, PortcullisError, systemClock } from '../core/index.js';
import {
  createIdentityVerificationStore,
  createOneTimeCodeStore,
  createWebAuthnChallengeStore,
  createWebAuthnStore,
} from '../storage/credentials.js';
import { checkEncryptionKey, createCipher } from '../storage/crypto.js';
import type { LockStore, SqlDatabase, SqlServerOptions } from '../storage/index.js';
import { migrateUp } from '../storage/migrate.js';
import { migrationsFor } from '../storage/migrations/server.js';
import {
  createAttemptStore,
  createBanStore,
  createPreferencesStore,
  createTotpStore,
} from '../storage/repositories.js';
import { openSqlite } from '../storage/sqlite.js';

/** An Authelia address (`tcp://host:port`, `unix:///path`) and its `tls:` block as driver options. */
function server(address: string, tls: TlsClientConfig | undefined, defaultPort: number): SqlServerOptions {
  const parsed = parseAddress(address);
  if (!parsed.ok) throw new PortcullisError('ERR_CONFIG_INVALID', parsed.error);
  const a = parsed.address;
  if (a.scheme === 'unix') {
    // PostgreSQL names its socket `<dir>/.s.PGSQL.<port>`; node-postgres wants the directory and the port.
    const pgSocket = /^\.s\.PGSQL\.(\d+)$/.exec(basename(a.path));
    return {
      host: pgSocket ? dirname(a.path) : a.path,
      port: pgSocket ? Number(pgSocket[1]) : defaultPort,
      socketPath: a.path,
    };
  }
  const withTls = tls !== undefined || a.scheme.endsWith('s');
  return {
    host: a.host,
    port: a.port || defaultPort,
    tls: withTls ? nodeTlsOptions(tls, a.host) : undefined,
  };
}

/** The SQLite file is one process's: an in-process mutex (the Regulator's) is all the locking it needs. */
const LOCAL_LOCKS: LockStore = { withLocks: (_keys, fn) => fn() };

async function connect(
  cfg: StorageConfig,
  onError?: (err: unknown) => void,
  poolSize?: number,
): Promise<SqlDatabase> {
  if (cfg.postgres) {
    const pg = cfg.postgres;
    // Drivers load only when configured: pg, mysql2 and ioredis together cost ~250 ms of start-up.
    const { openPostgres } = await import('../storage/postgres.js');
    return openPostgres({
      servers: [pg, ...pg.servers].map((s) => server(s.address, s.tls, 5432)),
      database: pg.database,
      username: pg.username,
      password: pg.password,
      connectTimeoutMs: pg.timeout,
      schema: pg.schema,
      onError,
      poolSize,
    });
  }
  if (cfg.mysql) {
    const my = cfg.mysql;
    const { openMysql } = await import('../storage/mysql.js');
    return openMysql({
      servers: [server(my.address, my.tls, 3306)],
      database: my.database,
      username: my.username,
      password: my.password,
      connectTimeoutMs: my.timeout,
      onError,
      poolSize,
    });
  }
  if (cfg.local) {
    const sql = openSqlite(cfg.local.path);
    return { sql, locks: LOCAL_LOCKS, ping: async () => void (await sql.get('SELECT 1')) };
  }
  throw new PortcullisError('ERR_CONFIG_INVALID', 'storage: configure one of local, postgres or mysql');
}

/** A bare connection and its locks for the CLI's migration commands (no migration, no key check). */
export function openSqlDatabase(cfg: StorageConfig): Promise<SqlDatabase> {
  return connect(cfg);
}

export interface OpenStorageOptions {
  readonly clock?: Clock | undefined;
  /** Errors of idle pooled server connections (logged; the next statement reconnects). */
  readonly onError?: ((err: unknown) => void) | undefined;
  /** Server databases: connections per instance (default 10). */
  readonly poolSize?: number | undefined;
}

export async function openStorage(cfg: StorageConfig, opts: OpenStorageOptions = {}) {
  const clock = opts.clock ?? systemClock;
  const db = await connect(cfg, opts.onError, opts.poolSize);
  const { sql, locks } = db;
  const cipher = createCipher(cfg.encryptionKey);
  try {
    // Instances starting together migrate one at a time; the later ones find nothing left to do.
    await locks.withLocks(['migrations'], () =>
      migrateUp(sql, migrationsFor(sql.dialect), undefined, clock.now()),
    );
    await checkEncryptionKey(sql, cipher);
  } catch (e) {
    await sql.close();
    throw e;
  }
  return {
    sql,
    locks,
    ping: db.ping,
    cipher,
    attempts: createAttemptStore(sql),
    bans: createBanStore(sql, clock),
    totp: createTotpStore(sql, cipher),
    preferences: createPreferencesStore(sql),
    webauthn: createWebAuthnStore(sql, cipher),
    webauthnChallenges: createWebAuthnChallengeStore(sql),
    oneTimeCodes: createOneTimeCodeStore(sql, cipher),
    identityVerifications: createIdentityVerificationStore(sql),
    close: () => sql.close(),
  };
}

export type Storage = Awaited<ReturnType<typeof openStorage>>;
