/** SQL repositories for credentials and identity checks: WebAuthn credentials and ceremonies, one-time codes, reset JWTs. */
import type { Cipher } from './crypto.js';
import { isConflict } from './repositories.js';
import type {
  IdentityVerificationStore,
  OneTimeCodeRecord,
  OneTimeCodeStore,
  SqlClient,
  WebAuthnChallengeStore,
  WebAuthnCredentialRecord,
  WebAuthnStore,
} from './types.js';

const n = (v: unknown) => Number(v);
const b = (v: unknown) => n(v) === 1;
const optNum = (v: unknown) => (v === null || v === undefined ? undefined : n(v));

export function createWebAuthnStore(sql: SqlClient, cipher: Cipher): WebAuthnStore {
  const COLUMNS =
    'id, created_at, last_used_at, rpid, username, description, kid, aaguid, attestation_type, attachment, transport, sign_count, clone_warning, discoverable, present, verified, backup_eligible, backup_state, public_key, attestation';
  const toRecord = (r: Record<string, unknown>): WebAuthnCredentialRecord => ({
    id: n(r['id']),
    createdAt: n(r['created_at']),
    lastUsedAt: optNum(r['last_used_at']),
    rpid: String(r['rpid']),
    username: String(r['username']),
    description: String(r['description']),
    kid: String(r['kid']),
    aaguid: r['aaguid'] === null ? undefined : String(r['aaguid']),
    attestationType: String(r['attestation_type']),
    attachment: String(r['attachment']),
    transports: String(r['transport']).split(',').filter(Boolean),
    signCount: n(r['sign_count']),
    cloneWarning: b(r['clone_warning']),
    discoverable: b(r['discoverable']),
    present: b(r['present']),
    verified: b(r['verified']),
    backupEligible: b(r['backup_eligible']),
    backupState: b(r['backup_state']),
    publicKey: cipher.decrypt(r['public_key'] as Buffer),
    attestation: r['attestation'] === null ? undefined : cipher.decrypt(r['attestation'] as Buffer),
  });
  return {
    async list(username, rpid) {
      const rows = await sql.all<Record<string, unknown>>(
        rpid === undefined
          ? `SELECT ${COLUMNS} FROM webauthn_credentials WHERE username = ? ORDER BY id`
          : `SELECT ${COLUMNS} FROM webauthn_credentials WHERE username = ? AND rpid = ? ORDER BY id`,
        rpid === undefined ? [username] : [username, rpid],
      );
      return rows.map(toRecord);
    },
    async byKid(kid) {
      const r = await sql.get<Record<string, unknown>>(
        `SELECT ${COLUMNS} FROM webauthn_credentials WHERE kid = ?`,
        [kid],
      );
      return r ? toRecord(r) : undefined;
    },
    async save(c) {
      await sql.run(
        `INSERT INTO webauthn_credentials (created_at, rpid, username, description, kid, aaguid, attestation_type, attachment,
         transport, sign_count, clone_warning, discoverable, present, verified, backup_eligible, backup_state, public_key, attestation)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          c.createdAt,
          c.rpid,
          c.username,
          c.description,
          c.kid,
          c.aaguid ?? null,
          c.attestationType,
          c.attachment,
          c.transports.join(','),
          c.signCount,
          c.cloneWarning ? 1 : 0,
          c.discoverable ? 1 : 0,
          c.present ? 1 : 0,
          c.verified ? 1 : 0,
          c.backupEligible ? 1 : 0,
          c.backupState ? 1 : 0,
          cipher.encrypt(c.publicKey),
          c.attestation ? cipher.encrypt(c.attestation) : null,
        ],
      );
      const row = await sql.get<{ id: number }>('SELECT id FROM webauthn_credentials WHERE kid = ?', [c.kid]);
      return n(row?.id);
    },
    async updateUse(id, u) {
      await sql.run(
        'UPDATE webauthn_credentials SET sign_count = ?, clone_warning = ?, backup_state = ?, last_used_at = ? WHERE id = ?',
        [u.signCount, u.cloneWarning ? 1 : 0, u.backupState ? 1 : 0, u.lastUsedAt, id],
      );
    },
    async rename(username, id, description) {
      return (
        (
          await sql.run('UPDATE webauthn_credentials SET description = ? WHERE username = ? AND id = ?', [
            description,
            username,
            id,
          ])
        ).changes > 0
      );
    },
    async delete(username, id) {
      return (
        (await sql.run('DELETE FROM webauthn_credentials WHERE username = ? AND id = ?', [username, id]))
          .changes > 0
      );
    },
    async userHandle(rpid, username, create) {
      const found = await sql.get<{ userid: string }>(
        'SELECT userid FROM webauthn_users WHERE rpid = ? AND username = ?',
        [rpid, username],
      );
      if (found) return found.userid;
      try {
        await sql.run('INSERT INTO webauthn_users (rpid, username, userid) VALUES (?, ?, ?)', [
          rpid,
          username,
          create(),
        ]);
      } catch (e) {
        if (!isConflict(e)) throw e;
      }
      const row = await sql.get<{ userid: string }>(
        'SELECT userid FROM webauthn_users WHERE rpid = ? AND username = ?',
        [rpid, username],
      );
      return String(row?.userid);
    },
    async userByHandle(rpid, handle) {
      const r = await sql.get<{ username: string }>(
        'SELECT username FROM webauthn_users WHERE rpid = ? AND userid = ?',
        [rpid, handle],
      );
      return r?.username;
    },
  };
}

export function createWebAuthnChallengeStore(sql: SqlClient): WebAuthnChallengeStore {
  return {
    async put(r, now) {
      await sql.run('DELETE FROM webauthn_challenges WHERE expires_at <= ?', [now]);
      await sql.run(
        'INSERT INTO webauthn_challenges (challenge, kind, username, binding, data, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
        [r.challenge, r.kind, r.username, r.binding, r.data, r.expiresAt],
      );
    },
    async take(challenge, now) {
      return sql.transaction(async (tx) => {
        const r = await tx.get<Record<string, unknown>>(
          'SELECT * FROM webauthn_challenges WHERE challenge = ?',
          [challenge],
        );
        if (!r) return undefined;
        // Only the caller whose DELETE removed the row may use it: on PostgreSQL and MySQL two concurrent
        // takes can both read it first.
        const { changes } = await tx.run('DELETE FROM webauthn_challenges WHERE challenge = ?', [challenge]);
        if (changes === 0 || n(r['expires_at']) <= now) return undefined;
        return {
          challenge: String(r['challenge']),
          kind: String(r['kind']) as 'register' | 'assert' | 'passkey',
          username: String(r['username']),
          binding: String(r['binding']),
          data: String(r['data']),
          expiresAt: n(r['expires_at']),
        };
      });
    },
  };
}

export function createOneTimeCodeStore(sql: SqlClient, cipher: Cipher): OneTimeCodeStore {
  const toRecord = (r: Record<string, unknown>): OneTimeCodeRecord => ({
    id: n(r['id']),
    publicId: String(r['public_id']),
    signature: String(r['signature']),
    issuedAt: n(r['issued_at']),
    issuedIp: String(r['issued_ip']),
    expiresAt: n(r['expires_at']),
    username: String(r['username']),
    intent: String(r['intent']),
    consumedAt: optNum(r['consumed_at']),
    revokedAt: optNum(r['revoked_at']),
    code: cipher.decrypt(r['code'] as Buffer),
  });
  return {
    async save(r) {
      await sql.run(
        'INSERT INTO one_time_code (public_id, signature, issued_at, issued_ip, expires_at, username, intent, code) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [
          r.publicId,
          r.signature,
          r.issuedAt,
          r.issuedIp,
          r.expiresAt,
          r.username,
          r.intent,
          cipher.encrypt(r.code),
        ],
      );
      const row = await sql.get<{ id: number }>('SELECT id FROM one_time_code WHERE public_id = ?', [
        r.publicId,
      ]);
      return n(row?.id);
    },
    async bySignature(signature) {
      const r = await sql.get<Record<string, unknown>>('SELECT * FROM one_time_code WHERE signature = ?', [
        signature,
      ]);
      return r ? toRecord(r) : undefined;
    },
    async byPublicId(publicId) {
      const r = await sql.get<Record<string, unknown>>('SELECT * FROM one_time_code WHERE public_id = ?', [
        publicId,
      ]);
      return r ? toRecord(r) : undefined;
    },
    async consume(id, now, ip) {
      const r = await sql.run(
        'UPDATE one_time_code SET consumed_at = ?, consumed_ip = ? WHERE id = ? AND consumed_at IS NULL AND revoked_at IS NULL',
        [now, ip, id],
      );
      return r.changes > 0;
    },
    async revoke(publicId, now, ip) {
      const r = await sql.run(
        'UPDATE one_time_code SET revoked_at = ?, revoked_ip = ? WHERE public_id = ? AND consumed_at IS NULL AND revoked_at IS NULL',
        [now, ip, publicId],
      );
      return r.changes > 0;
    },
  };
}

export function createIdentityVerificationStore(sql: SqlClient): IdentityVerificationStore {
  return {
    async save(r) {
      await sql.run(
        'INSERT INTO identity_verification (jti, iat, issued_ip, exp, username, action) VALUES (?, ?, ?, ?, ?, ?)',
        [r.jti, r.issuedAt, r.issuedIp, r.expiresAt, r.username, r.action],
      );
    },
    async get(jti) {
      const r = await sql.get<Record<string, unknown>>('SELECT * FROM identity_verification WHERE jti = ?', [
        jti,
      ]);
      if (!r) return undefined;
      return {
        jti: String(r['jti']),
        issuedAt: n(r['iat']),
        issuedIp: String(r['issued_ip']),
        expiresAt: n(r['exp']),
        username: String(r['username']),
        action: String(r['action']),
        consumedAt: optNum(r['consumed']),
        revokedAt: optNum(r['revoked']),
      };
    },
    async consume(jti, now, ip) {
      const r = await sql.run(
        'UPDATE identity_verification SET consumed = ?, consumed_ip = ? WHERE jti = ? AND consumed IS NULL AND revoked IS NULL',
        [now, ip, jti],
      );
      return r.changes > 0;
    },
    async revoke(jti, now, ip) {
      const r = await sql.run(
        'UPDATE identity_verification SET revoked = ?, revoked_ip = ? WHERE jti = ? AND consumed IS NULL AND revoked IS NULL',
        [now, ip, jti],
      );
      return r.changes > 0;
    },
  };
}
