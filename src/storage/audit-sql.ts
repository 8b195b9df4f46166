/** AuditStore over a SqlClient: the chain in `audit_log`, signed checkpoints, and the generated signing key. */
import type { AuditCheckpointRecord, AuditHead, AuditRecord, AuditStore, SqlClient } from './types.js';

/** DDL of the audit tables (SQLite), applied by the migration that introduces them. */
export const AUDIT_SQLITE_DDL = `
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  type TEXT NOT NULL,
  username TEXT NOT NULL,
  ip TEXT NOT NULL,
  data TEXT NOT NULL,
  prev TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TABLE audit_checkpoints (
  seq INTEGER NOT NULL,
  at INTEGER NOT NULL,
  hash TEXT NOT NULL,
  key_id TEXT NOT NULL,
  public_key TEXT NOT NULL,
  signature TEXT NOT NULL,
  PRIMARY KEY (seq, key_id)
);
CREATE TABLE audit_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

/**
 * Appends serialize on this audit_meta row (SELECT … FOR UPDATE): on a server database two instances may
 * append at once, where SQLite's BEGIN IMMEDIATE already serializes them. Server migrations insert the row.
 */
export const AUDIT_APPEND_LOCK = 'append_lock';

interface Row {
  seq: number;
  at: number;
  type: string;
  username: string;
  ip: string;
  data: string;
  prev: string;
  hash: string;
}

const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : (v as number));
const record = (r: Row): AuditRecord => ({ ...r, seq: num(r.seq), at: num(r.at) });

export class SqlAuditStore implements AuditStore {
  readonly #sql: SqlClient;
  constructor(sql: SqlClient) {
    this.#sql = sql;
  }

  async head(): Promise<AuditHead | undefined> {
    return headOf(this.#sql);
  }

  async append(
    build: (head: AuditHead | undefined) => readonly AuditRecord[],
  ): Promise<readonly AuditRecord[]> {
    return this.#sql.transaction(async (tx) => {
      await serialize(tx);
      const records = build(await headOf(tx));
      for (const r of records) {
        await tx.run(
          'INSERT INTO audit_log (seq, at, type, username, ip, data, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          [r.seq, r.at, r.type, r.username, r.ip, r.data, r.prev, r.hash],
        );
      }
      return records;
    });
  }

  async list(opts: { afterSeq?: number; sinceMs?: number; limit: number }): Promise<AuditRecord[]> {
    const rows = await this.#sql.all<Row>(
      'SELECT seq, at, type, username, ip, data, prev, hash FROM audit_log WHERE seq > ? AND at >= ? ORDER BY seq LIMIT ?',
      [opts.afterSeq ?? 0, opts.sinceMs ?? 0, opts.limit],
    );
    return rows.map(record);
  }

  async addCheckpoint(cp: AuditCheckpointRecord): Promise<void> {
    await this.#sql.run(
      'INSERT INTO audit_checkpoints (seq, at, hash, key_id, public_key, signature) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      [cp.seq, cp.at, cp.hash, cp.keyId, cp.publicKey, cp.signature],
    );
  }

  async checkpoints(): Promise<AuditCheckpointRecord[]> {
    const rows = await this.#sql.all<Record<string, unknown>>(
      'SELECT seq, at, hash, key_id, public_key, signature FROM audit_checkpoints ORDER BY seq, at',
    );
    return rows.map((r) => ({
      seq: num(r['seq']),
      at: num(r['at']),
      hash: String(r['hash']),
      keyId: String(r['key_id']),
      publicKey: String(r['public_key']),
      signature: String(r['signature']),
    }));
  }

  async signingKey(generate: () => string): Promise<string> {
    return this.#sql.transaction(async (tx) => {
      // Two instances starting together must not each store a key of their own.
      await serialize(tx);
      const row = await tx.get<{ value: string }>("SELECT value FROM audit_meta WHERE name = 'signing_key'");
      if (row) return row.value;
      const key = generate();
      await tx.run("INSERT INTO audit_meta (name, value) VALUES ('signing_key', ?)", [key]);
      return key;
    });
  }
}

/** On a server database, waits for any other instance's append (SQLite's BEGIN IMMEDIATE already did). */
async function serialize(tx: SqlClient): Promise<void> {
  if (tx.dialect === 'sqlite') return;
  await tx.get(`SELECT value FROM audit_meta WHERE name = '${AUDIT_APPEND_LOCK}' FOR UPDATE`);
}

async function headOf(sql: SqlClient): Promise<AuditHead | undefined> {
  const r = await sql.get<{ seq: number; hash: string }>(
    'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1',
  );
  return r ? { seq: num(r.seq), hash: r.hash } : undefined;
}
