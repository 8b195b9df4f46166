/** Shape of `server` (listener, TLS, buffers, timeouts, authz endpoints, rate limits) plus Portcullis' trusted_proxies. */
import { bool, dur, int, list, map, obj, str } from './spec.js';

const rateLimit = obj({ enable: bool(), buckets: list(obj({ period: dur(), requests: int() })) });

const rateLimitNames = [
  'openid_connect_introspection',
  'openid_connect_pushed_authorization_request',
  'openid_connect_revocation',
  'openid_connect_token',
  'openid_connect_userinfo',
  'reset_password_finish',
  'reset_password_start',
  'second_factor_duo',
  'second_factor_totp',
  'session_elevation_finish',
  'session_elevation_start',
] as const;

export const serverSpec = obj({
  address: str(),
  asset_path: str(),
  disable_healthcheck: bool(),
  tls: obj({ key: str(), certificate: str(), client_certificates: list(str()) }),
  headers: obj({ csp_template: str() }),
  buffers: obj({ read: int(), write: int() }),
  timeouts: obj({ read: dur(), write: dur(), idle: dur() }),
  endpoints: obj({
    enable_pprof: bool(),
    enable_expvars: bool(),
    authz: map(
      obj({
        implementation: str(),
        authn_strategies: list(
          obj({ name: str(), schemes: list(str()), scheme_basic_cache_lifespan: dur() }),
        ),
      }),
    ),
    rate_limits: obj(Object.fromEntries(rateLimitNames.map((n) => [n, rateLimit]))),
  }),
  /** Portcullis-only: CIDRs of proxies whose X-Forwarded-* headers are believed. */
  trusted_proxies: list(str()),
});
