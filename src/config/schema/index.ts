/** The whole configuration shape, section by section, exactly as Authelia's YAML spells it. */
import { accessControlSpec } from './access-control.js';
import { authenticationBackendSpec } from './authentication-backend.js';
import {
  auditSpec,
  definitionsSpec,
  detectionSpec,
  identityProvidersSpec,
  identityValidationSpec,
  logSpec,
  ntpSpec,
  passwordPolicySpec,
  privacyPolicySpec,
  regulationSpec,
  telemetrySpec,
} from './misc.js';
import { notifierSpec } from './notifier.js';
import { duoSpec, totpSpec, webauthnSpec } from './second-factor.js';
import { serverSpec } from './server.js';
import { sessionSpec } from './session.js';
import { type ObjectSpec, obj, str } from './spec.js';
import { storageSpec } from './storage.js';

export const configSpec: ObjectSpec = obj({
  theme: str(),
  certificates_directory: str(),
  default_2fa_method: str(),
  // Deprecated top-level key: becomes the legacy cookie's default_redirection_url.
  default_redirection_url: str(),
  server: serverSpec,
  log: logSpec,
  telemetry: telemetrySpec,
  identity_validation: identityValidationSpec,
  authentication_backend: authenticationBackendSpec,
  password_policy: passwordPolicySpec,
  access_control: accessControlSpec,
  definitions: definitionsSpec,
  session: sessionSpec,
  regulation: regulationSpec,
  storage: storageSpec,
  notifier: notifierSpec,
  totp: totpSpec,
  webauthn: webauthnSpec,
  duo_api: duoSpec,
  ntp: ntpSpec,
  privacy_policy: privacyPolicySpec,
  identity_providers: identityProvidersSpec,
  audit: auditSpec,
  detection: detectionSpec,
});

export { checkShape } from './check.js';
export type { ObjectSpec, Spec } from './spec.js';
