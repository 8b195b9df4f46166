/** WebAuthn ceremonies (registration and assertion) over @simplewebauthn/server. */
export {
  type AssertionVerdict,
  assertionIds,
  authenticationOptions,
  responseChallenge,
  type StoredCredential,
  verifyAssertion,
} from './authentication.js';
export {
  type ExistingCredential,
  type RegisteredCredential,
  type RegistrationUser,
  type RegistrationVerdict,
  registrationOptions,
  verifyRegistration,
} from './registration.js';
