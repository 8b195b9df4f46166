/**
 * Authelia's deprecated keys (internal/configuration/deprecation.go, 4.39.20) as data, and the pass that remaps
 * them onto their replacements with Authelia's warning text.
 */
import { posix } from 'node:path';
import type { IssueSink } from './sink.js';
import { deleteAt, getAt, movePositions, setAt, type Tree } from './tree.js';

interface Deprecation {
  readonly key: string;
  /** '' when the key was removed without replacement. */
  readonly newKey: string;
  readonly version: string;
  readonly autoMap: boolean;
  /** A fixed message replacing the generic one (Authelia's ErrFunc). */
  readonly warning?: string;
}

const d = (key: string, newKey: string, version: string, autoMap = true, warning?: string): Deprecation =>
  warning === undefined ? { key, newKey, version, autoMap } : { key, newKey, version, autoMap, warning };

const OIDC_KEYS_NOTE = 'see https://www.authelia.com/c/oidc for more information';

export const DEPRECATIONS: readonly Deprecation[] = [
  d('logs_level', 'log.level', '4.7.0'),
  d('logs_file', 'log.file_path', '4.7.0'),
  d('authentication_backend.ldap.skip_verify', 'authentication_backend.ldap.tls.skip_verify', '4.25.0'),
  d(
    'authentication_backend.ldap.minimum_tls_version',
    'authentication_backend.ldap.tls.minimum_version',
    '4.25.0',
  ),
  d('notifier.smtp.disable_verify_cert', 'notifier.smtp.tls.skip_verify', '4.25.0'),
  d('notifier.smtp.trusted_cert', 'certificates_directory', '4.25.0', false),
  d('host', 'server.host', '4.30.0'),
  d('port', 'server.port', '4.30.0'),
  d('tls_key', 'server.tls.key', '4.30.0'),
  d('tls_cert', 'server.tls.certificate', '4.30.0'),
  d('log_level', 'log.level', '4.30.0'),
  d('log_file_path', 'log.file_path', '4.30.0'),
  d('log_format', 'log.format', '4.30.0'),
  d('storage.postgres.sslmode', 'storage.postgres.ssl.mode', '4.36.0'),
  d(
    'authentication_backend.disable_reset_password',
    'authentication_backend.password_reset.disable',
    '4.36.0',
  ),
  d('server.read_buffer_size', 'server.buffers.read', '4.36.0'),
  d('server.write_buffer_size', 'server.buffers.write', '4.36.0'),
  d('session.remember_me_duration', 'session.remember_me', '4.38.0'),
  d('server.enable_pprof', 'server.endpoints.enable_pprof', '4.38.0'),
  d('server.enable_expvars', 'server.endpoints.enable_expvars', '4.38.0'),
  d(
    'identity_providers.oidc.clients[].userinfo_signing_algorithm',
    'identity_providers.oidc.clients[].userinfo_signed_response_alg',
    '4.38.0',
  ),
  d('identity_providers.oidc.clients[].id', 'identity_providers.oidc.clients[].client_id', '4.38.0'),
  d('identity_providers.oidc.clients[].secret', 'identity_providers.oidc.clients[].client_secret', '4.38.0'),
  d(
    'identity_providers.oidc.clients[].description',
    'identity_providers.oidc.clients[].client_name',
    '4.38.0',
  ),
  d(
    'identity_providers.oidc.clients[].sector_identifier',
    'identity_providers.oidc.clients[].sector_identifier_uri',
    '4.38.0',
  ),
  d(
    'identity_providers.oidc.access_token_lifespan',
    'identity_providers.oidc.lifespans.access_token',
    '4.38.0',
  ),
  d(
    'identity_providers.oidc.authorize_code_lifespan',
    'identity_providers.oidc.lifespans.authorize_code',
    '4.38.0',
  ),
  d('identity_providers.oidc.id_token_lifespan', 'identity_providers.oidc.lifespans.id_token', '4.38.0'),
  d(
    'identity_providers.oidc.refresh_token_lifespan',
    'identity_providers.oidc.lifespans.refresh_token',
    '4.38.0',
  ),
  d(
    'identity_providers.oidc.issuer_private_key',
    'identity_providers.oidc.jwks',
    '4.38.0',
    false,
    "configuration key 'identity_providers.oidc.issuer_private_key' is deprecated in 4.38.0 and has been replaced by 'identity_providers.oidc.jwks': you are not required to make any changes as this has been automatically mapped for you, but to stop this warning being logged you will need to adjust your configuration, and this configuration key and auto-mapping is likely to be removed in 5.0.0 : " +
      OIDC_KEYS_NOTE,
  ),
  d(
    'identity_providers.oidc.issuer_certificate_chain',
    'identity_providers.oidc.jwks',
    '4.38.0',
    false,
    "configuration key 'identity_providers.oidc.issuer_certificate_chain' is deprecated in 4.38.0 and should be configured using the new configuration key 'identity_providers.oidc.jwks': this has been automatically mapped for you but you will need to adjust your configuration (see https://www.authelia.com/c/oidc) to remove this message",
  ),
  d('authentication_backend.ldap.url', 'authentication_backend.ldap.address', '4.38.0'),
  d(
    'authentication_backend.ldap.username_attribute',
    'authentication_backend.ldap.attributes.username',
    '4.38.0',
  ),
  d('authentication_backend.ldap.mail_attribute', 'authentication_backend.ldap.attributes.mail', '4.38.0'),
  d(
    'authentication_backend.ldap.display_name_attribute',
    'authentication_backend.ldap.attributes.display_name',
    '4.38.0',
  ),
  d(
    'authentication_backend.ldap.group_name_attribute',
    'authentication_backend.ldap.attributes.group_name',
    '4.38.0',
  ),
  d('jwt_secret', 'identity_validation.reset_password.jwt_secret', '4.38.0'),
  d('webauthn.user_verification', 'webauthn.selection_criteria.user_verification', '4.39.0'),
  d('authentication_backend.ldap.permit_feature_detection_failure', '', '4.39.16', false),
];

interface MultiKeyDeprecation {
  readonly keys: readonly string[];
  readonly newKey: string;
  readonly format: string;
  /** Builds the new value from host and port (already defaulted), or says why it cannot. */
  readonly build: (host: string, port: number, tree: Tree) => string;
  readonly hostFallback: string;
  readonly portFallback: number;
}

const HOST_PORT_FORMAT = '[tcp://]<hostname>[:<port>]';

function sqlAddress(host: string, port: number): string {
  return host.startsWith('/') ? `unix://${host}` : `tcp://${host}:${port}`;
}

export const MULTI_KEY_DEPRECATIONS: readonly MultiKeyDeprecation[] = [
  {
    keys: ['notifier.smtp.host', 'notifier.smtp.port'],
    newKey: 'notifier.smtp.address',
    format: HOST_PORT_FORMAT,
    hostFallback: 'localhost',
    portFallback: 25,
    build: (host, port) => {
      const scheme = port === 465 ? 'submissions' : port === 587 ? 'submission' : 'smtp';
      return `${scheme}://${host}:${port}`;
    },
  },
  {
    keys: ['storage.postgres.host', 'storage.postgres.port'],
    newKey: 'storage.postgres.address',
    format: HOST_PORT_FORMAT,
    hostFallback: 'localhost',
    portFallback: 5432,
    build: sqlAddress,
  },
  {
    keys: ['storage.mysql.host', 'storage.mysql.port'],
    newKey: 'storage.mysql.address',
    format: HOST_PORT_FORMAT,
    hostFallback: 'localhost',
    portFallback: 3306,
    build: sqlAddress,
  },
  {
    keys: ['server.host', 'server.port', 'server.path'],
    newKey: 'server.address',
    format: "[tcp[(4|6)]://]<hostname>[:<port>][/<path>]' or 'tcp[(4|6)://][hostname]:<port>[/<path>]",
    hostFallback: '',
    portFallback: 9091,
    build: (host, port, tree) => {
      const sub = getAt(tree, 'server.path');
      let path = '/';
      if (typeof sub === 'string' && sub !== '') {
        // Go's path.Clean("/" + subpath): no trailing slash, no empty or dot segments.
        path = posix.normalize(`/${sub}`).replace(/(.)\/+$/, '$1');
      }
      const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
      return `tcp://${h}:${port}${path}`;
    },
  },
];

/** Every key a multi-key deprecation reads; never reported as unknown (Authelia's "remapped" list). */
export const MULTI_KEY_DEPRECATED_KEYS: ReadonlySet<string> = new Set(
  MULTI_KEY_DEPRECATIONS.flatMap((m) => m.keys),
);

/** Authelia's StringJoinAnd: 'a' and 'b' / 'a', 'b', and 'c'. */
export function joinAnd(items: readonly string[]): string {
  const q = items.map((i) => `'${i}'`);
  if (q.length <= 2) return q.join(' and ');
  return `${q.slice(0, -1).join(', ')}, and ${q[q.length - 1]}`;
}

const nextMajor = (version: string): string => `${Number(version.split('.')[0]) + 1}.0.0`;

const autoMapped = (dep: Deprecation): string =>
  `configuration key '${dep.key}' is deprecated in ${dep.version} and has been replaced by '${dep.newKey}': you are not required to make any changes as this has been automatically mapped for you, but to stop this warning being logged you will need to adjust your configuration, and this configuration key and auto-mapping is likely to be removed in ${nextMajor(dep.version)}`;

const present = (v: unknown): boolean => v !== undefined && v !== null;

function remapOne(tree: Tree, dep: Deprecation, sink: IssueSink): void {
  const value = getAt(tree, dep.key);
  if (!present(value)) return;
  if (!dep.autoMap) {
    if (dep.warning) sink.warn(dep.key, dep.warning);
    else if (dep.newKey === '') {
      sink.warn(
        dep.key,
        `configuration key '${dep.key}' is deprecated in ${dep.version} and has been removed: you are not required to make any configuration changes right now but you may be required to in ${nextMajor(dep.version)}`,
      );
      deleteAt(tree, dep.key);
    } else {
      sink.error(dep.key, `invalid configuration key '${dep.key}' was replaced by '${dep.newKey}'`);
      deleteAt(tree, dep.key);
    }
    return;
  }
  if (present(getAt(tree, dep.newKey))) {
    sink.warn(
      dep.key,
      `configuration key '${dep.key}' is deprecated in ${dep.version} and has been replaced by '${dep.newKey}': this has not been automatically mapped for you because the replacement key also exists and you will need to adjust your configuration to remove this message`,
    );
    deleteAt(tree, dep.key);
    return;
  }
  sink.warn(dep.key, autoMapped(dep));
  deleteAt(tree, dep.key);
  setAt(tree, dep.newKey, value);
  movePositions(sink.positions, dep.key, dep.newKey);
  moveEnvOrigin(sink, dep.key, dep.newKey);
}

function moveEnvOrigin(sink: IssueSink, from: string, to: string): void {
  const env = sink.envOrigins.get(from);
  if (env === undefined) return;
  sink.envOrigins.delete(from);
  sink.envOrigins.set(to, env);
}

/** Deprecated keys inside list items (`x.clients[].id`), renamed item by item. */
function remapInLists(tree: Tree, dep: Deprecation, sink: IssueSink): void {
  const [listPath, sub] = dep.key.split('[].') as [string, string];
  const newSub = dep.newKey.split('[].')[1] as string;
  const items = getAt(tree, listPath);
  if (!Array.isArray(items)) return;
  items.forEach((item, i) => {
    if (typeof item !== 'object' || item === null || !(sub in item)) return;
    const rec = item as Tree;
    const at = `${listPath}[${i}]`;
    sink.warn(`${at}.${sub}`, autoMapped(dep));
    if (!(newSub in rec)) {
      rec[newSub] = rec[sub];
      movePositions(sink.positions, `${at}.${sub}`, `${at}.${newSub}`);
    }
    delete rec[sub];
  });
}

function remapMulti(tree: Tree, m: MultiKeyDeprecation, sink: IssueSink): void {
  const found = m.keys.filter((k) => present(getAt(tree, k)));
  if (found.length === 0) return;
  const first = found[0] as string;
  const existing = getAt(tree, m.newKey);
  if (present(existing)) {
    sink.error(
      first,
      `error occurred performing deprecation mapping for keys ${joinAnd(m.keys)} to new key ${m.newKey}: the new key already exists with value '${String(existing)}' but the deprecated keys and the new key can't both be configured`,
    );
    return;
  }
  const rawHost = getAt(tree, m.keys[0] as string);
  const rawPort = getAt(tree, m.keys[1] as string);
  let port = 0;
  if (typeof rawPort === 'number' && Number.isInteger(rawPort) && rawPort >= 0 && rawPort <= 65535)
    port = rawPort;
  else if (typeof rawPort === 'string') {
    if (!/^\d+$/.test(rawPort) || Number(rawPort) > 65535) {
      sink.error(
        m.keys[1] as string,
        `error occurred performing deprecation mapping for keys ${joinAnd(m.keys)} to new key ${m.newKey}: error occurred converting the port from a string: strconv.ParseUint: parsing "${rawPort}": invalid syntax`,
      );
      return;
    }
    port = Number(rawPort);
  }
  const host = typeof rawHost === 'string' && rawHost !== '' ? rawHost : m.hostFallback;
  const value = m.build(host, port === 0 ? m.portFallback : port, tree);
  sink.warn(
    first,
    `configuration keys ${joinAnd(m.keys)} are deprecated in 4.38.0 and has been replaced by '${m.newKey}' in the format of '${m.format}': you are not required to make any changes as this has been automatically mapped for you to the value '${value}', but to stop this warning being logged you will need to adjust your configuration, and this configuration key and auto-mapping is likely to be removed in 5.0.0`,
  );
  const pos = sink.positions.get(first);
  for (const k of m.keys) deleteAt(tree, k);
  setAt(tree, m.newKey, value);
  if (pos) sink.positions.set(m.newKey, pos);
  moveEnvOrigin(sink, first, m.newKey);
}

/** Rewrites deprecated keys in place, warning for each as Authelia does (standard, then list items, then multi-key). */
export function applyDeprecations(tree: Tree, sink: IssueSink): void {
  for (const dep of DEPRECATIONS) if (!dep.key.includes('[]')) remapOne(tree, dep, sink);
  for (const dep of DEPRECATIONS) if (dep.key.includes('[]')) remapInLists(tree, dep, sink);
  for (const m of MULTI_KEY_DEPRECATIONS) remapMulti(tree, m, sink);
}
