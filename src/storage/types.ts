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
