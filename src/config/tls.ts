/** A `tls:` block (SMTP, SQL servers, Redis) as node:tls client options. */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import type { TlsClientConfig } from './types.js';

const TLS_VERSIONS: Record<string, 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3'> = {
  TLS1: 'TLSv1',
  'TLS1.0': 'TLSv1',
  'TLS1.1': 'TLSv1.1',
  'TLS1.2': 'TLSv1.2',
  'TLS1.3': 'TLSv1.3',
};

/** Upstream's defaults: verify the certificate, TLS 1.2 at least, SNI = the configured host. */
export function nodeTlsOptions(
  tls: TlsClientConfig | undefined,
  host: string | undefined,
): ConnectionOptions {
  return {
    // SNI carries names only: an IP there is ignored by servers and warned about by Node.
    ...(tls?.serverName ? { servername: tls.serverName } : host && !isIP(host) ? { servername: host } : {}),
    rejectUnauthorized: !(tls?.skipVerify ?? false),
    minVersion: TLS_VERSIONS[(tls?.minimumVersion || 'TLS1.2').toUpperCase()] ?? 'TLSv1.2',
    ...(tls?.maximumVersion
      ? { maxVersion: TLS_VERSIONS[tls.maximumVersion.toUpperCase()] ?? 'TLSv1.3' }
      : {}),
    ...(tls?.certificateChain && tls.privateKey
      ? { cert: readFileSync(tls.certificateChain, 'utf8'), key: readFileSync(tls.privateKey, 'utf8') }
      : {}),
  };
}
