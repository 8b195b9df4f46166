/** Shape of `authentication_backend` (file backend modelled; LDAP keys recognised so they can be rejected clearly). */
import { bool, int, map, obj, str, tlsSpec } from './spec.js';

const passwordSpec = obj({
  algorithm: str(),
  // Flat keys of the pre-4.36 `password` block; mapped onto the per-algorithm blocks by normalize.
  iterations: int(),
  memory: int(),
  parallelism: int(),
  key_length: int(),
  salt_length: int(),
  argon2: obj({
    variant: str(),
    iterations: int(),
    memory: int(),
    parallelism: int(),
    key_length: int(),
    salt_length: int(),
  }),
  scrypt: obj({
    variant: str(),
    iterations: int(),
    block_size: int(),
    parallelism: int(),
    key_length: int(),
    salt_length: int(),
  }),
  pbkdf2: obj({ variant: str(), iterations: int(), salt_length: int() }),
  sha2crypt: obj({ variant: str(), iterations: int(), salt_length: int() }),
  bcrypt: obj({ variant: str(), cost: int() }),
});

const extraAttribute = obj({ multi_valued: bool(), value_type: str() });

const ldapAttributes = obj({
  distinguished_name: str(),
  username: str(),
  display_name: str(),
  family_name: str(),
  given_name: str(),
  middle_name: str(),
  nickname: str(),
  gender: str(),
  birthdate: str(),
  website: str(),
  profile: str(),
  picture: str(),
  zoneinfo: str(),
  locale: str(),
  phone_number: str(),
  phone_extension: str(),
  street_address: str(),
  locality: str(),
  region: str(),
  postal_code: str(),
  country: str(),
  mail: str(),
  member_of: str(),
  group_name: str(),
  extra: map(obj({ name: str(), multi_valued: bool(), value_type: str() })),
});

export const authenticationBackendSpec = obj({
  refresh_interval: { kind: 'refresh' },
  password_reset: obj({ disable: bool(), custom_url: str() }),
  password_change: obj({ disable: bool() }),
  file: obj({
    path: str(),
    watch: bool(),
    search: obj({ email: bool(), case_insensitive: bool() }),
    extra_attributes: map(extraAttribute),
    password: passwordSpec,
  }),
  ldap: obj({
    address: str(),
    implementation: str(),
    timeout: { kind: 'duration' },
    start_tls: bool(),
    tls: tlsSpec(),
    pooling: obj({ enable: bool(), count: int(), retries: int(), timeout: { kind: 'duration' } }),
    base_dn: str(),
    additional_users_dn: str(),
    users_filter: str(),
    additional_groups_dn: str(),
    groups_filter: str(),
    group_search_mode: str(),
    attributes: ldapAttributes,
    permit_referrals: bool(),
    permit_unauthenticated_bind: bool(),
    permit_feature_detection_failure: bool(),
    user: str(),
    password: str(),
  }),
});
