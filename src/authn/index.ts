/** Public API of authn: password digests and the users database. */
export { identifyDigest } from './password/digest.js';
export { hashPassword } from './password/hash.js';
export { verifyDummy, verifyPassword } from './password/verify.js';
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
