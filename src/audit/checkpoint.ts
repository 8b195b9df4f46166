/** Ed25519 signed checkpoints over the chain head, through node:crypto only. */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { PortcullisError } from '../core/index.js';
import type { AuditCheckpointRecord } from '../storage/index.js';
import { canonicalJson } from './canonical.js';

export function generateSigningKey(): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** A public key given as PEM (SPKI), or base64 SPKI DER as stored in checkpoints. */
export function parsePublicKey(text: string): KeyObject {
  const t = text.trim();
  try {
    const key = t.startsWith('-----')
      ? createPublicKey(t)
      : createPublicKey({ key: Buffer.from(t, 'base64'), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`a ${key.asymmetricKeyType} key`);
    return key;
  } catch (e) {
    throw new PortcullisError('ERR_AUDIT_KEY', `not an Ed25519 public key: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

export function spkiBase64(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'der' }).toString('base64');
}

/** First 16 hex digits of SHA-256 over the SPKI DER: short enough to print, long enough to tell keys apart. */
export function keyIdOf(key: KeyObject): string {
  return createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

const signedBytes = (cp: { seq: number; hash: string; at: number; keyId: string }) =>
  Buffer.from(canonicalJson({ seq: cp.seq, hash: cp.hash, at: cp.at, keyId: cp.keyId }));

export interface CheckpointSigner {
  readonly keyId: string;
  readonly publicKeyPem: string;
  sign(head: { seq: number; hash: string }, at: number): AuditCheckpointRecord;
}

export function createCheckpointSigner(privatePem: string): CheckpointSigner {
  let key: KeyObject;
  try {
    key = createPrivateKey(privatePem);
  } catch (e) {
    throw new PortcullisError(
      'ERR_AUDIT_KEY',
      `the audit signing key cannot be read: ${(e as Error).message}`,
      { cause: e },
    );
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new PortcullisError(
      'ERR_AUDIT_KEY',
      `the audit signing key must be Ed25519, not ${key.asymmetricKeyType}`,
    );
  }
  const pub = createPublicKey(key);
  const keyId = keyIdOf(pub);
  const publicKey = spkiBase64(pub);
  return {
    keyId,
    publicKeyPem: pub.export({ type: 'spki', format: 'pem' }).toString(),
    sign(head, at) {
      const body = { seq: head.seq, hash: head.hash, at, keyId };
      return { ...body, publicKey, signature: sign(null, signedBytes(body), key).toString('base64') };
    },
  };
}

export function checkpointSignatureValid(cp: AuditCheckpointRecord, key: KeyObject): boolean {
  try {
    return verify(null, signedBytes(cp), key, Buffer.from(cp.signature, 'base64'));
  } catch {
    return false;
  }
}
