/** Every portal API route, merged from one table per feature file. */
import { CHANGE_PASSWORD_ROUTES } from './change-password.js';
import { ELEVATION_ROUTES } from './elevation.js';
import { type Handler, SESSION_ROUTES } from './portal.js';
import { RESET_PASSWORD_ROUTES } from './reset-password.js';
import { TOTP_REGISTRATION_ROUTES } from './totp-registration.js';
import { WEBAUTHN_ROUTES } from './webauthn.js';

export const PORTAL_ROUTES: ReadonlyMap<string, Handler> = new Map([
  ...SESSION_ROUTES,
  ...ELEVATION_ROUTES,
  ...TOTP_REGISTRATION_ROUTES,
  ...WEBAUTHN_ROUTES,
  ...RESET_PASSWORD_ROUTES,
  ...CHANGE_PASSWORD_ROUTES,
]);
