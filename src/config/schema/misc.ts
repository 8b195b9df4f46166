/** Shape of the smaller sections: log, audit, detection, identity_validation, password_policy, regulation, definitions, telemetry, ntp, privacy_policy, identity_providers. */
import { any, bool, dur, int, list, map, obj, str } from './spec.js';

export const logSpec = obj({ level: str(), format: str(), file_path: str(), keep_stdout: bool() });

export const identityValidationSpec = obj({
  reset_password: obj({ jwt_secret: str(), jwt_lifespan: dur(), jwt_algorithm: str() }),
  elevated_session: obj({
    code_lifespan: dur(),
    elevation_lifespan: dur(),
    characters: int(),
    require_second_factor: bool(),
    skip_second_factor: bool(),
  }),
});

export const passwordPolicySpec = obj({
  standard: obj({
    enabled: bool(),
    min_length: int(),
    max_length: int(),
    require_uppercase: bool(),
    require_lowercase: bool(),
    require_number: bool(),
    require_special: bool(),
  }),
  zxcvbn: obj({ enabled: bool(), min_score: int() }),
});

export const regulationSpec = obj({
  modes: list(str()),
  max_retries: int(),
  find_time: dur(),
  ban_time: dur(),
});

export const definitionsSpec = obj({
  network: map(list(str())),
  user_attributes: map(obj({ expression: str() })),
});

export const telemetrySpec = obj({
  metrics: obj({
    enabled: bool(),
    address: str(),
    buffers: obj({ read: int(), write: int() }),
    timeouts: obj({ read: dur(), write: dur(), idle: dur() }),
  }),
});

export const ntpSpec = obj({
  address: str(),
  version: int(),
  max_desync: dur(),
  disable_startup_check: bool(),
  disable_failure: bool(),
});

export const privacyPolicySpec = obj({ enabled: bool(), require_user_acceptance: bool(), policy_url: str() });

/** OpenID Connect is not implemented; its subtree is accepted as written so the one clear "not supported" error is all the user sees. */
export const identityProvidersSpec = obj({ oidc: any() });

/** Portcullis-only: the tamper-evident audit log. */
export const auditSpec = obj({
  enabled: bool(),
  file_path: str(),
  authz_allowed: str(),
  authz_sample_rate: any(),
  max_queue: int(),
  checkpoint: obj({ every: int(), interval: dur(), signing_key: str() }),
});

const detectionRuleSpec = () =>
  obj({ enabled: bool(), threshold: int(), window: dur(), ban_duration: dur(), actions: list(str()) });

/** Portcullis-only: detection rules, bans and alerts. */
export const detectionSpec = obj({
  enabled: bool(),
  trusted_networks: list(str()),
  max_tracked_keys: int(),
  rules: obj({
    failed_logins: detectionRuleSpec(),
    password_spraying: detectionRuleSpec(),
    credential_stuffing: detectionRuleSpec(),
    repeated_denials: detectionRuleSpec(),
    new_ip_login: detectionRuleSpec(),
    session_denial_burst: detectionRuleSpec(),
  }),
  alerts: obj({
    webhook: obj({ url: str(), headers: map(str()), timeout: dur(), retries: int() }),
    email: obj({ recipients: list(str()), interval: dur() }),
  }),
});
