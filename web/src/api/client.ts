/**
 * Typed calls to the portal API (Authelia's `{status, data|message}` envelope) and the mapping of failures to
 * messages a person understands. Types come from the server's contract by `import type` only.
 */
import type {
  ApiResponse,
  ChangePasswordRequest,
  CredentialCreation,
  CredentialRequest,
  ElevationStartResponse,
  ElevationStatusResponse,
  FirstFactorRequest,
  LogoutResponse,
  PasskeySignInRequest,
  PasswordPolicyResponse,
  SafeRedirectionResponse,
  SERVER_MESSAGES,
  SecondFactorMethod,
  SignInResponse,
  StateResponse,
  TotpConfigurationResponse,
  TotpOptionsResponse,
  TotpRegisterStartRequest,
  TotpRegisterStartResponse,
  UserInfoResponse,
  WebAuthnCredentialInfo,
} from '../../../src/http/api/contract.js';
import type { MessageKey } from '../i18n/index.js';

export type Result<T> =
  | { readonly ok: true; readonly data: T }
  | {
      readonly ok: false;
      readonly status: number;
      readonly message: string;
      readonly elevation: boolean;
      readonly authentication: boolean;
      readonly retryAfter: number;
    };

/** Server messages the portal recognises; the type ties them to the server's constants. */
const SERVER: typeof SERVER_MESSAGES = {
  authenticationFailed: 'Authentication failed. Check your credentials.',
  banned: 'Too many failed attempts. Your account is temporarily locked.',
};

let base = '';
/** The server's sub-path ('' or '/authelia'); every API path is relative to it. */
export function setBasePath(path: string): void {
  base = path.replace(/\/+$/, '');
}

export async function call<T = undefined>(method: string, path: string, body?: unknown): Promise<Result<T>> {
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, {
      method,
      credentials: 'same-origin',
      headers:
        body === undefined
          ? { accept: 'application/json' }
          : { 'content-type': 'application/json', accept: 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    return { ok: false, status: 0, message: '', elevation: false, authentication: false, retryAfter: 0 };
  }
  let json: ApiResponse<T> | undefined;
  try {
    json = (await res.json()) as ApiResponse<T>;
  } catch {
    json = undefined;
  }
  if (res.ok && json?.status === 'OK') return { ok: true, data: json.data as T };
  const ko = json?.status === 'KO' ? json : undefined;
  return {
    ok: false,
    status: res.status,
    message: ko?.message ?? '',
    elevation: ko?.elevation === true,
    authentication: ko?.authentication === true,
    retryAfter: Number(res.headers.get('retry-after')) || 0,
  };
}

export type Failure = Extract<Result<unknown>, { ok: false }>;

/** Where a failure happened decides how "authentication failed" reads to a person. */
export type FailureContext = 'password' | 'totp' | 'elevation' | 'reset-link' | 'webauthn' | 'other';

export function describeFailure(
  f: Failure,
  where: FailureContext,
): { key: MessageKey; vars?: Record<string, number> } {
  if (f.status === 0) return { key: 'error.network' };
  if (f.status === 429)
    return { key: 'error.rateLimited', vars: { seconds: Math.max(1, Math.ceil(f.retryAfter)) } };
  if (f.message === SERVER.banned) return { key: 'error.banned' };
  if (where === 'password' && f.status === 401) return { key: 'error.credentials' };
  if (where === 'totp' && (f.status === 401 || f.status === 403)) return { key: 'error.code' };
  if (where === 'elevation' && (f.status === 401 || f.status === 403)) return { key: 'error.elevationCode' };
  if (where === 'reset-link' && f.status >= 400 && f.status < 500) return { key: 'error.resetLink' };
  if (where === 'webauthn' && f.status >= 400 && f.status < 500) return { key: 'error.webauthnFailed' };
  if (f.status === 401 && f.message === SERVER.authenticationFailed) return { key: 'error.sessionExpired' };
  if (/password policy/i.test(f.message)) return { key: 'error.passwordPolicy' };
  return { key: 'error.unexpected' };
}

export const api = {
  state: () => call<StateResponse>('GET', '/api/state'),
  firstFactor: (b: FirstFactorRequest) => call<SignInResponse | undefined>('POST', '/api/firstfactor', b),
  totpSignIn: (token: string, targetURL?: string) =>
    call<SignInResponse | undefined>('POST', '/api/secondfactor/totp', { token, targetURL }),
  logout: (targetURL?: string) => call<LogoutResponse>('POST', '/api/logout', targetURL ? { targetURL } : {}),
  userInfo: () => call<UserInfoResponse>('GET', '/api/user/info'),
  safeRedirection: (uri: string) =>
    call<SafeRedirectionResponse>('POST', '/api/checks/safe-redirection', { uri }),
  setPreferredMethod: (method: SecondFactorMethod) => call('POST', '/api/user/info/2fa_method', { method }),

  totpConfiguration: () => call<TotpConfigurationResponse>('GET', '/api/secondfactor/totp'),
  totpDelete: () => call('DELETE', '/api/secondfactor/totp'),
  totpOptions: () => call<TotpOptionsResponse>('GET', '/api/secondfactor/totp/register'),
  totpRegisterStart: (b: TotpRegisterStartRequest) =>
    call<TotpRegisterStartResponse>('PUT', '/api/secondfactor/totp/register', b),
  totpRegisterFinish: (token: string) => call('POST', '/api/secondfactor/totp/register', { token }),
  totpRegisterCancel: () => call('DELETE', '/api/secondfactor/totp/register'),

  webauthnAssertionOptions: () => call<CredentialRequest>('GET', '/api/secondfactor/webauthn'),
  webauthnAssertion: (response: unknown, targetURL?: string) =>
    call<SignInResponse | undefined>('POST', '/api/secondfactor/webauthn', { response, targetURL }),
  passkeyOptions: () => call<CredentialRequest>('GET', '/api/firstfactor/passkey'),
  passkeySignIn: (b: PasskeySignInRequest) =>
    call<SignInResponse | undefined>('POST', '/api/firstfactor/passkey', b),
  webauthnCredentials: () =>
    call<WebAuthnCredentialInfo[] | null>('GET', '/api/secondfactor/webauthn/credentials'),
  webauthnRegisterStart: (description: string) =>
    call<CredentialCreation>('PUT', '/api/secondfactor/webauthn/credential/register', { description }),
  webauthnRegisterFinish: (response: unknown) =>
    call('POST', '/api/secondfactor/webauthn/credential/register', response),
  webauthnRename: (id: string, description: string) =>
    call('PUT', `/api/secondfactor/webauthn/credential/${encodeURIComponent(id)}`, { description }),
  webauthnDelete: (id: string) =>
    call('DELETE', `/api/secondfactor/webauthn/credential/${encodeURIComponent(id)}`),

  elevationStatus: () => call<ElevationStatusResponse>('GET', '/api/user/session/elevation'),
  elevationStart: () => call<ElevationStartResponse>('POST', '/api/user/session/elevation'),
  elevationFinish: (otc: string) => call('PUT', '/api/user/session/elevation', { otc }),
  /** The revoke link of an elevation mail: the one-time code it carries stops working. */
  revokeOneTimeCode: (id: string) => call('DELETE', `/api/user/session/elevation/${encodeURIComponent(id)}`),

  resetStart: (username: string) => call('POST', '/api/reset-password/identity/start', { username }),
  resetFinish: (token: string) => call('POST', '/api/reset-password/identity/finish', { token }),
  resetPassword: (password: string) => call('POST', '/api/reset-password', { password }),
  /** The "didn't ask for this?" link of a reset mail: the token stops working. */
  revokeResetLink: (token: string) => call('DELETE', '/api/reset-password', { token }),
  changePassword: (b: ChangePasswordRequest) => call('POST', '/api/change-password', b),
  passwordPolicy: () => call<PasswordPolicyResponse>('GET', '/api/configuration/password-policy'),
};
