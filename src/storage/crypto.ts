/**
 * Encryption at rest with `storage.encryption_key`: AES-256-GCM stored as nonce‖ciphertext‖tag with key
 * SHA-256(encryption_key) — Authelia 4.39's scheme, so its databases can be imported.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { PortcullisError } from '../core/index.js';
import { isConflict } from './repositories.js';

export interface Cipher {
  encrypt(plain: Buffer): Buffer;
  decrypt(sealed: Buffer): Buffer;
}

export function createCipher(encryptionKey: string): Cipher {
  const key = createHash('sha256').update(encryptionKey).digest();
  return {
    encrypt(plain) {
      const nonce = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, nonce);
      const body = Buffer.concat([c.update(plain), c.final()]);
      return Buffer.concat([nonce, body, c.getAuthTag()]);
    },
    decrypt(sealed) {
      if (sealed.length < 28)
        throw new PortcullisError('ERR_STORAGE_ENCRYPTION_KEY', 'encrypted value is too short');
      const d = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
      d.setAuthTag(sealed.subarray(sealed.length - 16));
      try {
        return Buffer.concat([d.update(sealed.subarray(12, sealed.length - 16)), d.final()]);
      } catch (e) {
        throw new PortcullisError(
          'ERR_STORAGE_ENCRYPTION_KEY',
          'cannot decrypt a stored value with storage.encryption_key',
          {
            cause: e,
          },
        );
      }
    },
  };
}

const CHECK_NAME = 'check';
const CHECK_VALUE = Buffer.from('portcullis:storage:encryption:check:v1');

/** Start-up check: the first run stores an encrypted marker; later runs must be able to decrypt it. */
export async function checkEncryptionKey(
  sql: import('./types.js').SqlClient,
  cipher: Cipher,
): Promise<'created' | 'ok'> {
  const read = () => sql.get<{ value: Buffer }>('SELECT value FROM encryption WHERE name = ?', [CHECK_NAME]);
  let row = await read();
  if (!row) {
    try {
      await sql.run('INSERT INTO encryption (name, value) VALUES (?, ?)', [
        CHECK_NAME,
        cipher.encrypt(CHECK_VALUE),
      ]);
      return 'created';
    } catch (e) {
      // Another instance starting at the same moment stored its marker first: check against that one.
      if (!isConflict(e)) throw e;
      row = await read();
      if (!row) throw e;
    }
  }
  let plain: Buffer;
  try {
    plain = cipher.decrypt(row.value);
  } catch {
    plain = Buffer.alloc(0);
  }
  if (!plain.equals(CHECK_VALUE)) {
    throw new PortcullisError(
      'ERR_STORAGE_ENCRYPTION_KEY',
      'the storage encryption key does not match the one this database was created with: set storage.encryption_key back to the original value (changing it would make every stored secret unreadable)',
    );
  }
  return 'ok';
}
