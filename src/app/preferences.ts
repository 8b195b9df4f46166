/**
 * The user's preferred second-factor method and what they have enrolled (Authelia's `user_preferences` and
 * `/api/user/info` semantics): a stored choice that is still enabled wins; otherwise the first enabled method the
 * user has a device for, then `default_2fa_method`, then the first enabled one — and that default is stored.
 */
import type { Logger } from '../core/index.js';
import type { PreferencesStore } from '../storage/index.js';

export type SecondFactorMethodName = 'totp' | 'webauthn' | 'mobile_push';

/** Authelia's order, used both for the list of enabled methods and for picking a default. */
const ORDER: readonly SecondFactorMethodName[] = ['totp', 'webauthn', 'mobile_push'];

export interface UserSecondFactorInfo {
  /** '' only when no method at all is enabled. */
  readonly method: SecondFactorMethodName | '';
  readonly hasTotp: boolean;
  readonly hasWebAuthn: boolean;
  readonly hasDuo: boolean;
}

export interface PreferencesDeps {
  readonly preferences: PreferencesStore;
  readonly hasTotp: (username: string) => Promise<boolean>;
  readonly hasWebAuthn: (username: string) => Promise<boolean>;
  /** Methods enabled in the configuration (Duo is never enabled in Portcullis). */
  readonly enabled: { readonly totp: boolean; readonly webauthn: boolean; readonly mobilePush: boolean };
  /** `default_2fa_method`; '' = none configured. */
  readonly fallback: SecondFactorMethodName | '';
  readonly logger: Logger;
}

export type SetMethodResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'unavailable'; readonly available: readonly string[] };

export function createPreferencesFlow(deps: PreferencesDeps) {
  const available = ORDER.filter((m) =>
    m === 'totp' ? deps.enabled.totp : m === 'webauthn' ? deps.enabled.webauthn : deps.enabled.mobilePush,
  );
  const isAvailable = (m: string): m is SecondFactorMethodName =>
    (available as readonly string[]).includes(m);

  function pick(stored: string, has: { totp: boolean; webauthn: boolean; duo: boolean }) {
    if (stored && isAvailable(stored)) return stored;
    // A method the user can actually use beats a configured default they have no device for.
    const enrolled = available.find((m) =>
      m === 'totp' ? has.totp : m === 'webauthn' ? has.webauthn : has.duo,
    );
    if (enrolled) return enrolled;
    if (deps.fallback && isAvailable(deps.fallback)) return deps.fallback;
    return available[0] ?? '';
  }

  /** What `/api/user/info` reports; a missing or no-longer-enabled preference is replaced and stored. */
  async function info(username: string): Promise<UserSecondFactorInfo> {
    const [stored, hasTotp, hasWebAuthn] = await Promise.all([
      deps.preferences.getSecondFactorMethod(username),
      deps.hasTotp(username),
      deps.hasWebAuthn(username),
    ]);
    const method = pick(stored ?? '', { totp: hasTotp, webauthn: hasWebAuthn, duo: false });
    if (method !== '' && method !== stored) await deps.preferences.setSecondFactorMethod(username, method);
    return { method, hasTotp, hasWebAuthn, hasDuo: false };
  }

  /** `POST /api/user/info/2fa_method`: only an enabled method is accepted. */
  async function setMethod(username: string, method: unknown): Promise<SetMethodResult> {
    if (typeof method !== 'string' || !isAvailable(method))
      return { ok: false, reason: 'unavailable', available };
    await deps.preferences.setSecondFactorMethod(username, method);
    deps.logger.debug({ username, method }, 'preferred second factor method saved');
    return { ok: true };
  }

  return { available, info, setMethod };
}

export type PreferencesFlow = ReturnType<typeof createPreferencesFlow>;
