/** SQL implementations of the narrow repositories (attempts, bans, TOTP, preferences), portable across dialects. */
import { PortcullisError } from '../core/index.js';
import type { Cipher } from './crypto.js';
import type {
  AttemptStore,
  AuthAttempt,
  BanKind,
  BanRecord,
  BanStore,
  PreferencesStore,
  SqlClient,
  TotpRecord,
  TotpStore,
} from './types.js';

const n = (v: unknown) => Number(v);

/** A unique key refused the row (each client maps its engine's error to ERR_STORAGE_CONFLICT). */
/** A unique key was already taken (ERR_STORAGE_CONFLICT, typed the same way by every engine). */
export const isConflict = (e: unknown) => e instanceof PortcullisError && e.code === 'ERR_STORAGE_CONFLICT';

export function createAttemptStore(sql: SqlClient): AttemptStore {
  // Refused (banned) attempts are left out: inside the LIMIT they would push real failures out of the count.
  const recent = async (column: 'username' | 'remote_ip', value: string, since: number, limit: number) => {
    const rows = await sql.all<Record<string, unknown>>(
      `SELECT time, successful, banned, username, auth_type, remote_ip, request_uri, request_method FROM authentication_logs
       WHERE ${column} = ? AND time >= ? AND auth_type = '1FA' AND banned = 0 ORDER BY time DESC, id DESC LIMIT ?`,
      [value, since, limit],
    );
    return rows.map(
      (r): AuthAttempt => ({
        time: n(r['time']),
        successful: n(r['successful']) === 1,
        banned: n(r['banned']) === 1,
        username: String(r['username']),
        authType: String(r['auth_type']),
        remoteIp: String(r['remote_ip']),
        requestUri: String(r['request_uri']),
        requestMethod: String(r['request_method']),
      }),
    );
  };
  return {
    async append(a) {
      await sql.run(
        `INSERT INTO authentication_logs (time, successful, banned, username, auth_type, remote_ip, request_uri, request_method)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          a.time,
          a.successful ? 1 : 0,
          a.banned ? 1 : 0,
          a.username,
          a.authType,
          a.remoteIp,
          a.requestUri,
          a.requestMethod,
        ],
      );
    },
    recentForUser: (u, since, limit) => recent('username', u, since, limit),
    recentForIp: (ip, since, limit) => recent('remote_ip', ip, since, limit),
  };
}

const BAN_TABLE = { user: ['banned_user', 'username'], ip: ['banned_ip', 'ip'] } as const;

export function createBanStore(sql: SqlClient, clock: { now(): number }): BanStore {
  const toRecord = (kind: BanKind, r: Record<string, unknown>): BanRecord => ({
    kind,
    value: String(r['value']),
    expiresAt: n(r['expires']),
    reason: String(r['reason']),
    source: String(r['source']),
    createdAt: n(r['time']),
  });
  return {
    async ban(kind, value, expiresAt, reason, source = 'regulation') {
      const [table, col] = BAN_TABLE[kind];
      await sql.run(`INSERT INTO ${table} (time, expires, ${col}, source, reason) VALUES (?, ?, ?, ?, ?)`, [
        clock.now(),
        expiresAt,
        value,
        source,
        reason,
      ]);
    },
    async active(kind, value, now = clock.now()) {
      const [table, col] = BAN_TABLE[kind];
      const r = await sql.get<Record<string, unknown>>(
        `SELECT ${col} AS value, expires, reason, source, time FROM ${table}
         WHERE ${col} = ? AND revoked IS NULL AND expires > ? ORDER BY expires DESC LIMIT 1`,
        [value, now],
      );
      return r ? toRecord(kind, r) : undefined;
    },
    async list(now = clock.now()) {
      const out: BanRecord[] = [];
      for (const kind of ['user', 'ip'] as const) {
        const [table, col] = BAN_TABLE[kind];
        // The latest-expiring ban per value, picked here: GROUP BY with other bare columns is SQLite-only.
        const rows = await sql.all<Record<string, unknown>>(
          `SELECT ${col} AS value, expires, reason, source, time FROM ${table}
           WHERE revoked IS NULL AND expires > ? ORDER BY ${col}, expires DESC, id DESC`,
          [now],
        );
        let last: string | undefined;
        for (const r of rows) {
          if (r['value'] === last) continue;
          last = String(r['value']);
          out.push(toRecord(kind, r));
        }
      }
      return out;
    },
    async unban(kind, value, now = clock.now()) {
      const [table, col] = BAN_TABLE[kind];
      const r = await sql.run(
        `UPDATE ${table} SET revoked = ? WHERE ${col} = ? AND revoked IS NULL AND expires > ?`,
        [now, value, now],
      );
      return r.changes > 0;
    },
  };
}

export function createTotpStore(sql: SqlClient, cipher: Cipher): TotpStore {
  const COLUMNS = 'username, issuer, algorithm, digits, period, secret, created_at, last_used_at';
  const toRecord = (r: Record<string, unknown>): TotpRecord => ({
    username: String(r['username']),
    issuer: String(r['issuer']),
    algorithm: String(r['algorithm']) as TotpRecord['algorithm'],
    digits: n(r['digits']),
    period: n(r['period']),
    secret: cipher.decrypt(r['secret'] as Buffer),
    createdAt: n(r['created_at']),
    lastUsedAt: r['last_used_at'] === null ? undefined : n(r['last_used_at']),
  });
  return {
    async get(username) {
      const r = await sql.get<Record<string, unknown>>(
        `SELECT ${COLUMNS} FROM totp_configurations WHERE username = ?`,
        [username],
      );
      return r ? toRecord(r) : undefined;
    },
    async list() {
      const rows = await sql.all<Record<string, unknown>>(
        `SELECT ${COLUMNS} FROM totp_configurations ORDER BY username`,
      );
      return rows.map(toRecord);
    },
    async save(t) {
      await sql.transaction(async (tx) => {
        await tx.run('DELETE FROM totp_configurations WHERE username = ?', [t.username]);
        await tx.run(
          'INSERT INTO totp_configurations (created_at, last_used_at, username, issuer, algorithm, digits, period, secret) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          [
            t.createdAt,
            t.lastUsedAt ?? null,
            t.username,
            t.issuer,
            t.algorithm,
            t.digits,
            t.period,
            cipher.encrypt(t.secret),
          ],
        );
      });
    },
    async delete(username) {
      return (await sql.run('DELETE FROM totp_configurations WHERE username = ?', [username])).changes > 0;
    },
    async markUsed(username, step, now, asSignIn = true) {
      try {
        await sql.run('INSERT INTO totp_history (username, step, created_at) VALUES (?, ?, ?)', [
          username,
          step,
          now,
        ]);
      } catch (e) {
        if (isConflict(e)) return false;
        throw e;
      }
      if (asSignIn) {
        await sql.run('UPDATE totp_configurations SET last_used_at = ? WHERE username = ?', [now, username]);
      }
      return true;
    },
  };
}

export function createPreferencesStore(sql: SqlClient): PreferencesStore {
  return {
    async getSecondFactorMethod(username) {
      const r = await sql.get<{ m: string }>(
        'SELECT second_factor_method AS m FROM user_preferences WHERE username = ?',
        [username],
      );
      return r?.m;
    },
    async setSecondFactorMethod(username, method) {
      await sql.run(
        'INSERT INTO user_preferences (username, second_factor_method) VALUES (?, ?) ON CONFLICT (username) DO UPDATE SET second_factor_method = excluded.second_factor_method',
        [username, method],
      );
    },
  };
}
