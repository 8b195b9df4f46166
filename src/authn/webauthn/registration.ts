/**
 * The WebAuthn registration ceremony over @simplewebauthn/server, with Authelia's knobs: attestation conveyance,
 * selection criteria (attachment, discoverability, user verification) and the AAGUID / backup-eligibility filters.
 */
import type {
  PublicKeyCredentialCreationOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { WebauthnConfig } from '../../config/index.js';
import { webauthnLibrary } from './library.js';

export interface RegistrationUser {
  readonly username: string;
  readonly displayName: string;
  /** The opaque user handle (base64url) kept per RP ID. */
  readonly handle: string;
}

export interface ExistingCredential {
  readonly kid: string;
  readonly transports: readonly string[];
}

export async function registrationOptions(
  cfg: WebauthnConfig,
  p: { rpId: string; user: RegistrationUser; exclude: readonly ExistingCredential[] },
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const sc = cfg.selectionCriteria;
  const options = await (await webauthnLibrary()).generateRegistrationOptions({
    rpName: cfg.displayName,
    rpID: p.rpId,
    userName: p.user.username,
    userDisplayName: p.user.displayName,
    userID: Buffer.from(p.user.handle, 'base64url'),
    timeout: cfg.timeout,
    attestationType: cfg.attestationConveyancePreference === 'none' ? 'none' : 'direct',
    excludeCredentials: p.exclude.map((c) => ({ id: c.kid, transports: [...c.transports] })),
    authenticatorSelection: {
      ...(sc.attachment ? { authenticatorAttachment: sc.attachment } : {}),
      residentKey: sc.discoverability,
      requireResidentKey: sc.discoverability === 'required',
      userVerification: sc.userVerification,
    },
    // credProps tells us whether the authenticator made a discoverable credential (a passkey).
    extensions: { credProps: true } as Record<string, unknown>,
  });
  // The library only knows none/direct/enterprise; the browser understands 'indirect' (Authelia's default).
  return { ...options, attestation: cfg.attestationConveyancePreference };
}

export interface RegisteredCredential {
  readonly kid: string;
  readonly publicKey: Buffer;
  readonly signCount: number;
  readonly transports: readonly string[];
  readonly aaguid: string;
  readonly attestationType: string;
  readonly attestation: Buffer;
  readonly attachment: string;
  readonly discoverable: boolean;
  readonly verified: boolean;
  readonly backupEligible: boolean;
  readonly backupState: boolean;
}

export type RegistrationVerdict =
  | { readonly ok: true; readonly credential: RegisteredCredential }
  | {
      readonly ok: false;
      readonly reason:
        | 'invalid'
        | 'backup-eligibility-prohibited'
        | 'aaguid-not-permitted'
        | 'aaguid-prohibited';
      readonly detail?: string;
    };

export async function verifyRegistration(
  cfg: WebauthnConfig,
  p: { response: unknown; challenge: string; origin: string; rpId: string },
): Promise<RegistrationVerdict> {
  let info: Awaited<
    ReturnType<typeof import('@simplewebauthn/server').verifyRegistrationResponse>
  >['registrationInfo'];
  const response = p.response as RegistrationResponseJSON;
  try {
    const r = await (await webauthnLibrary()).verifyRegistrationResponse({
      response,
      expectedChallenge: p.challenge,
      expectedOrigin: p.origin,
      expectedRPID: p.rpId,
      requireUserVerification: cfg.selectionCriteria.userVerification === 'required',
    });
    if (!r.verified) return { ok: false, reason: 'invalid' };
    info = r.registrationInfo;
  } catch (e) {
    return { ok: false, reason: 'invalid', detail: (e as Error).message };
  }
  const f = cfg.filtering;
  const backupEligible = info.credentialDeviceType === 'multiDevice';
  if (f.prohibitBackupEligibility && backupEligible)
    return { ok: false, reason: 'backup-eligibility-prohibited' };
  const aaguid = info.aaguid.toLowerCase();
  if (f.permittedAaguids.length && !f.permittedAaguids.some((a) => a.toLowerCase() === aaguid))
    return { ok: false, reason: 'aaguid-not-permitted', detail: aaguid };
  if (f.prohibitedAaguids.some((a) => a.toLowerCase() === aaguid))
    return { ok: false, reason: 'aaguid-prohibited', detail: aaguid };
  const rk = (response.clientExtensionResults as { credProps?: { rk?: boolean } } | undefined)?.credProps?.rk;
  return {
    ok: true,
    credential: {
      kid: info.credential.id,
      publicKey: Buffer.from(info.credential.publicKey),
      signCount: info.credential.counter,
      transports: info.credential.transports ?? response.response.transports ?? [],
      aaguid,
      attestationType: info.fmt,
      attestation: Buffer.from(info.attestationObject),
      attachment: response.authenticatorAttachment ?? '',
      discoverable: rk === true,
      verified: info.userVerified,
      backupEligible,
      backupState: info.credentialBackedUp,
    },
  };
}
