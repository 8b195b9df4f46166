/** Reads the portal settings the server wrote into <body data-settings> (see src/http/portal-static.ts). */
import type { PortalSettings } from '../../src/http/api/contract.js';

const DEFAULTS: PortalSettings = {
  theme: 'auto',
  basePath: '',
  rememberMe: false,
  resetPassword: false,
  resetPasswordCustomUrl: '',
  passwordChange: false,
  passkeyLogin: false,
  totp: true,
  webauthn: true,
};

export function readSettings(raw: string | undefined): PortalSettings {
  if (!raw) return DEFAULTS;
  try {
    const parsed = JSON.parse(raw) as Partial<PortalSettings>;
    return { ...DEFAULTS, ...parsed };
  } catch {
    return DEFAULTS;
  }
}
