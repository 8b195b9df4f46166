/** Runs WebAuthn ceremonies through @simplewebauthn/browser and names browser failures for people. */
import {
  browserSupportsWebAuthn,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  startAuthentication,
  startRegistration,
} from '@simplewebauthn/browser';
import type { MessageKey } from './i18n/index.js';

export type Ceremony<T> = { ok: true; response: T } | { ok: false; key: MessageKey };

/** DOMException names from the WebAuthn spec (§6.3.2, §6.3.3) → what the person should read. */
export function ceremonyError(e: unknown, registering: boolean): MessageKey {
  const name = e instanceof Error ? e.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'AbortError':
      return 'error.webauthnCancelled';
    case 'InvalidStateError':
      return registering ? 'error.webauthnExcluded' : 'error.webauthnUnknownKey';
    case 'NotSupportedError':
      return 'error.webauthnUnsupported';
    default:
      return 'error.webauthnFailed';
  }
}

export async function register(options: unknown): Promise<Ceremony<unknown>> {
  if (!browserSupportsWebAuthn()) return { ok: false, key: 'error.webauthnUnsupported' };
  try {
    const response = await startRegistration({
      optionsJSON: options as PublicKeyCredentialCreationOptionsJSON,
    });
    return { ok: true, response };
  } catch (e) {
    return { ok: false, key: ceremonyError(e, true) };
  }
}

export async function authenticate(options: unknown): Promise<Ceremony<unknown>> {
  if (!browserSupportsWebAuthn()) return { ok: false, key: 'error.webauthnUnsupported' };
  try {
    const response = await startAuthentication({
      optionsJSON: options as PublicKeyCredentialRequestOptionsJSON,
    });
    return { ok: true, response };
  } catch (e) {
    return { ok: false, key: ceremonyError(e, false) };
  }
}
