/**
 * `storage import authelia`: copies TOTP configurations and WebAuthn credentials (with their user handles) from an
 * Authelia 4.39 SQLite database, decrypting with its encryption key (AES-256-GCM, key SHA-256(encryption_key),
 * nonce‖ciphertext‖tag) and re-encrypting with ours, so users keep their devices.
 */
import Database from 'better-sqlite3';
import { type Clock, PortcullisError } from '../core/index.js';
import { type Cipher, createCipher } from '../storage/crypto.js';
import type { TotpStore, WebAuthnStore } from '../storage/index.js';
import { isConflict } from '../storage/repositories.js';

export interface ImportTargets {
  readonly totp: TotpStore;
  readonly webauthn: WebAuthnStore;
}

export interface ImportReport {
  readonly totp: { readonly imported: number; readonly skipped: readonly string[] };
  readonly webauthn: { readonly imported: number; readonly skipped: readonly string[] };
}

type Row = Record<string, unknown>;

/** Authelia writes Go times ('2024-05-01 10:00:00.123+00:00') or, through some drivers, epoch seconds. */
function time(v: unknown, fallback: number): number {
  if (v === null || v === undefined || v === '') return fallback;
  if (typeof v === 'number' || typeof v === 'bigint') return Number(v) < 1e11 ? Number(v) * 1000 : Number(v);
  const s = String(v)
    .replace(' ', 'T')
    .replace(/(\.\d{3})\d+/, '$1')
    .replace(/([+-]\d\d)(\d\d)$/, '$1:$2');
  const t = Date.parse(s);
  return Number.isNaN(t) ? fallback : t;
}

const bool = (v: unknown) => v === 1 || v === 1n || v === true || v === '1' || v === 'true';

function decrypt(cipher: Cipher, v: unknown, what: string): Buffer {
  try {
    return cipher.decrypt(Buffer.isBuffer(v) ? v : Buffer.from(String(v)));
  } catch (e) {
    throw new PortcullisError(
      'ERR_IMPORT_FAILED',
      `cannot decrypt ${what} with the given --encryption-key: is it the storage.encryption_key Authelia used?`,
      { cause: e },
    );
  }
}

function tables(db: Database.Database): Set<string> {
  const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
  return new Set(rows.map((r) => r.name));
}

export async function importAuthelia(opts: {
  from: string;
  encryptionKey: string;
  targets: ImportTargets;
  clock: Clock;
}): Promise<ImportReport> {
  let db: Database.Database;
  try {
    db = new Database(opts.from, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw new PortcullisError('ERR_IMPORT_FAILED', `cannot open '${opts.from}': ${(e as Error).message}`, {
      cause: e,
    });
  }
  try {
    const have = tables(db);
    if (!have.has('totp_configurations') && !have.has('webauthn_credentials'))
      throw new PortcullisError(
        'ERR_IMPORT_FAILED',
        `'${opts.from}' has neither totp_configurations nor webauthn_credentials: is it an Authelia database?`,
      );
    const cipher = createCipher(opts.encryptionKey);
    const now = opts.clock.now();

    // Decrypt everything first: a wrong key must fail before anything is written.
    const totpRows = have.has('totp_configurations')
      ? (db.prepare('SELECT * FROM totp_configurations').all() as Row[])
      : [];
    const totps = totpRows.map((r) => ({
      r,
      secret: decrypt(cipher, r['secret'], `the TOTP secret of '${String(r['username'])}'`),
    }));
    const credRows = have.has('webauthn_credentials')
      ? (db.prepare('SELECT * FROM webauthn_credentials').all() as Row[])
      : [];
    const creds = credRows.map((r) => ({
      r,
      publicKey: decrypt(cipher, r['public_key'], `a WebAuthn public key of '${String(r['username'])}'`),
      attestation:
        r['attestation'] === null || r['attestation'] === undefined
          ? undefined
          : decrypt(cipher, r['attestation'], `a WebAuthn attestation of '${String(r['username'])}'`),
    }));
    const handles = have.has('webauthn_users')
      ? (db.prepare('SELECT rpid, username, userid FROM webauthn_users').all() as Row[])
      : [];

    const totpSkipped: string[] = [];
    let totpImported = 0;
    for (const { r, secret } of totps) {
      const username = String(r['username']);
      if (await opts.targets.totp.get(username)) {
        totpSkipped.push(username);
        continue;
      }
      const algorithm = String(r['algorithm'] ?? 'SHA1').toUpperCase();
      await opts.targets.totp.save({
        username,
        issuer: String(r['issuer'] ?? ''),
        algorithm: (['SHA1', 'SHA256', 'SHA512'].includes(algorithm) ? algorithm : 'SHA1') as 'SHA1',
        digits: Number(r['digits'] ?? 6),
        period: Number(r['period'] ?? 30),
        secret,
        createdAt: time(r['created_at'], now),
        lastUsedAt:
          r['last_used_at'] === null || r['last_used_at'] === undefined
            ? undefined
            : time(r['last_used_at'], now),
      });
      totpImported++;
    }

    // Authelia hands the authenticator the bytes of its userid string: keep exactly those as our handle.
    for (const h of handles) {
      const handle = Buffer.from(String(h['userid']), 'utf8').toString('base64url');
      await opts.targets.webauthn.userHandle(String(h['rpid']), String(h['username']), () => handle);
    }
    const credSkipped: string[] = [];
    let credImported = 0;
    for (const { r, publicKey, attestation } of creds) {
      // Authelia keeps credential ids as standard base64; the WebAuthn JSON world speaks base64url.
      const kid = Buffer.from(String(r['kid']), 'base64').toString('base64url');
      const label = `${String(r['username'])}/${String(r['description'])}`;
      if (await opts.targets.webauthn.byKid(kid)) {
        credSkipped.push(label);
        continue;
      }
      try {
        await opts.targets.webauthn.save({
          createdAt: time(r['created_at'], now),
          rpid: String(r['rpid']),
          username: String(r['username']),
          description: String(r['description']),
          kid,
          aaguid: r['aaguid'] ? String(r['aaguid']) : undefined,
          attestationType: String(r['attestation_type'] ?? ''),
          attachment: String(r['attachment'] ?? ''),
          transports: String(r['transport'] ?? '')
            .split(',')
            .filter(Boolean),
          signCount: Number(r['sign_count'] ?? 0),
          cloneWarning: bool(r['clone_warning']),
          discoverable: bool(r['discoverable']),
          present: bool(r['present']),
          verified: bool(r['verified']),
          backupEligible: bool(r['backup_eligible']),
          backupState: bool(r['backup_state']),
          publicKey,
          attestation,
        });
        credImported++;
      } catch (e) {
        if (!isConflict(e)) throw e;
        credSkipped.push(label);
      }
    }
    return {
      totp: { imported: totpImported, skipped: totpSkipped },
      webauthn: { imported: credImported, skipped: credSkipped },
    };
  } finally {
    db.close();
  }
}
