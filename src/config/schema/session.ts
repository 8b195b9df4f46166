/** Shape of `session`: the legacy single-domain keys plus `cookies[]` and the redis provider. */
import { bool, dur, int, list, obj, str, tlsSpec } from './spec.js';

export const sessionSpec = obj({
  secret: str(),
  name: str(),
  same_site: str(),
  expiration: dur(),
  inactivity: dur(),
  remember_me: dur(),
  // Legacy single-domain form (deprecated in 4.38, still mapped onto one cookie entry).
  domain: str(),
  cookies: list(
    obj({
      domain: str(),
      authelia_url: str(),
      default_redirection_url: str(),
      name: str(),
      same_site: str(),
      expiration: dur(),
      inactivity: dur(),
      remember_me: dur(),
    }),
  ),
  redis: obj({
    host: str(),
    port: int(),
    username: str(),
    password: str(),
    database_index: int(),
    timeout: dur(),
    max_retries: int(),
    maximum_active_connections: int(),
    minimum_idle_connections: int(),
    tls: tlsSpec(),
    high_availability: obj({
      sentinel_name: str(),
      sentinel_username: str(),
      sentinel_password: str(),
      nodes: list(obj({ host: str(), port: int() })),
      route_by_latency: bool(),
      route_randomly: bool(),
    }),
  }),
});
