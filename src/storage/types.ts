/**
 * Persisted records and the narrow interfaces domains depend on (as types only).
 * Implementations (sqlite.ts, later postgres.ts/redis.ts) are imported only by app/.
 */

export type SqlValue = string | number | bigint | Buffer | null;

/** A minimal async SQL client so the same repositories run on SQLite, PostgreSQL and MySQL. */
export interface SqlClient {
  readonly dialect: 'sqlite' | 'postgres' | 'mysql';
  /** Run a statement that returns rows. Placeholders are `?`; clients translate for their dialect. */
  all<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  get<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
  /** Runs `fn` in one transaction (serialized on SQLite: BEGIN IMMEDIATE). */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** One audit log entry as persisted; `hash` = SHA-256(prev ‖ canonical(event)), hex (src/audit/chain.ts). */
export interface AuditRecord {
  readonly seq: number;
  readonly at: number;
  readonly type: string;
  readonly username: string;
  readonly ip: string;
  /** Canonical JSON of the event's detail object. */
  readonly data: string;
  readonly prev: string;
  readonly hash: string;
}

/** A signed statement "the log's entry `seq` has hash `hash`", made at `at` with the Ed25519 key `keyId`. */
export interface AuditCheckpointRecord {
  readonly seq: number;
  readonly hash: string;
  readonly at: number;
  readonly keyId: string;
  /** SPKI DER of the signing key, base64. */
  readonly publicKey: string;
  /** Ed25519 signature over canonical({seq, hash, at, keyId}), base64. */
  readonly signature: string;
}

export interface AuditHead {
  readonly seq: number;
  readonly hash: string;
}

/** The append-only audit log's storage. Shared by every instance using the same database. */
export interface AuditStore {
  head(): Promise<AuditHead | undefined>;
  /** Atomically appends what `build` returns after the current head (re-read inside the transaction). */
  append(build: (head: AuditHead | undefined) => readonly AuditRecord[]): Promise<readonly AuditRecord[]>;
  /** Entries in seq order with seq > afterSeq and at >= sinceMs. */
  list(opts: { afterSeq?: number; sinceMs?: number; limit: number }): Promise<AuditRecord[]>;
  addCheckpoint(cp: AuditCheckpointRecord): Promise<void>;
  checkpoints(): Promise<AuditCheckpointRecord[]>;
  /** The stored PKCS#8 PEM signing key; `generate` runs (once, across instances) when none is stored. */
  signingKey(generate: () => string): Promise<string>;
}

/** One first- or second-factor attempt (Authelia's `authentication_logs`). */
export interface AuthAttempt {
  readonly time: number;
  readonly successful: boolean;
  readonly banned: boolean;
  readonly username: string;
  readonly authType: string;
  readonly remoteIp: string;
  readonly requestUri: string;
  readonly requestMethod: string;
}

export interface AttemptStore {
  append(a: AuthAttempt): Promise<void>;
  /** 1FA attempts of `username` since `since` that were not refused by a ban, newest first. */
  recentForUser(username: string, since: number, limit: number): Promise<AuthAttempt[]>;
  /** 1FA attempts from `ip` since `since` that were not refused by a ban, newest first. */
  recentForIp(ip: string, since: number, limit: number): Promise<AuthAttempt[]>;
}

export type BanKind = 'user' | 'ip';

export interface BanRecord {
  readonly kind: BanKind;
  readonly value: string;
  readonly expiresAt: number;
  readonly reason: string;
  readonly source: string;
  readonly createdAt: number;
}

export interface BanStore {
  ban(kind: BanKind, value: string, expiresAt: number, reason: string, source?: string): Promise<void>;
  /** The ban in force at `now` with the latest expiry, if any. */
  active(kind: BanKind, value: string, now?: number): Promise<BanRecord | undefined>;
  list(now?: number): Promise<BanRecord[]>;
  /** true when a ban in force was lifted. */
  unban(kind: BanKind, value: string, now?: number): Promise<boolean>;
}

export interface TotpRecord {
  readonly username: string;
  readonly issuer: string;
  readonly algorithm: 'SHA1' | 'SHA256' | 'SHA512';
  readonly digits: number;
  readonly period: number;
  /** Raw secret bytes (stored encrypted). */
  readonly secret: Buffer;
  readonly createdAt: number;
  readonly lastUsedAt: number | undefined;
}

export interface TotpStore {
  get(username: string): Promise<TotpRecord | undefined>;
  /** Every stored configuration, by username (for the CLI's export). */
  list(): Promise<TotpRecord[]>;
  save(r: TotpRecord): Promise<void>;
  delete(username: string): Promise<boolean>;
  /** Records that `step` was used; false when it was already used (atomic via a unique index). */
  markUsed(username: string, step: number, now: number): Promise<boolean>;
}

export interface PreferencesStore {
  getSecondFactorMethod(username: string): Promise<string | undefined>;
  setSecondFactorMethod(username: string, method: string): Promise<void>;
}
