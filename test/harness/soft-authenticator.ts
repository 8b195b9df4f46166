/**
 * A software WebAuthn authenticator for tests: makes real ES256 credentials with `none` attestation and signs
 * assertions, so the server's verification runs unmodified (no browser needed below the e2e suite).
 */
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';

const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest();

export interface SoftCredential {
  readonly id: Buffer;
  readonly privateKey: KeyObject;
  readonly userHandle: string;
  counter: number;
}

export interface SoftOptions {
  /** Flags to set: user verified, backup eligible, backup state. */
  uv?: boolean;
  be?: boolean;
  bs?: boolean;
  aaguid?: string;
  discoverable?: boolean;
}

function flags(o: SoftOptions, attested: boolean): number {
  return 0x01 | (o.uv ? 0x04 : 0) | (o.be ? 0x08 : 0) | (o.bs ? 0x10 : 0) | (attested ? 0x40 : 0);
}

function counterBytes(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** Answers `navigator.credentials.create()` for the given options (the JSON the server sent). */
export function createCredential(
  options: { challenge: string; rp: { id?: string }; user: { id: string } },
  origin: string,
  o: SoftOptions = {},
): { response: Record<string, unknown>; credential: SoftCredential } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const cose = isoCBOR.encode(
    new Map<number, number | Uint8Array>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, Buffer.from(jwk.x!, 'base64url')],
      [-3, Buffer.from(jwk.y!, 'base64url')],
    ]),
  );
  const id = randomBytes(16);
  const idLen = Buffer.alloc(2);
  idLen.writeUInt16BE(id.length);
  const aaguid = Buffer.from((o.aaguid ?? '00000000-0000-0000-0000-000000000000').replace(/-/g, ''), 'hex');
  const rpId = options.rp.id ?? new URL(origin).hostname;
  const authData = Buffer.concat([
    sha256(rpId),
    Buffer.from([flags(o, true)]),
    counterBytes(0),
    aaguid,
    idLen,
    id,
    cose,
  ]);
  const attestationObject = isoCBOR.encode(
    new Map<string, unknown>([
      ['fmt', 'none'],
      ['attStmt', new Map()],
      ['authData', new Uint8Array(authData)],
    ]) as never,
  );
  const clientDataJSON = Buffer.from(
    JSON.stringify({ type: 'webauthn.create', challenge: options.challenge, origin, crossOrigin: false }),
  );
  return {
    credential: { id, privateKey, userHandle: options.user.id, counter: 0 },
    response: {
      id: b64u(id),
      rawId: b64u(id),
      type: 'public-key',
      authenticatorAttachment: 'cross-platform',
      response: {
        clientDataJSON: b64u(clientDataJSON),
        attestationObject: b64u(attestationObject),
        transports: ['usb'],
      },
      clientExtensionResults: { credProps: { rk: o.discoverable ?? false } },
    },
  };
}

/** Answers `navigator.credentials.get()`; the counter advances unless `counter` is given. */
export function getAssertion(
  cred: SoftCredential,
  options: { challenge: string; rpId?: string },
  origin: string,
  o: SoftOptions & { counter?: number } = {},
): Record<string, unknown> {
  cred.counter = o.counter ?? cred.counter + 1;
  const rpId = options.rpId ?? new URL(origin).hostname;
  const authData = Buffer.concat([sha256(rpId), Buffer.from([flags(o, false)]), counterBytes(cred.counter)]);
  const clientDataJSON = Buffer.from(
    JSON.stringify({ type: 'webauthn.get', challenge: options.challenge, origin, crossOrigin: false }),
  );
  const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), cred.privateKey);
  return {
    id: b64u(cred.id),
    rawId: b64u(cred.id),
    type: 'public-key',
    authenticatorAttachment: 'cross-platform',
    response: {
      clientDataJSON: b64u(clientDataJSON),
      authenticatorData: b64u(authData),
      signature: b64u(signature),
      userHandle: cred.userHandle,
    },
    clientExtensionResults: {},
  };
}
