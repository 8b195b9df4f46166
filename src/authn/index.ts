/** Public API of authn: password digests and the users database. */
export { identifyDigest } from './password/digest.js';
export { hashPassword } from './password/hash.js';
export { verifyDummy, verifyPassword } from './password/verify.js';
export {
  createPasswordPolicy,
  type PasswordPolicy,
  type PolicyDescription,
} from './password-policy/index.js';
export {
  newTotpRecord,
  secretFromBase32,
  type TotpChoice,
  type TotpVerdict,
  totpCode,
  totpSecretBase32,
  totpUri,
  verifyTotp,
} from './totp/index.js';
export { type UserDetails, UsersDatabase } from './users-file/database.js';
export { USERS_FILE_TEMPLATE } from './users-file/template.js';
export { writeUserPassword } from './users-file/write.js';
export {
  assertionIds,
  authenticationOptions,
  type RegisteredCredential,
  registrationOptions,
  responseChallenge,
  verifyAssertion,
  verifyRegistration,
} from './webauthn/index.js';
