/** Opens the configured storage: connect, migrate to the newest schema, check the encryption key, build repositories. */
import type { StorageConfig } from '../config/index.js';
import { type Clock, PortcullisError, systemClock } from '../core/index.js';
import {
  createIdentityVerificationStore,
  createOneTimeCodeStore,
  createWebAuthnChallengeStore,
  createWebAuthnStore,
} from '../storage/credentials.js';
import { checkEncryptionKey, createCipher } from '../storage/crypto.js';
import type { SqlClient } from '../storage/index.js';
import { migrateUp } from '../storage/migrate.js';
import { SQLITE_MIGRATIONS } from '../storage/migrations/sqlite.js';
import {
  createAttemptStore,
  createBanStore,
  createPreferencesStore,
  createTotpStore,
} from '../storage/repositories.js';
import { openSqlite } from '../storage/sqlite.js';

export async function openSqlClient(cfg: StorageConfig): Promise<SqlClient> {
  if (cfg.local) return openSqlite(cfg.local.path);
  throw new PortcullisError(
    'ERR_STORAGE_UNAVAILABLE',
    `${cfg.postgres ? 'storage.postgres' : 'storage.mysql'} is not supported yet: use storage.local (SQLite)`,
  );
}

export async function openStorage(cfg: StorageConfig, opts: { clock?: Clock } = {}) {
  const clock = opts.clock ?? systemClock;
  const sql = await openSqlClient(cfg);
  const cipher = createCipher(cfg.encryptionKey);
  try {
    await migrateUp(sql, SQLITE_MIGRATIONS, undefined, clock.now());
    await checkEncryptionKey(sql, cipher);
  } catch (e) {
    await sql.close();
    throw e;
  }
  return {
    sql,
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
