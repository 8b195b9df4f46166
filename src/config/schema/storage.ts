/** Shape of `storage`: the encryption key and one of local / mysql / postgres. */
import { dur, list, obj, str, tlsSpec } from './spec.js';

export const storageSpec = obj({
  encryption_key: str(),
  local: obj({ path: str() }),
  mysql: obj({
    address: str(),
    database: str(),
    username: str(),
    password: str(),
    timeout: dur(),
    tls: tlsSpec(),
  }),
  postgres: obj({
    address: str(),
    database: str(),
    schema: str(),
    username: str(),
    password: str(),
    timeout: dur(),
    tls: tlsSpec(),
    ssl: obj({ mode: str(), root_certificate: str(), certificate: str(), key: str() }),
    servers: list(obj({ address: str(), tls: tlsSpec() })),
  }),
});
