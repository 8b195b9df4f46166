/** Shape of `totp`, `webauthn` and `duo_api`. */
import { bool, dur, int, list, obj, str } from './spec.js';

export const totpSpec = obj({
  disable: bool(),
  issuer: str(),
  algorithm: str(),
  digits: int(),
  period: int(),
  skew: int(),
  secret_size: int(),
  allowed_algorithms: list(str()),
  allowed_digits: list(int()),
  allowed_periods: list(int()),
  disable_reuse_security_policy: bool(),
});

export const webauthnSpec = obj({
  disable: bool(),
  enable_passkey_login: bool(),
  experimental_enable_passkey_uv_two_factors: bool(),
  experimental_enable_passkey_upgrade: bool(),
  display_name: str(),
  attestation_conveyance_preference: str(),
  timeout: dur(),
  selection_criteria: obj({ attachment: str(), discoverability: str(), user_verification: str() }),
  filtering: obj({
    prohibit_backup_eligibility: bool(),
    permitted_aaguids: list(str()),
    prohibited_aaguids: list(str()),
  }),
  metadata: obj({
    enabled: bool(),
    cache_policy: str(),
    validate_trust_anchor: bool(),
    validate_entry: bool(),
    validate_entry_permit_zero_aaguid: bool(),
    validate_status: bool(),
    validate_status_permitted: list(str()),
    validate_status_prohibited: list(str()),
  }),
});

export const duoSpec = obj({
  disable: bool(),
  hostname: str(),
  integration_key: str(),
  secret_key: str(),
  enable_self_enrollment: bool(),
});
