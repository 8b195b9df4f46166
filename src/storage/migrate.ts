/** Versioned schema migrations: up at start-up, down and history from the CLI; a newer database is refused. */
import { PortcullisError } from '../core/index.js';
import type { SqlClient } from './types.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  /** One script (split on ';' at line ends) or the statements themselves (needed where bodies hold ';'). */
  readonly up: string | readonly string[];
  readonly down: string | readonly string[];
}

export interface AppliedMigration {
  readonly version: number;
  readonly name: string;
  readonly appliedAt: number;
}

async function ensureTable(sql: SqlClient): Promise<void> {
  await sql.run(
    'CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, applied_at BIGINT NOT NULL)',
  );
}

/** Splits a migration script into statements (none of ours contain ';' inside literals, except trigger bodies). */
export function statements(script: string | readonly string[]): string[] {
  if (typeof script !== 'string') return [...script];
  const out: string[] = [];
  let buf = '';
  let depth = 0;
  for (const line of script.split('\n')) {
    buf += `${line}\n`;
    if (/\bBEGIN\b/i.test(line)) depth++;
    if (/\bEND;\s*$/i.test(line)) depth--;
    if (depth === 0 && line.trim().endsWith(';')) {
      out.push(buf.trim());
      buf = '';
    }
  }
  if (buf.trim()) out.push(buf.trim());
  return out
    .flatMap((s) => (/\bBEGIN\b/i.test(s) ? [s] : s.split(/;\s*(?=\S)/).map((x) => x.trim())))
    .filter(Boolean);
}

export async function currentVersion(sql: SqlClient): Promise<number> {
  await ensureTable(sql);
  const row = await sql.get<{ v: number | null }>('SELECT MAX(version) AS v FROM migrations');
  return Number(row?.v ?? 0);
}

export async function migrationHistory(sql: SqlClient): Promise<AppliedMigration[]> {
  await ensureTable(sql);
  const rows = await sql.all<{ version: number; name: string; applied_at: number }>(
    'SELECT version, name, applied_at FROM migrations ORDER BY version',
  );
  return rows.map((r) => ({ version: Number(r.version), name: r.name, appliedAt: Number(r.applied_at) }));
}

/** The current version, refused when a newer release migrated past the newest migration we know. */
async function knownVersion(sql: SqlClient, migrations: readonly Migration[]): Promise<number> {
  const current = await currentVersion(sql);
  const newest = migrations.at(-1)?.version ?? 0;
  if (current > newest) {
    throw new PortcullisError(
      'ERR_STORAGE_MIGRATION',
      `the database schema is version ${current} but this Portcullis knows only up to ${newest}: it was used by a newer release; upgrade Portcullis or restore a backup`,
    );
  }
  return current;
}

/** Applies every pending migration up to `target` (default: the newest known). Returns the versions applied. */
export async function migrateUp(
  sql: SqlClient,
  migrations: readonly Migration[],
  target = migrations.at(-1)?.version ?? 0,
  now = Date.now(),
): Promise<number[]> {
  const current = await knownVersion(sql, migrations);
  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version <= current || m.version > target) continue;
    await sql.transaction(async (tx) => {
      try {
        for (const s of statements(m.up)) await tx.run(s);
      } catch (e) {
        throw new PortcullisError(
          'ERR_STORAGE_MIGRATION',
          `migration ${m.version} (${m.name}) failed: ${(e as Error).message}`,
          {
            cause: e,
          },
        );
      }
      await tx.run('INSERT INTO migrations (version, name, applied_at) VALUES (?, ?, ?)', [
        m.version,
        m.name,
        now,
      ]);
    });
    applied.push(m.version);
  }
  return applied;
}

/** Reverts migrations above `target` (newest first). Returns the versions reverted. */
export async function migrateDown(
  sql: SqlClient,
  migrations: readonly Migration[],
  target: number,
): Promise<number[]> {
  if (!Number.isInteger(target) || target < 0)
    throw new PortcullisError('ERR_CLI_USAGE', 'the target version must be 0 or more');
  // Reverting ours underneath an unknown newer migration would leave its schema half-broken.
  const current = await knownVersion(sql, migrations);
  const reverted: number[] = [];
  for (const m of [...migrations].reverse()) {
    if (m.version > current || m.version <= target) continue;
    await sql.transaction(async (tx) => {
      for (const s of statements(m.down)) await tx.run(s);
      await tx.run('DELETE FROM migrations WHERE version = ?', [m.version]);
    });
    reverted.push(m.version);
  }
  return reverted;
}
