/** `storage import authelia`: a database built here with Authelia 4.39's schema and encryption, imported, then used. */
import assert from 'node:assert/strict';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { importAuthelia } from '../../src/app/index.js';
import { totpCode } from '../../src/authn/index.js';
import { isPortcullisError } from '../../src/core/index.js';
import { type Harness, startHarness } from '../harness/gateway.js';
import { login } from '../harness/http.js';
import { api } from './account-support.js';

const AUTHELIA_KEY = 'authelia-storage-encryption-key-0123456789';

function autheliaEncrypt(plain: Buffer): Buffer {
  const key = createHash('sha256').update(AUTHELIA_KEY).digest();
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, nonce);
  const ct = Buffer.concat([c.update(plain), c.final()]);
  return Buffer.concat([nonce, ct, c.getAuthTag()]);
}

const SECRET = Buffer.from('12345678901234567890abcdefghij');

function buildAutheliaDb(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'authelia-db-')), 'db.sqlite3');
  const db = new Database(path);
  db.exec(`
CREATE TABLE totp_configurations (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  last_used_at DATETIME NULL DEFAULT NULL, username VARCHAR(100) NOT NULL, issuer VARCHAR(100), algorithm VARCHAR(6) NOT NULL DEFAULT 'SHA1',
  digits INTEGER NOT NULL DEFAULT 6, period INTEGER NOT NULL DEFAULT 30, secret BLOB NOT NULL);
CREATE UNIQUE INDEX totp_configurations_username_key ON totp_configurations (username);
CREATE TABLE webauthn_users (id INTEGER PRIMARY KEY AUTOINCREMENT, rpid VARCHAR(512) NOT NULL, username VARCHAR(100) NOT NULL, userid CHAR(64) NOT NULL);
CREATE TABLE webauthn_credentials (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  last_used_at DATETIME NULL DEFAULT NULL, rpid VARCHAR(512) NOT NULL, username VARCHAR(100) NOT NULL, description VARCHAR(64) NOT NULL,
  kid VARCHAR(512) NOT NULL, aaguid CHAR(36) NULL, attestation_type VARCHAR(32), attachment VARCHAR(64) NOT NULL,
  transport VARCHAR(64) DEFAULT '', sign_count INTEGER DEFAULT 0, clone_warning BOOLEAN NOT NULL DEFAULT FALSE,
  legacy BOOLEAN NOT NULL DEFAULT FALSE, discoverable BOOLEAN NOT NULL, present BOOLEAN NOT NULL DEFAULT FALSE,
  verified BOOLEAN NOT NULL DEFAULT FALSE, backup_eligible BOOLEAN NOT NULL DEFAULT FALSE, backup_state BOOLEAN NOT NULL DEFAULT FALSE,
  public_key BLOB NOT NULL, attestation BLOB NULL);`);
  db.prepare(
    "INSERT INTO totp_configurations (created_at, username, issuer, algorithm, digits, period, secret) VALUES ('2024-05-01 10:00:00.123456+00:00', 'john', 'Authelia', 'SHA1', 6, 30, ?)",
  ).run(autheliaEncrypt(SECRET));
  db.prepare(
    "INSERT INTO webauthn_users (rpid, username, userid) VALUES ('auth.example.com', 'john', 'cmFuZG9tLXVzZXItaWQtZnJvbS1hdXRoZWxpYS0wMDAwMDAwMDAwMDAwMDAwMDAw')",
  ).run();
  db.prepare(
    `INSERT INTO webauthn_credentials (rpid, username, description, kid, aaguid, attestation_type, attachment, transport, sign_count,
     discoverable, present, verified, backup_eligible, backup_state, public_key, attestation)
     VALUES ('auth.example.com', 'john', 'YubiKey', ?, '2fc0579f-8113-47ea-b116-bb5a8db9202a', 'packed', 'cross-platform', 'usb,nfc', 7, 1, 1, 1, 0, 0, ?, NULL)`,
  ).run(
    Buffer.from([0xfb, 0xff, 0x01, 0x02]).toString('base64'),
    autheliaEncrypt(Buffer.from('cose-public-key')),
  );
  db.close();
  return path;
}

describe('import from Authelia', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ runtime: { basicFailureDelayMs: 0 } });
  });
  after(() => h.stop());

  it('a wrong key fails before anything is written', async () => {
    const from = buildAutheliaDb();
    await assert.rejects(
      importAuthelia({
        from,
        encryptionKey: 'not-the-right-key-at-all-000',
        targets: h.runtime.storage,
        clock: h.runtime.clock,
      }),
      (e) => isPortcullisError(e) && e.code === 'ERR_IMPORT_FAILED',
    );
    assert.equal(await h.runtime.storage.totp.get('john'), undefined);
    assert.deepEqual(await h.runtime.storage.webauthn.list('john'), []);
  });

  it('imports TOTP and WebAuthn; the imported TOTP works for sign-in; a second run skips', async () => {
    const from = buildAutheliaDb();
    const report = await importAuthelia({
      from,
      encryptionKey: AUTHELIA_KEY,
      targets: h.runtime.storage,
      clock: h.runtime.clock,
    });
    assert.deepEqual(report, { totp: { imported: 1, skipped: [] }, webauthn: { imported: 1, skipped: [] } });
    const totp = (await h.runtime.storage.totp.get('john'))!;
    assert.ok(totp.secret.equals(SECRET));
    assert.equal(totp.createdAt, Date.parse('2024-05-01T10:00:00.123Z'));
    const [cred] = await h.runtime.storage.webauthn.list('john');
    assert.equal(cred!.kid, Buffer.from([0xfb, 0xff, 0x01, 0x02]).toString('base64url'));
    assert.equal(cred!.publicKey.toString(), 'cose-public-key');
    assert.deepEqual(cred!.transports, ['usb', 'nfc']);
    assert.equal(cred!.signCount, 7);
    const handle = await h.runtime.storage.webauthn.userHandle('auth.example.com', 'john', () => 'unused');
    assert.equal(
      Buffer.from(handle, 'base64url').toString(),
      'cmFuZG9tLXVzZXItaWQtZnJvbS1hdXRoZWxpYS0wMDAwMDAwMDAwMDAwMDAwMDAw',
    );

    const { cookie } = await login(h.port, 'john', 'john-password');
    const code = totpCode(totp, h.runtime.clock.now());
    const r = await api(h, cookie, 'POST', '/api/secondfactor/totp', { token: code });
    assert.equal(r.status, 200, r.body);

    const again = await importAuthelia({
      from,
      encryptionKey: AUTHELIA_KEY,
      targets: h.runtime.storage,
      clock: h.runtime.clock,
    });
    assert.deepEqual(again, {
      totp: { imported: 0, skipped: ['john'] },
      webauthn: { imported: 0, skipped: ['john/YubiKey'] },
    });
  });

  it('refuses a file that is not an Authelia database', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'not-authelia-')), 'x.sqlite3');
    new Database(path).close();
    await assert.rejects(
      importAuthelia({
        from: path,
        encryptionKey: AUTHELIA_KEY,
        targets: h.runtime.storage,
        clock: h.runtime.clock,
      }),
      /neither totp_configurations nor webauthn_credentials/,
    );
  });
});
