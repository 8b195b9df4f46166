/**
 * Request and response types of the portal JSON API (Authelia's shapes), shared with web/ by `import type` only.
 * Field names are Authelia's wire names, so they mix snake_case and camelCase exactly as upstream does.
 */

/** `{status:'OK', data}` on success. */
export interface OkResponse<T = undefined> {
  readonly status: 'OK';
  readonly data?: T;
}

/** `{status:'KO', message}` on failure; `authentication`/`elevation` say which step the caller must redo. */
export interface KoResponse {
  readonly status: 'KO';
  readonly message: string;
  readonly authentication?: boolean;
  readonly elevation?: boolean;
}

export type ApiResponse<T = undefined> = OkResponse<T> | KoResponse;

export type SecondFactorMethod = 'totp' | 'webauthn' | 'mobile_push';

/** 0 anonymous, 1 password (or passkey without UV), 2 second factor. */
export type AuthenticationLevel = 0 | 1 | 2;

/** GET /api/state */
export interface StateResponse {
  readonly username: string;
  readonly authentication_level: AuthenticationLevel;
  readonly factor_knowledge?: boolean;
  readonly default_redirection_url?: string;
}

/** POST /api/firstfactor */
export interface FirstFactorRequest {
  readonly username: string;
  readonly password: string;
  readonly keepMeLoggedIn: boolean;
  readonly targetURL?: string;
  readonly requestMethod?: string;
}

/** Data of a successful sign-in step: where to go next, when the target is already allowed. */
export interface SignInResponse {
  readonly redirect?: string;
}

/** POST /api/secondfactor/totp */
export interface TotpSignInRequest {
  readonly token: string;
  readonly targetURL?: string;
}

/** POST /api/logout */
export interface LogoutRequest {
  readonly targetURL?: string;
}
export interface LogoutResponse {
  readonly safeTargetURL: boolean;
}

/** GET /api/user/info */
export interface UserInfoResponse {
  readonly display_name: string;
  readonly emails: readonly string[];
  readonly method: SecondFactorMethod;
  readonly has_totp: boolean;
  readonly has_webauthn: boolean;
  readonly has_duo: boolean;
}

/** POST /api/user/info/2fa_method */
export interface PreferredMethodRequest {
  readonly method: SecondFactorMethod;
}

/** POST /api/checks/safe-redirection */
export interface SafeRedirectionRequest {
  readonly uri: string;
}
export interface SafeRedirectionResponse {
  readonly ok: boolean;
}

export type TotpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

/** GET /api/secondfactor/totp: the user's TOTP configuration (404 when there is none). */
export interface TotpConfigurationResponse {
  readonly created_at: string;
  readonly last_used_at?: string;
  readonly issuer: string;
  readonly algorithm: TotpAlgorithm;
  readonly digits: 6 | 8;
  readonly period: number;
}

/** GET /api/secondfactor/totp/register: the defaults and the choices allowed by `totp.allowed_*`. */
export interface TotpOptionsResponse {
  readonly algorithm: TotpAlgorithm;
  readonly algorithms: readonly TotpAlgorithm[];
  readonly length: 6 | 8;
  readonly lengths: readonly (6 | 8)[];
  readonly period: number;
  readonly periods: readonly number[];
}

/** PUT /api/secondfactor/totp/register */
export interface TotpRegisterStartRequest {
  readonly algorithm: TotpAlgorithm;
  readonly length: number;
  readonly period: number;
}
export interface TotpRegisterStartResponse {
  readonly base32_secret: string;
  readonly otpauth_url: string;
}

/** POST /api/secondfactor/totp/register (confirm with a code); DELETE cancels. */
export interface TotpRegisterFinishRequest {
  readonly token: string;
}

/** The `publicKey` member wraps WebAuthn options, as in Authelia (`{publicKey: …}`). */
export interface CredentialCreation<O = unknown> {
  readonly publicKey: O;
}
export interface CredentialRequest<O = unknown> {
  readonly publicKey: O;
}

/** PUT /api/secondfactor/webauthn/credential/register */
export interface WebAuthnRegisterStartRequest {
  readonly description: string;
}

/** POST /api/secondfactor/webauthn: the assertion JSON of @simplewebauthn/browser. */
export interface WebAuthnSignInRequest<R = unknown> {
  readonly response: R;
  readonly targetURL?: string;
}

/** POST /api/firstfactor/passkey */
export interface PasskeySignInRequest<R = unknown> {
  readonly response: R;
  readonly keepMeLoggedIn: boolean;
  readonly targetURL?: string;
  readonly requestMethod?: string;
}

/** One entry of GET /api/secondfactor/webauthn/credentials (the fields the portal shows). */
export interface WebAuthnCredentialInfo {
  readonly id: string;
  readonly created_at: string;
  readonly last_used_at?: string;
  readonly rpid: string;
  readonly description: string;
  readonly aaguid?: string;
  readonly attestation_type?: string;
  readonly attachment?: string;
  readonly transports?: readonly string[] | null;
  readonly sign_count?: number;
  readonly clone_warning?: boolean;
  readonly discoverable: boolean;
  readonly verified?: boolean;
  readonly backup_eligible?: boolean;
  readonly backup_state?: boolean;
}

/** PUT /api/secondfactor/webauthn/credential/{id} */
export interface WebAuthnRenameRequest {
  readonly description: string;
}

/** GET /api/user/session/elevation */
export interface ElevationStatusResponse {
  readonly require_second_factor: boolean;
  readonly skip_second_factor: boolean;
  readonly can_skip_second_factor: boolean;
  readonly factor_knowledge: boolean;
  readonly elevated: boolean;
  readonly expires: number;
}
/** POST /api/user/session/elevation: sends the one-time code; `delete_id` revokes it. */
export interface ElevationStartResponse {
  readonly delete_id: string;
}
/** PUT /api/user/session/elevation */
export interface ElevationFinishRequest {
  readonly otc: string;
}

/** POST /api/reset-password/identity/start (always answers OK) */
export interface ResetPasswordStartRequest {
  readonly username: string;
}
/** POST /api/reset-password/identity/finish and DELETE /api/reset-password */
export interface ResetPasswordTokenRequest {
  readonly token: string;
}
/** POST /api/reset-password */
export interface ResetPasswordRequest {
  readonly password: string;
}

/** POST /api/change-password */
export interface ChangePasswordRequest {
  readonly username: string;
  readonly old_password: string;
  readonly new_password: string;
}

/** GET /api/configuration/password-policy */
export interface PasswordPolicyResponse {
  readonly mode: 'disabled' | 'standard' | 'zxcvbn';
  readonly min_length: number;
  readonly max_length: number;
  readonly min_score: number;
  readonly require_uppercase: boolean;
  readonly require_lowercase: boolean;
  readonly require_number: boolean;
  readonly require_special: boolean;
}

/**
 * What the server writes into index.html (`data-*` on <body>) so the first paint needs no API call.
 * Built by src/http/portal-static.ts, read by web/src/settings.ts.
 */
export interface PortalSettings {
  readonly theme: 'light' | 'dark' | 'grey' | 'oled' | 'auto';
  readonly basePath: string;
  readonly rememberMe: boolean;
  readonly resetPassword: boolean;
  readonly resetPasswordCustomUrl: string;
  readonly passwordChange: boolean;
  readonly passkeyLogin: boolean;
  readonly totp: boolean;
  readonly webauthn: boolean;
}

/**
 * Messages the server sends in `message` that the portal recognises (web/ reads them as `typeof SERVER_MESSAGES`
 * and turns them into words for people through its i18n module).
 */
export const SERVER_MESSAGES = {
  authenticationFailed: 'Authentication failed. Check your credentials.',
  banned: 'Too many failed attempts. Your account is temporarily locked.',
} as const;
