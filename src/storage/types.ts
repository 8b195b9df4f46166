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
  /**
   * Runs `fn` in one transaction (serialized on SQLite: BEGIN IMMEDIATE). Inside `fn` use only `tx`: statements
   * on the outer client wait until no transaction is open (on SQLite that means after `fn`, so never await them
   * inside it).
   */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Where and how to reach one database server (driver-neutral; app/ maps the configuration to it). */
export interface SqlServerOptions {
  /** TCP host; unused when `socketPath` is set. */
  readonly host: string;
  readonly port: number;
  readonly socketPath?: string | undefined;
  /** Options for node:tls when the connection must use TLS. */
  readonly tls?: import('node:tls').ConnectionOptions | undefined;
}

export interface SqlDatabaseOptions {
  /** The primary first, then fallbacks tried in order when it cannot be reached. */
  readonly servers: readonly SqlServerOptions[];
  readonly database: string;
  readonly username: string;
  readonly password: string;
  readonly connectTimeoutMs: number;
  /** PostgreSQL only: the schema every statement works in (search_path). */
  readonly schema?: string | undefined;
  /** Connections in the pool. Default 10. */
  readonly poolSize?: number | undefined;
  /** Errors of idle pooled connections (the server went away): logged by the caller, never thrown. */
  readonly onError?: ((err: unknown) => void) | undefined;
}

/**
 * Named locks held across every instance sharing one database (PostgreSQL advisory locks, MySQL GET_LOCK),
 * so check → verify → record stays atomic when two processes take attempts for the same user.
 */
export interface LockStore {
  /** Runs `fn` while holding every lock in `keys` (taken in sorted order, so two callers never deadlock). */
  withLocks<T>(keys: readonly string[], fn: () => Promise<T>): Promise<T>;
}

/** A connected server database: statements, cross-instance locks, and a liveness probe for /api/health. */
export interface SqlDatabase {
  readonly sql: SqlClient;
  readonly locks: LockStore;
  ping(): Promise<void>;
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
  /**
   * Records that `step` was used; false when it was already used (atomic via a unique index). `asSignIn`
   * false (the code confirming an enrolment) burns the step without counting as the device's last use.
   */
  markUsed(username: string, step: number, now: number, asSignIn?: boolean): Promise<boolean>;
}

export interface PreferencesStore {
  getSecondFactorMethod(username: string): Promise<string | undefined>;
  setSecondFactorMethod(username: string, method: string): Promise<void>;
}

/** One WebAuthn credential (Authelia's `webauthn_credentials`); the public key and attestation are stored encrypted. */
export interface WebAuthnCredentialRecord {
  readonly id: number;
  readonly createdAt: number;
  readonly lastUsedAt: number | undefined;
  readonly rpid: string;
  readonly username: string;
  readonly description: string;
  /** The credential id, base64url. */
  readonly kid: string;
  readonly aaguid: string | undefined;
  readonly attestationType: string;
  readonly attachment: string;
  readonly transports: readonly string[];
  readonly signCount: number;
  readonly cloneWarning: boolean;
  readonly discoverable: boolean;
  readonly present: boolean;
  readonly verified: boolean;
  readonly backupEligible: boolean;
  readonly backupState: boolean;
  readonly publicKey: Buffer;
  readonly attestation: Buffer | undefined;
}

export type NewWebAuthnCredential = Omit<WebAuthnCredentialRecord, 'id' | 'lastUsedAt'>;

export interface WebAuthnStore {
  list(username: string, rpid?: string): Promise<WebAuthnCredentialRecord[]>;
  byKid(kid: string): Promise<WebAuthnCredentialRecord | undefined>;
  save(c: NewWebAuthnCredential): Promise<number>;
  /** After an assertion: the new counter, flags and last use. */
  updateUse(
    id: number,
    u: { signCount: number; cloneWarning: boolean; backupState: boolean; lastUsedAt: number },
  ): Promise<void>;
  rename(username: string, id: number, description: string): Promise<boolean>;
  delete(username: string, id: number): Promise<boolean>;
  /** The opaque user handle for (rpid, username), created on first use (Authelia's `webauthn_users`). */
  userHandle(rpid: string, username: string, create: () => string): Promise<string>;
  /** The username owning a user handle (passkey login); undefined when unknown. */
  userByHandle(rpid: string, handle: string): Promise<string | undefined>;
}

/** A WebAuthn ceremony in progress: the challenge, single use, bound to who asked for it. */
export interface WebAuthnChallengeRecord {
  readonly challenge: string;
  readonly kind: 'register' | 'assert' | 'passkey';
  /** '' for a passkey login (nobody is known yet). */
  readonly username: string;
  /** SHA-256 of the session id (or of a ceremony cookie) that started it. */
  readonly binding: string;
  /** Ceremony data as JSON (e.g. the description of the credential being registered). */
  readonly data: string;
  readonly expiresAt: number;
}

export interface WebAuthnChallengeStore {
  /** Stores a new challenge and sweeps the expired ones. */
  put(r: WebAuthnChallengeRecord, now: number): Promise<void>;
  /** Removes and returns the challenge (single use); expired ones are not returned. */
  take(challenge: string, now: number): Promise<WebAuthnChallengeRecord | undefined>;
}

/** An emailed one-time code (Authelia's `one_time_code`): the code is stored encrypted and looked up by its HMAC. */
export interface OneTimeCodeRecord {
  readonly id: number;
  readonly publicId: string;
  readonly signature: string;
  readonly issuedAt: number;
  readonly issuedIp: string;
  readonly expiresAt: number;
  readonly username: string;
  readonly intent: string;
  readonly consumedAt: number | undefined;
  readonly revokedAt: number | undefined;
  readonly code: Buffer;
}

export interface OneTimeCodeStore {
  save(r: Omit<OneTimeCodeRecord, 'id' | 'consumedAt' | 'revokedAt'>): Promise<number>;
  bySignature(signature: string): Promise<OneTimeCodeRecord | undefined>;
  byPublicId(publicId: string): Promise<OneTimeCodeRecord | undefined>;
  /** Marks the code consumed; false when it already was (or was revoked): a double submit elevates once. */
  consume(id: number, now: number, ip: string): Promise<boolean>;
  revoke(publicId: string, now: number, ip: string): Promise<boolean>;
}

/** A reset-password JWT's jti (Authelia's `identity_verification`): single use and revocable. */
export interface IdentityVerificationRecord {
  readonly jti: string;
  readonly issuedAt: number;
  readonly issuedIp: string;
  readonly expiresAt: number;
  readonly username: string;
  readonly action: string;
  readonly consumedAt: number | undefined;
  readonly revokedAt: number | undefined;
}

export interface IdentityVerificationStore {
  save(r: Omit<IdentityVerificationRecord, 'consumedAt' | 'revokedAt'>): Promise<void>;
  get(jti: string): Promise<IdentityVerificationRecord | undefined>;
  /** false when the token was already consumed or revoked. */
  consume(jti: string, now: number, ip: string): Promise<boolean>;
  revoke(jti: string, now: number, ip: string): Promise<boolean>;
}
