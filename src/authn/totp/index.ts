/** TOTP: secrets, URIs, codes and verification with reuse protection. */
export {
  newTotpRecord,
  secretFromBase32,
  type TotpChoice,
  type TotpVerdict,
  totpCode,
  totpSecretBase32,
  totpUri,
  verifyTotp,
} from './totp.js';
