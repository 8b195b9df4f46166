/**
 * Phase 3: the shape-checked snake_case tree → the camelCase `Config` with Authelia's defaults filled in
 * (durations are already ms). Values that are invalid are carried through unchanged for the rules to report;
 * a Config is only handed out when no rule found an error.
 */

import type { Policy } from '../core/index.js';
import { formatAddress, parseAddress } from './address.js';
import { parseCidr } from './networks.js';
import { PBKDF2_DEFAULT_ITERATIONS } from './password-defaults.js';
import { isPlainObject } from './schema/check.js';
import type { IssueSink } from './sink.js';
import type {
  AccessControlRuleConfig,
  AuthnStrategy,
  AuthnStrategyName,
  AuthzEndpoint,
  AuthzImplementation,
  Config,
  PasswordHashConfig,
  QueryMatcherConfig,
  RedisConfig,
  ServerConfig,
  SessionCookieConfig,
  StorageConfig,
  TlsClientConfig,
} from './types.js';

type T = Record<string, unknown>;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

const o = (v: unknown): T => (isPlainObject(v) ? v : {});
const present = (v: unknown): v is T => isPlainObject(v);
const s = (v: unknown, d = ''): string => (typeof v === 'string' ? v : d);
const n = (v: unknown, d: number): number => (typeof v === 'number' ? v : d);
/** Upstream treats zero and negative numbers as "not set" for most sizes and durations. */
const pos = (v: unknown, d: number): number => (typeof v === 'number' && v > 0 ? v : d);
const b = (v: unknown, d = false): boolean => (typeof v === 'boolean' ? v : d);
const strs = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
const nums = (v: unknown): number[] =>
  Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number') : [];
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** remember_me: -1 (second) disables it; any other value ≤ 0 means "use the default". */
const REMEMBER_ME_DISABLED_MS = -1 * SECOND;

export const DEFAULT_TRUSTED_PROXIES: readonly string[] = [
  '127.0.0.0/8',
  '::1/128',
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  'fc00::/7',
];

const basic = (name: AuthnStrategyName): AuthnStrategy => ({
  name,
  schemes: ['basic'],
  schemeBasicCacheLifespan: 0,
});
const plain = (name: AuthnStrategyName): AuthnStrategy => ({
  name,
  schemes: [],
  schemeBasicCacheLifespan: 0,
});

/** Default strategies per implementation (authelia-reference A.1). */
export const DEFAULT_STRATEGIES: Readonly<Record<AuthzImplementation, readonly AuthnStrategy[]>> = {
  ForwardAuth: [basic('HeaderAuthorization'), plain('CookieSession')],
  AuthRequest: [basic('HeaderAuthorization'), plain('CookieSession')],
  ExtAuthz: [basic('HeaderAuthorization'), plain('CookieSession')],
  Legacy: [plain('HeaderLegacy'), plain('CookieSession')],
};

export const DEFAULT_AUTHZ_ENDPOINTS: readonly AuthzEndpoint[] = [
  { name: 'forward-auth', implementation: 'ForwardAuth', authnStrategies: DEFAULT_STRATEGIES.ForwardAuth },
  { name: 'auth-request', implementation: 'AuthRequest', authnStrategies: DEFAULT_STRATEGIES.AuthRequest },
  { name: 'ext-authz', implementation: 'ExtAuthz', authnStrategies: DEFAULT_STRATEGIES.ExtAuthz },
  { name: 'legacy', implementation: 'Legacy', authnStrategies: DEFAULT_STRATEGIES.Legacy },
];

const HEADER_STRATEGIES = new Set([
  'HeaderAuthorization',
  'HeaderProxyAuthorization',
  'HeaderAuthRequestProxyAuthorization',
]);

function authzEndpoints(raw: unknown): AuthzEndpoint[] {
  const entries = Object.entries(o(raw)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return [...DEFAULT_AUTHZ_ENDPOINTS];
  return entries.map(([name, value]) => {
    const ep = o(value);
    const implementation = s(ep['implementation'], name === 'legacy' ? 'Legacy' : '') as AuthzImplementation;
    const defaults = DEFAULT_STRATEGIES[implementation] ?? [];
    const configured = list(ep['authn_strategies']).map(o);
    const authnStrategies: AuthnStrategy[] =
      configured.length === 0
        ? [...defaults]
        : configured.map((st) => {
            const strategy = s(st['name']) as AuthnStrategyName;
            const schemes = strs(st['schemes']).map((x) => x.toLowerCase());
            const fallback = HEADER_STRATEGIES.has(strategy) ? (defaults[0]?.schemes ?? []) : [];
            return {
              name: strategy,
              schemes: (schemes.length ? schemes : fallback) as AuthnStrategy['schemes'],
              schemeBasicCacheLifespan: n(st['scheme_basic_cache_lifespan'], 0),
            };
          });
    return { name, implementation, authnStrategies };
  });
}

function serverAddress(raw: unknown): ServerConfig['address'] {
  const fallback: ServerConfig['address'] = { scheme: 'tcp', host: '', port: 9091, socketPath: '', path: '' };
  if (typeof raw !== 'string' || raw === '') return fallback;
  const r = parseAddress(raw);
  if (!r.ok) return fallback;
  const a = r.address;
  if (a.scheme === 'unix' || a.scheme === 'fd') {
    const sub = a.query.get('path');
    return {
      scheme: a.scheme,
      host: a.scheme === 'fd' ? a.host : '',
      port: 0,
      socketPath: a.scheme === 'unix' ? a.path : '',
      path: sub ? `/${sub}` : '',
    };
  }
  const path = a.path === '' || a.path === '/' ? '' : a.path.replace(/\/+$/, '');
  return {
    scheme: a.scheme as ServerConfig['address']['scheme'],
    host: a.host,
    port: a.port || 9091,
    socketPath: '',
    path,
  };
}

/**
 * A `tls:` block. `server_name` stays empty unless configured: the connection code knows the host it dials
 * (nodeTlsOptions), and for Redis Sentinel the primary's host is only learnt at run time.
 */
function tls(raw: unknown): TlsClientConfig | undefined {
  if (!present(raw)) return undefined;
  return {
    serverName: s(raw['server_name']),
    skipVerify: b(raw['skip_verify']),
    minimumVersion: s(raw['minimum_version'], 'TLS1.2'),
    maximumVersion: s(raw['maximum_version'], 'TLS1.3'),
    certificateChain: s(raw['certificate_chain']),
    privateKey: s(raw['private_key']),
  };
}

/** SQL and SMTP addresses in canonical `scheme://host:port` form, the default port filled in. */
function networkAddress(
  raw: unknown,
  defaultScheme: string,
  defaultPort: (scheme: string) => number,
): string {
  if (typeof raw !== 'string' || raw === '') return '';
  const r = parseAddress(raw, defaultScheme);
  if (!r.ok) return raw;
  const a = r.address;
  if (a.scheme === 'unix') return formatAddress(a);
  return formatAddress({ ...a, port: a.port || defaultPort(a.scheme) });
}

const ARGON2_SHORT: Readonly<Record<string, string>> = { id: 'argon2id', i: 'argon2i', d: 'argon2d' };

function password(raw: T, sink: IssueSink): PasswordHashConfig {
  let algorithm = s(raw['algorithm'], 'argon2');
  const argon2 = { ...o(raw['argon2']) };
  const sha2crypt = { ...o(raw['sha2crypt']) };
  // Pre-4.36 form: algorithm argon2id|sha512 with flat options; upstream maps it silently, we say so.
  const flat = ['iterations', 'memory', 'parallelism', 'key_length', 'salt_length'].filter(
    (k) => raw[k] !== undefined,
  );
  if (algorithm === 'argon2id' || algorithm === 'sha512' || flat.length) {
    const target = algorithm === 'sha512' ? 'sha2crypt' : 'argon2';
    sink.warn(
      'authentication_backend.file.password',
      `authentication_backend: file: password: the legacy form (option 'algorithm' '${algorithm}'${flat.length ? ` with ${flat.map((k) => `'${k}'`).join(', ')}` : ''}) is deprecated: it has been mapped to 'authentication_backend.file.password.${target}' but you should move these options there to remove this message`,
    );
    if (algorithm === 'sha512') {
      algorithm = 'sha2crypt';
      if (sha2crypt['iterations'] === undefined && n(raw['iterations'], 0) > 0)
        sha2crypt['iterations'] = raw['iterations'];
      if (sha2crypt['salt_length'] === undefined && n(raw['salt_length'], 0) > 0) {
        sha2crypt['salt_length'] = Math.min(n(raw['salt_length'], 16), 16);
      }
    } else if (algorithm === 'argon2id') {
      algorithm = 'argon2';
      for (const k of ['iterations', 'parallelism', 'key_length', 'salt_length']) {
        if (argon2[k] === undefined && n(raw[k], 0) > 0) argon2[k] = raw[k];
      }
      // The legacy flat memory was in MiB; argon2.memory is KiB.
      if (argon2['memory'] === undefined && n(raw['memory'], 0) > 0)
        argon2['memory'] = n(raw['memory'], 0) * 1024;
    }
  }
  const scrypt = o(raw['scrypt']);
  const pbkdf2 = o(raw['pbkdf2']);
  const bcrypt = o(raw['bcrypt']);
  const argonVariant = s(argon2['variant'], 'argon2id');
  const pbkdf2Variant = s(pbkdf2['variant'], 'sha512');
  return {
    algorithm: algorithm as PasswordHashConfig['algorithm'],
    argon2: {
      variant: (ARGON2_SHORT[argonVariant] ?? argonVariant) as PasswordHashConfig['argon2']['variant'],
      iterations: pos(argon2['iterations'], 3),
      memory: pos(argon2['memory'], 65536),
      parallelism: pos(argon2['parallelism'], 4),
      keyLength: pos(argon2['key_length'], 32),
      saltLength: pos(argon2['salt_length'], 16),
    },
    scrypt: {
      variant: s(scrypt['variant'], 'scrypt') as PasswordHashConfig['scrypt']['variant'],
      iterations: pos(scrypt['iterations'], 16),
      blockSize: pos(scrypt['block_size'], 8),
      parallelism: pos(scrypt['parallelism'], 1),
      keyLength: pos(scrypt['key_length'], 32),
      saltLength: pos(scrypt['salt_length'], 16),
    },
    pbkdf2: {
      variant: pbkdf2Variant as PasswordHashConfig['pbkdf2']['variant'],
      iterations: pos(pbkdf2['iterations'], PBKDF2_DEFAULT_ITERATIONS[pbkdf2Variant] ?? 310_000),
      saltLength: pos(pbkdf2['salt_length'], 16),
    },
    sha2crypt: {
      variant: s(sha2crypt['variant'], 'sha512') as PasswordHashConfig['sha2crypt']['variant'],
      iterations: pos(sha2crypt['iterations'], 50_000),
      saltLength: pos(sha2crypt['salt_length'], 16),
    },
    bcrypt: {
      variant: s(bcrypt['variant'], 'standard') as PasswordHashConfig['bcrypt']['variant'],
      cost: pos(bcrypt['cost'], 12),
    },
  };
}

/** definitions.network plus the legacy access_control.networks list; the definitions win a clash (reported by rules). */
export function namedNetworks(raw: T): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const cidrs = (v: unknown): string[] => strs(v).flatMap((x) => parseCidr(x) ?? []);
  for (const [name, value] of Object.entries(o(o(raw['definitions'])['network']))) out[name] = cidrs(value);
  for (const entry of list(o(raw['access_control'])['networks']).map(o)) {
    const name = s(entry['name']);
    if (!(name in out)) out[name] = cidrs(entry['networks']);
  }
  return out;
}

function query(raw: unknown): QueryMatcherConfig[][] {
  return list(raw).map((group) =>
    list(group)
      .map(o)
      .map((q) => {
        const key = s(q['key']);
        const value = q['value'];
        const given =
          value === undefined || value === null
            ? undefined
            : typeof value === 'string'
              ? value
              : String(value);
        let operator = s(q['operator']).toLowerCase();
        if (operator === '' && key !== '')
          operator = given === undefined || given === '' ? 'present' : 'equal';
        const valued = operator !== 'present' && operator !== 'absent';
        return {
          operator: operator as QueryMatcherConfig['operator'],
          key,
          value: valued ? (given ?? '') : undefined,
        };
      }),
  );
}

function rules(raw: T, networks: Readonly<Record<string, readonly string[]>>): AccessControlRuleConfig[] {
  return list(o(raw['access_control'])['rules'])
    .map(o)
    .map((r, i) => ({
      position: i + 1,
      domain: strs(r['domain']),
      domainRegex: strs(r['domain_regex']),
      policy: s(r['policy']) as Policy,
      subject: list(r['subject']).map(strs),
      networks: strs(r['networks']).flatMap((x) => networks[x] ?? [parseCidr(x) ?? x]),
      resources: strs(r['resources']),
      methods: strs(r['methods']),
      query: query(r['query']),
    }));
}

function cookies(raw: T): SessionCookieConfig[] {
  const session = o(raw['session']);
  const name = s(session['name'], 'authelia_session');
  const sessionSameSite = s(session['same_site'], 'lax');
  const sameSite = ['lax', 'strict', 'none'].includes(sessionSameSite) ? sessionSameSite : 'lax';
  const expiration = pos(session['expiration'], HOUR);
  const inactivity = pos(session['inactivity'], 5 * MINUTE);
  const rawRemember = session['remember_me'];
  const rememberMe = rawRemember === REMEMBER_ME_DISABLED_MS ? -1 : pos(rawRemember, 30 * 24 * HOUR);
  const configured = list(session['cookies']).map(o);
  const legacyDomain = s(session['domain']);
  if (configured.length === 0 && legacyDomain !== '') {
    // The legacy single-domain form keeps the top-level default_redirection_url only when it is within the domain.
    const redirect = s(raw['default_redirection_url']);
    return [
      {
        domain: legacyDomain,
        autheliaUrl: '',
        defaultRedirectionUrl: redirect && urlWithinDomain(redirect, legacyDomain) ? redirect : '',
        name,
        sameSite: sessionSameSite as SessionCookieConfig['sameSite'],
        expiration,
        inactivity,
        rememberMe,
      },
    ];
  }
  return configured.map((c) => {
    const cookieRemember = c['remember_me'];
    return {
      domain: s(c['domain']),
      autheliaUrl: withTrailingSlash(s(c['authelia_url'])),
      defaultRedirectionUrl: s(c['default_redirection_url']),
      name: s(c['name']) || name,
      sameSite: s(c['same_site'], sameSite) as SessionCookieConfig['sameSite'],
      expiration: pos(c['expiration'], expiration),
      inactivity: pos(c['inactivity'], inactivity),
      rememberMe: cookieRemember === REMEMBER_ME_DISABLED_MS ? -1 : pos(cookieRemember, rememberMe),
    };
  });
}

/** Upstream appends '/' to a non-root authelia_url path so relative portal URLs resolve under it. */
function withTrailingSlash(url: string): string {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*)(\/[^?#]*)(.*)$/.exec(url);
  if (!m) return url;
  const [, origin, path = '', rest = ''] = m;
  return path === '/' || path.endsWith('/') ? url : `${origin}${path}/${rest}`;
}

/** Host of the URL equals the domain or is a dot-suffixed subdomain of it (upstream HasURIDomainSuffix). */
export function urlWithinDomain(url: string, domain: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return false;
  }
  return domainWithin(host, domain);
}

export function domainWithin(host: string, domain: string): boolean {
  if (domain === '') return false;
  if (host === domain) return true;
  return (domain.startsWith('.') && host.endsWith(domain)) || host.endsWith(`.${domain}`);
}

function redis(raw: unknown): RedisConfig | undefined {
  if (!present(raw)) return undefined;
  const host = s(raw['host']);
  const ha = raw['high_availability'];
  const port = n(raw['port'], 0) || (present(ha) ? 26379 : host.startsWith('/') ? 0 : 6379);
  return {
    host,
    port,
    username: s(raw['username']),
    password: s(raw['password']),
    databaseIndex: n(raw['database_index'], 0),
    timeout: pos(raw['timeout'], 5 * SECOND),
    maxRetries: n(raw['max_retries'], 0),
    maximumActiveConnections: pos(raw['maximum_active_connections'], 8),
    minimumIdleConnections: n(raw['minimum_idle_connections'], 0),
    tls: tls(raw['tls']),
    highAvailability: present(ha)
      ? {
          sentinelName: s(ha['sentinel_name']),
          sentinelUsername: s(ha['sentinel_username']),
          sentinelPassword: s(ha['sentinel_password']),
          nodes: list(ha['nodes'])
            .map(o)
            .map((node) => ({ host: s(node['host']), port: pos(node['port'], 26379) })),
          routeByLatency: b(ha['route_by_latency']),
          routeRandomly: b(ha['route_randomly']),
        }
      : undefined,
  };
}

function storage(raw: T): StorageConfig {
  const st = o(raw['storage']);
  const sqlPort = (port: number) => (scheme: string) => (scheme.startsWith('tcp') ? port : 0);
  const mysql = st['mysql'];
  const postgres = st['postgres'];
  return {
    encryptionKey: s(st['encryption_key']),
    local: present(st['local']) ? { path: s(st['local']['path']) } : undefined,
    mysql: present(mysql)
      ? (() => {
          const address = networkAddress(mysql['address'], 'tcp', sqlPort(3306));
          return {
            address,
            database: s(mysql['database']),
            username: s(mysql['username']),
            password: s(mysql['password']),
            timeout: pos(mysql['timeout'], 5 * SECOND),
            tls: tls(mysql['tls']),
          };
        })()
      : undefined,
    postgres: present(postgres)
      ? (() => {
          const address = networkAddress(postgres['address'], 'tcp', sqlPort(5432));
          return {
            address,
            database: s(postgres['database']),
            schema: s(postgres['schema'], 'public'),
            username: s(postgres['username']),
            password: s(postgres['password']),
            timeout: pos(postgres['timeout'], 5 * SECOND),
            tls: tls(postgres['tls']),
            servers: list(postgres['servers'])
              .map(o)
              .map((srv) => {
                const a = networkAddress(srv['address'], 'tcp', sqlPort(5432));
                return { address: a, tls: tls(srv['tls']) };
              }),
          };
        })()
      : undefined,
  };
}

const SMTP_PORTS: Readonly<Record<string, number>> = { smtp: 25, submission: 587, submissions: 465 };

function notifier(raw: T): Config['notifier'] {
  const nt = o(raw['notifier']);
  const fs = nt['filesystem'];
  const smtp = nt['smtp'];
  return {
    disableStartupCheck: b(nt['disable_startup_check']),
    templatePath: s(nt['template_path']),
    filesystem: present(fs) ? { filename: s(fs['filename']) } : undefined,
    smtp: present(smtp)
      ? (() => {
          const address = networkAddress(smtp['address'], 'smtp', (scheme) => SMTP_PORTS[scheme] ?? 25);
          return {
            address,
            timeout: pos(smtp['timeout'], 5 * SECOND),
            username: s(smtp['username']),
            password: s(smtp['password']),
            sender: s(smtp['sender']),
            identifier: s(smtp['identifier'], 'localhost'),
            subject: s(smtp['subject'], '[Authelia] {title}'),
            startupCheckAddress: s(smtp['startup_check_address'], 'test@authelia.com'),
            disableRequireTls: b(smtp['disable_require_tls']),
            disableStarttls: b(smtp['disable_starttls']),
            disableHtmlEmails: b(smtp['disable_html_emails']),
            // Upstream always builds a TLS config for SMTP (STARTTLS/implicit TLS need one).
            tls: tls(o(smtp['tls'])),
          };
        })()
      : undefined,
  };
}

function withDefault<V>(values: V[], dflt: V): V[] {
  return values.includes(dflt) ? values : [...values, dflt];
}

function totp(raw: T): Config['totp'] {
  const t = o(raw['totp']);
  const algorithm = s(t['algorithm'], 'SHA1').toUpperCase() as Config['totp']['algorithm'];
  const digits = pos(t['digits'], 6) as 6 | 8;
  const period = pos(t['period'], 30);
  return {
    disable: b(t['disable']),
    issuer: s(t['issuer'], 'Authelia'),
    algorithm,
    digits,
    period,
    skew: n(t['skew'], 1),
    secretSize: pos(t['secret_size'], 32),
    allowedAlgorithms: withDefault(
      strs(t['allowed_algorithms']).map((x) => x.toUpperCase() as Config['totp']['algorithm']),
      algorithm,
    ),
    allowedDigits: withDefault(nums(t['allowed_digits']) as (6 | 8)[], digits),
    allowedPeriods: withDefault(nums(t['allowed_periods']), period),
    disableReuseSecurityPolicy: b(t['disable_reuse_security_policy']),
  };
}

function webauthn(raw: T): Config['webauthn'] {
  const w = o(raw['webauthn']);
  const sc = o(w['selection_criteria']);
  const f = o(w['filtering']);
  type W = Config['webauthn'];
  return {
    disable: b(w['disable']),
    enablePasskeyLogin: b(w['enable_passkey_login']),
    experimentalEnablePasskeyUvTwoFactors: b(w['experimental_enable_passkey_uv_two_factors']),
    displayName: s(w['display_name']) || 'Authelia',
    attestationConveyancePreference: s(
      w['attestation_conveyance_preference'],
      'indirect',
    ) as W['attestationConveyancePreference'],
    timeout: pos(w['timeout'], 60 * SECOND),
    selectionCriteria: {
      attachment: s(sc['attachment']) as W['selectionCriteria']['attachment'],
      discoverability: s(sc['discoverability'], 'preferred') as W['selectionCriteria']['discoverability'],
      userVerification: s(sc['user_verification'], 'preferred') as W['selectionCriteria']['userVerification'],
    },
    filtering: {
      prohibitBackupEligibility: b(f['prohibit_backup_eligibility']),
      permittedAaguids: strs(f['permitted_aaguids']),
      prohibitedAaguids: strs(f['prohibited_aaguids']),
    },
  };
}

function metricsAddress(raw: unknown): Config['telemetry']['metrics']['address'] {
  const r = parseAddress(typeof raw === 'string' && raw !== '' ? raw : 'tcp://:9959/metrics');
  if (!r.ok) return { host: '', port: 9959, path: '/metrics' };
  const a = r.address;
  return { host: a.host, port: a.port || 9959, path: a.path === '' ? '/metrics' : a.path };
}

/** Portcullis-only `audit`: on by default (it lives in the storage backend Authelia configs already have). */
function audit(raw: T): Config['audit'] {
  const a = o(raw['audit']);
  const cp = o(a['checkpoint']);
  const rate = a['authz_sample_rate'];
  return {
    enabled: b(a['enabled'], true),
    filePath: s(a['file_path']),
    authzAllowed: s(a['authz_allowed'], 'none') as Config['audit']['authzAllowed'],
    authzSampleRate: typeof rate === 'number' ? rate : 0.01,
    maxQueue: pos(a['max_queue'], 10_000),
    checkpoint: {
      every: pos(cp['every'], 1000),
      interval: pos(cp['interval'], 5 * MINUTE),
      signingKey: s(cp['signing_key']),
    },
  };
}

type RuleDefaults = Omit<Config['detection']['rules']['failed_logins'], 'enabled'>;

/** Defaults follow the seeds' fail2ban jail: 5 failures in 10 minutes → a 1 hour ban. */
export const DETECTION_RULE_DEFAULTS: Readonly<Record<keyof Config['detection']['rules'], RuleDefaults>> = {
  failed_logins: { threshold: 5, window: 10 * MINUTE, banDuration: HOUR, actions: ['ban_ip'] },
  password_spraying: { threshold: 5, window: 10 * MINUTE, banDuration: HOUR, actions: ['ban_ip', 'alert'] },
  credential_stuffing: {
    threshold: 10,
    window: 10 * MINUTE,
    banDuration: 15 * MINUTE,
    actions: ['ban_user', 'alert'],
  },
  repeated_denials: { threshold: 50, window: 5 * MINUTE, banDuration: HOUR, actions: ['alert'] },
  new_ip_login: { threshold: 1, window: 0, banDuration: HOUR, actions: ['alert'] },
  session_denial_burst: { threshold: 10, window: MINUTE, banDuration: HOUR, actions: ['alert'] },
};

/** Portcullis-only `detection`: off unless the section is present, so Authelia configs behave as under Authelia. */
function detection(raw: T, networks: Record<string, string[]>): Config['detection'] {
  const d = raw['detection'];
  const dd = o(d);
  const rules = o(dd['rules']);
  const webhook = o(dd['alerts'])['webhook'];
  const email = o(dd['alerts'])['email'];
  const rule = (name: keyof Config['detection']['rules']) => {
    const r = o(rules[name]);
    const dflt = DETECTION_RULE_DEFAULTS[name];
    const actions = strs(r['actions']) as Config['detection']['rules']['failed_logins']['actions'][number][];
    return {
      enabled: b(r['enabled'], true),
      threshold: pos(r['threshold'], dflt.threshold),
      window: pos(r['window'], dflt.window),
      banDuration: pos(r['ban_duration'], dflt.banDuration),
      actions: Array.isArray(r['actions']) ? actions : [...dflt.actions],
    };
  };
  return {
    enabled: present(d) && b(dd['enabled'], true),
    trustedNetworks: strs(dd['trusted_networks']).flatMap((x) => networks[x] ?? parseCidr(x) ?? []),
    maxTrackedKeys: pos(dd['max_tracked_keys'], 100_000),
    rules: {
      failed_logins: rule('failed_logins'),
      password_spraying: rule('password_spraying'),
      credential_stuffing: rule('credential_stuffing'),
      repeated_denials: rule('repeated_denials'),
      new_ip_login: rule('new_ip_login'),
      session_denial_burst: rule('session_denial_burst'),
    },
    alerts: {
      webhook: present(webhook)
        ? {
            url: s(webhook['url']),
            headers: Object.fromEntries(
              Object.entries(o(webhook['headers'])).filter(
                (e): e is [string, string] => typeof e[1] === 'string',
              ),
            ),
            timeout: pos(webhook['timeout'], 5 * SECOND),
            retries: n(webhook['retries'], 3),
          }
        : undefined,
      email: present(email)
        ? { recipients: strs(email['recipients']), interval: pos(email['interval'], 15 * MINUTE) }
        : undefined,
    },
  };
}

function refreshInterval(v: unknown, watch: boolean): number {
  if (v === 'always') return 0;
  if (v === 'disable') return -1;
  if (typeof v === 'number') return v;
  return watch ? 0 : 5 * MINUTE;
}

/** Builds the Config draft; `files` are the sources read, in merge order. */
export function normalize(raw: T, files: readonly string[], sink: IssueSink): Config {
  const server = o(raw['server']);
  const serverTls = o(server['tls']);
  const endpoints = o(server['endpoints']);
  const log = o(raw['log']);
  const iv = o(raw['identity_validation']);
  const rp = o(iv['reset_password']);
  const es = o(iv['elevated_session']);
  const ab = o(raw['authentication_backend']);
  const file = ab['file'];
  const customUrl = s(o(ab['password_reset'])['custom_url']);
  const pp = o(raw['password_policy']);
  const std = o(pp['standard']);
  const zx = o(pp['zxcvbn']);
  const ac = o(raw['access_control']);
  const session = o(raw['session']);
  const reg = o(raw['regulation']);
  const metrics = o(o(raw['telemetry'])['metrics']);
  const networks = namedNetworks(raw);
  const address = serverAddress(server['address']);
  const trusted = server['trusted_proxies'];

  return {
    theme: s(raw['theme'], 'light') as Config['theme'],
    default2faMethod: s(raw['default_2fa_method']) as Config['default2faMethod'],
    server: {
      address,
      assetPath: s(server['asset_path']),
      // A socket or inherited descriptor has no TCP port for the container healthcheck to probe.
      disableHealthcheck:
        b(server['disable_healthcheck']) || address.scheme === 'unix' || address.scheme === 'fd',
      tls: {
        key: s(serverTls['key']),
        certificate: s(serverTls['certificate']),
        clientCertificates: strs(serverTls['client_certificates']),
      },
      headers: { cspTemplate: s(o(server['headers'])['csp_template']) },
      buffers: {
        read: pos(o(server['buffers'])['read'], 4096),
        write: pos(o(server['buffers'])['write'], 4096),
      },
      timeouts: {
        read: pos(o(server['timeouts'])['read'], 6 * SECOND),
        write: pos(o(server['timeouts'])['write'], 6 * SECOND),
        idle: pos(o(server['timeouts'])['idle'], 30 * SECOND),
      },
      endpoints: {
        enablePprof: b(endpoints['enable_pprof']),
        enableExpvars: b(endpoints['enable_expvars']),
        authz: authzEndpoints(endpoints['authz']),
      },
      trustedProxies: Array.isArray(trusted)
        ? strs(trusted).map((x) => parseCidr(x) ?? x)
        : [...DEFAULT_TRUSTED_PROXIES],
    },
    log: {
      level: s(log['level'], 'info') as Config['log']['level'],
      format: s(log['format'], 'text') as Config['log']['format'],
      filePath: s(log['file_path']),
      keepStdout: b(log['keep_stdout']),
    },
    identityValidation: {
      resetPassword: {
        jwtSecret: s(rp['jwt_secret']),
        jwtLifespan: pos(rp['jwt_lifespan'], 5 * MINUTE),
        jwtAlgorithm: s(
          rp['jwt_algorithm'],
          'HS256',
        ) as Config['identityValidation']['resetPassword']['jwtAlgorithm'],
      },
      elevatedSession: {
        codeLifespan: pos(es['code_lifespan'], 5 * MINUTE),
        elevationLifespan: pos(es['elevation_lifespan'], 10 * MINUTE),
        characters: pos(es['characters'], 8),
        requireSecondFactor: b(es['require_second_factor']),
        skipSecondFactor: b(es['skip_second_factor']),
      },
    },
    authenticationBackend: {
      refreshInterval: refreshInterval(ab['refresh_interval'], present(file) && b(file['watch'])),
      // A custom reset URL re-enables reset even when disable is set, as upstream does.
      passwordReset: {
        disable: /^https?:/i.test(customUrl) ? false : b(o(ab['password_reset'])['disable']),
        customUrl,
      },
      passwordChange: { disable: b(o(ab['password_change'])['disable']) },
      file: present(file)
        ? {
            path: s(file['path']),
            watch: b(file['watch']),
            search: {
              email: b(o(file['search'])['email']),
              caseInsensitive: b(o(file['search'])['case_insensitive']),
            },
            password: password(o(file['password']), sink),
          }
        : undefined,
    },
    passwordPolicy: {
      standard: {
        enabled: b(std['enabled']),
        minLength: n(std['min_length'], 0) === 0 ? 8 : n(std['min_length'], 8),
        maxLength: n(std['max_length'], 0),
        requireUppercase: b(std['require_uppercase']),
        requireLowercase: b(std['require_lowercase']),
        requireNumber: b(std['require_number']),
        requireSpecial: b(std['require_special']),
      },
      zxcvbn: {
        enabled: b(zx['enabled']),
        minScore: n(zx['min_score'], 0) === 0 ? 3 : n(zx['min_score'], 3),
      },
    },
    accessControl: { defaultPolicy: s(ac['default_policy'], 'deny') as Policy, rules: rules(raw, networks) },
    networks,
    session: { secret: s(session['secret']), cookies: cookies(raw), redis: redis(session['redis']) },
    regulation: {
      modes: (strs(reg['modes']).length ? strs(reg['modes']) : ['user']) as Config['regulation']['modes'],
      // Upstream's defaults source sets 3, so an explicit 0 (disable) survives.
      maxRetries: n(reg['max_retries'], 3),
      findTime: pos(reg['find_time'], 2 * MINUTE),
      banTime: pos(reg['ban_time'], 5 * MINUTE),
    },
    storage: storage(raw),
    notifier: notifier(raw),
    totp: totp(raw),
    webauthn: webauthn(raw),
    telemetry: { metrics: { enabled: b(metrics['enabled']), address: metricsAddress(metrics['address']) } },
    audit: audit(raw),
    detection: detection(raw, networks),
    sources: [...files],
  };
}
