/**
 * The WebAuthn assertion ceremony (second factor and passkey login) over @simplewebauthn/server: signature,
 * challenge, origin and RP ID, the signature counter (a counter that does not advance flags a cloned key) and the
 * backup flags (a credential that was not backup eligible cannot become so).
 */
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import type { WebauthnConfig } from '../../config/index.js';
import { webauthnLibrary } from './library.js';
import type { ExistingCredential } from './registration.js';

export async function authenticationOptions(
  cfg: WebauthnConfig,
  p: {
    rpId: string;
    allow: readonly ExistingCredential[] | undefined;
    userVerification?: 'required' | undefined;
  },
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return (await webauthnLibrary()).generateAuthenticationOptions({
    rpID: p.rpId,
    timeout: cfg.timeout,
    userVerification: p.userVerification ?? cfg.selectionCriteria.userVerification,
    // undefined = a passkey login: the browser offers any discoverable credential for this RP.
    ...(p.allow
      ? { allowCredentials: p.allow.map((c) => ({ id: c.kid, transports: [...c.transports] })) }
      : {}),
  });
}

/** The stored facts about the credential the assertion claims to come from. */
export interface StoredCredential {
  readonly kid: string;
  readonly publicKey: Buffer;
  readonly signCount: number;
  readonly transports: readonly string[];
  readonly backupEligible: boolean;
}

export type AssertionVerdict =
  | {
      readonly ok: true;
      readonly signCount: number;
      readonly userVerified: boolean;
      readonly backupState: boolean;
    }
  | {
      readonly ok: false;
      readonly reason: 'invalid' | 'counter' | 'backup-eligibility-changed' | 'backup-eligibility-prohibited';
      readonly detail?: string;
    };

/** The credential id and user handle an assertion names (before any verification). */
export function assertionIds(response: unknown): { kid: string; userHandle: string | undefined } | undefined {
  const r = response as Partial<AuthenticationResponseJSON> | null;
  if (
    !r ||
    typeof r !== 'object' ||
    typeof r.id !== 'string' ||
    typeof r.response !== 'object' ||
    !r.response
  )
    return undefined;
  const uh = r.response.userHandle;
  return { kid: r.id, userHandle: typeof uh === 'string' && uh ? uh : undefined };
}

/** The challenge a response was made for, read from its clientDataJSON (the signature is checked later). */
export function responseChallenge(response: unknown): string | undefined {
  const cd = (response as { response?: { clientDataJSON?: unknown } } | null)?.response?.clientDataJSON;
  if (typeof cd !== 'string') return undefined;
  try {
    const c = JSON.parse(Buffer.from(cd, 'base64url').toString('utf8')) as { challenge?: unknown };
    return typeof c.challenge === 'string' ? c.challenge : undefined;
  } catch {
    return undefined;
  }
}

export async function verifyAssertion(
  cfg: WebauthnConfig,
  p: {
    response: unknown;
    challenge: string;
    origin: string;
    rpId: string;
    credential: StoredCredential;
    requireUserVerification?: boolean;
  },
): Promise<AssertionVerdict> {
  let info: Awaited<
    ReturnType<typeof import('@simplewebauthn/server').verifyAuthenticationResponse>
  >['authenticationInfo'];
  try {
    const r = await (await webauthnLibrary()).verifyAuthenticationResponse({
      response: p.response as AuthenticationResponseJSON,
      expectedChallenge: p.challenge,
      expectedOrigin: p.origin,
      expectedRPID: p.rpId,
      credential: {
        id: p.credential.kid,
        publicKey: new Uint8Array(p.credential.publicKey),
        counter: p.credential.signCount,
        transports: [...p.credential.transports],
      },
      requireUserVerification:
        p.requireUserVerification ?? cfg.selectionCriteria.userVerification === 'required',
    });
    if (!r.verified) return { ok: false, reason: 'invalid' };
    info = r.authenticationInfo;
  } catch (e) {
    const message = (e as Error).message;
    return { ok: false, reason: /counter/i.test(message) ? 'counter' : 'invalid', detail: message };
  }
  const eligibleNow = info.credentialDeviceType === 'multiDevice';
  if (eligibleNow !== p.credential.backupEligible) return { ok: false, reason: 'backup-eligibility-changed' };
  if (cfg.filtering.prohibitBackupEligibility && eligibleNow)
    return { ok: false, reason: 'backup-eligibility-prohibited' };
  return {
    ok: true,
    signCount: info.newCounter,
    userVerified: info.userVerified,
    backupState: info.credentialBackedUp,
  };
}
