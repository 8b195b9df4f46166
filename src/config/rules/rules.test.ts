import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withBase } from '../../../test/fixtures/config/base.js';
import { configFromObject } from '../load.js';

type Obj = Record<string, unknown>;
const errors = (o: Obj) =>
  configFromObject(o)
    .issues.filter((i) => i.severity === 'error')
    .map((i) => i.message);
const warnings = (o: Obj) =>
  configFromObject(o)
    .issues.filter((i) => i.severity === 'warning')
    .map((i) => i.message);
const rules = (...r: Obj[]) => withBase({ access_control: { rules: r } });

test('access_control: every rule needs a domain and a valid policy', () => {
  const e = errors(
    rules({ policy: 'deny' }, { domain: 'a.example.com' }, { domain: 'b.example.com', policy: 'maybe' }),
  );
  assert.ok(
    e.includes(
      "access_control: rule #1: option 'domain' or 'domain_regex' must be present but are both absent",
    ),
  );
  assert.ok(
    e.includes(
      "access_control: rule #2 (domain 'a.example.com'): option 'policy' must be present but it's absent",
    ),
  );
  assert.ok(
    e.some((m) =>
      m.startsWith("access_control: rule #3 (domain 'b.example.com'): option 'policy' must be one of"),
    ),
  );
});

test('access_control: default policy without rules', () => {
  assert.ok(
    errors(withBase({ access_control: { default_policy: 'deny', rules: [] } })).includes(
      "access_control: 'default_policy' option 'deny' is invalid: when no rules are specified it must be 'two_factor' or 'one_factor'",
    ),
  );
  const r = configFromObject(
    withBase({ access_control: { default_policy: 'one_factor', rules: undefined } }),
  );
  assert.ok(r.ok);
  assert.ok(
    r.issues.some((i) =>
      i.message.includes("'default_policy' of 'one_factor' is going to be applied to all requests"),
    ),
  );
  assert.ok(
    errors(withBase({ access_control: { default_policy: 'open' } })).some((m) =>
      m.startsWith("access_control: option 'default_policy' must be one of"),
    ),
  );
});

test('access_control: subjects, methods, bypass restrictions', () => {
  const e = errors(
    rules(
      { domain: 'a.example.com', policy: 'one_factor', subject: ['admins', 'oauth2:client:cli'] },
      { domain: 'b.example.com', policy: 'one_factor', methods: ['GET', 'get', 'GET'] },
      { domain: 'c.example.com', policy: 'bypass', subject: 'group:x' },
      { domain_regex: '^(?P<User>\\w+)\\.example\\.com$', policy: 'bypass' },
    ),
  );
  assert.ok(
    e.includes(
      "access_control: rule #1 (domain 'a.example.com'): 'subject' option 'admins' is invalid: must start with 'user:', 'group:', or 'oauth2:client:'",
    ),
  );
  assert.ok(e.some((m) => m.includes("the client id 'cli' does not belong to a registered client")));
  assert.ok(
    e.some(
      (m) =>
        m.includes("option 'methods' must only have the values") &&
        m.endsWith("but the values 'get' are present"),
    ),
  );
  assert.ok(
    e.some((m) => m.endsWith("option 'methods' must have unique values but the values 'GET' are duplicated")),
  );
  assert.ok(
    e.some((m) =>
      m.startsWith(
        "access_control: rule #3 (domain 'c.example.com'): 'policy' option 'bypass' is not supported when 'subject'",
      ),
    ),
  );
  assert.ok(
    e.some((m) =>
      m.startsWith("access_control: rule #4: 'policy' option 'bypass' is not supported when 'domain_regex'"),
    ),
  );
});

test('access_control: invalid regexes (domain_regex, resources, query pattern) are errors with their path', () => {
  const r = configFromObject(
    rules({
      domain_regex: ['^ok\\.example\\.com$', '^(bad'],
      resources: ['^/api(?=x)'],
      policy: 'one_factor',
      query: [[{ operator: 'pattern', key: 'q', value: '[' }]],
    }),
  );
  assert.equal(r.ok, false);
  const byPath = new Map(r.issues.map((i) => [i.path, i.message]));
  assert.match(
    byPath.get('access_control.rules[0].domain_regex[1]') ?? '',
    /option 'domain_regex' with value '\^\(bad' is invalid: error parsing regexp: missing closing \)/,
  );
  assert.match(
    byPath.get('access_control.rules[0].resources[0]') ?? '',
    /invalid or unsupported Perl syntax/,
  );
  assert.match(
    byPath.get('access_control.rules[0].query[0][0].value') ?? '',
    /query: option 'value' is invalid: error parsing regexp/,
  );
});

test('access_control: query operator defaults and checks', () => {
  const r = configFromObject(
    rules({
      domain: 'a.example.com',
      policy: 'one_factor',
      query: [[{ key: 'a' }, { key: 'b', value: 'x' }], [{ operator: 'absent', key: 'c' }]],
    }),
  );
  assert.ok(r.ok, JSON.stringify(r.issues));
  assert.deepEqual(r.config.accessControl.rules[0]?.query, [
    [
      { operator: 'present', key: 'a', value: undefined },
      { operator: 'equal', key: 'b', value: 'x' },
    ],
    [{ operator: 'absent', key: 'c', value: undefined }],
  ]);
  const e = errors(
    rules({
      domain: 'a.example.com',
      policy: 'one_factor',
      query: [
        [
          { operator: 'like', key: 'a' },
          { operator: 'equal', key: 'b' },
          { operator: 'present', value: 'x' },
          { key: 'n', value: 5 },
        ],
      ],
    }),
  );
  assert.ok(
    e.some(
      (m) =>
        m.includes("query: option 'operator' must be one of") && m.endsWith("but it's configured as 'like'"),
    ),
  );
  assert.ok(
    e.some((m) =>
      m.endsWith(
        "query: option 'value' must be present when the option 'operator' is 'equal' but it's absent",
      ),
    ),
  );
  assert.ok(e.some((m) => m.endsWith("query: option 'key' is required but it's absent")));
  assert.ok(
    e.some((m) => m.endsWith("query: option 'value' is invalid: expected type was string but got int")),
  );
});

test('access_control: ineffective *domain warning', () => {
  assert.ok(
    warnings(rules({ domain: '*example.com', policy: 'one_factor' })).includes(
      "access_control: rule #1: domain #1: domain '*example.com' is ineffective and should probably be '*.example.com' instead",
    ),
  );
});

test('named networks resolve to CIDRs; clashes and bad CIDRs are errors', () => {
  const ok = configFromObject(
    withBase({
      definitions: { network: { lan: ['192.168.1.0/24', '10.0.0.1'] } },
      access_control: {
        networks: [{ name: 'vpn', networks: ['fd00::/8'] }],
        rules: [{ domain: 'a.example.com', policy: 'bypass', networks: ['lan', 'vpn', '172.16.0.5'] }],
      },
    }),
  );
  assert.ok(ok.ok, JSON.stringify(ok.issues));
  assert.deepEqual(ok.config.accessControl.rules[0]?.networks, [
    '192.168.1.0/24',
    '10.0.0.1/32',
    'fd00::/8',
    '172.16.0.5/32',
  ]);
  assert.deepEqual(ok.config.networks['lan'], ['192.168.1.0/24', '10.0.0.1/32']);
  const e = errors(
    withBase({
      definitions: { network: { lan: ['192.168.1.0/24', '300.0.0.1'] } },
      access_control: {
        networks: [
          { name: 'lan', networks: ['10.0.0.0/8'] },
          { name: 'bad', networks: ['nope'] },
        ],
        rules: [{ domain: 'a.example.com', policy: 'bypass', networks: ['unknown-net'] }],
      },
    }),
  );
  assert.ok(
    e.some((m) =>
      m.includes(
        "the definition for network with name 'lan' exists in both the definitions section and access control section",
      ),
    ),
  );
  assert.ok(
    e.includes(
      "definitions: network: 'lan' is invalid: the network '300.0.0.1' is not a valid IP or CIDR notation",
    ),
  );
  assert.ok(
    e.includes(
      "access_control: networks: network group 'bad' is invalid: the network 'nope' is not a valid IP or CIDR notation",
    ),
  );
  assert.ok(
    e.includes(
      "access_control: rule #1 (domain 'a.example.com'): the network 'unknown-net' is not a valid Group Name, IP, or CIDR notation",
    ),
  );
});

const cookie = (c: Obj) => withBase({ session: { cookies: [c] } });

test('session cookies: domain rules', () => {
  assert.ok(
    errors(cookie({ domain: '*.example.com', authelia_url: 'https://auth.example.com' })).some((m) =>
      m.includes('not a wildcard domain'),
    ),
  );
  assert.ok(
    errors(cookie({ domain: 'localhost', authelia_url: 'https://localhost' })).some((m) =>
      m.includes('must have at least a single period or be an ip address'),
    ),
  );
  assert.ok(configFromObject(cookie({ domain: '192.168.1.10', authelia_url: 'https://192.168.1.10/' })).ok);
  const overlap = errors(
    withBase({
      session: {
        cookies: [
          { domain: 'app.example.com', authelia_url: 'https://auth.app.example.com' },
          { domain: 'example.com', authelia_url: 'https://auth.example.com' },
          { domain: 'example.com', authelia_url: 'https://auth.example.com' },
        ],
      },
    }),
  );
  assert.ok(
    overlap.some((m) =>
      m.startsWith(
        "session: domain config #2 (domain 'example.com'): option 'domain' shares the same cookie scope",
      ),
    ),
  );
  assert.ok(
    overlap.includes(
      "session: domain config #3 (domain 'example.com'): option 'domain' is a duplicate value for another configured session domain",
    ),
  );
});

test('session cookies: authelia_url and default_redirection_url', () => {
  const e = errors(
    cookie({
      domain: 'example.com',
      authelia_url: 'http://auth.other.com',
      default_redirection_url: 'https://auth.example.com/',
    }),
  );
  assert.ok(
    e.includes(
      "session: domain config #1 (domain 'example.com'): option 'authelia_url' does not have a secure scheme with a value of 'http://auth.other.com'",
    ),
  );
  assert.ok(
    e.includes(
      "session: domain config #1 (domain 'example.com'): option 'authelia_url' does not share a cookie scope with domain 'example.com' with a value of 'http://auth.other.com'",
    ),
  );
  const equal = errors(
    cookie({
      domain: 'example.com',
      authelia_url: 'https://auth.example.com',
      default_redirection_url: 'https://auth.example.com/',
    }),
  );
  assert.ok(equal.some((m) => m.includes("is effectively equal to option 'authelia_url'")));
  assert.ok(
    errors(cookie({ domain: 'example.com' })).includes(
      "session: domain config #1 (domain 'example.com'): option 'authelia_url' is required",
    ),
  );
  assert.ok(
    errors(cookie({ domain: 'example.com', authelia_url: 'auth.example.com' })).some((m) =>
      m.includes("option 'authelia_url' is not absolute"),
    ),
  );
});

test('session: legacy domain mixed with cookies, or a global redirect with cookies, is an error', () => {
  const e = errors(
    withBase({ session: { domain: 'example.com' }, default_redirection_url: 'https://www.example.com' }),
  );
  assert.ok(e.includes("session: option 'domain' and option 'cookies' can't be specified at the same time"));
  assert.ok(
    e.some((m) =>
      m.startsWith(
        "session: option 'cookies' must be configured with the per cookie option 'default_redirection_url'",
      ),
    ),
  );
});

test('session: the legacy form becomes one cookie; an out-of-scope redirect is dropped with a warning', () => {
  const r = configFromObject(
    withBase({
      session: { cookies: undefined, domain: 'example.com', expiration: '2h' },
      default_redirection_url: 'https://other.org',
    }),
  );
  assert.ok(r.ok, JSON.stringify(r.issues));
  assert.equal(r.config.session.cookies.length, 1);
  assert.equal(r.config.session.cookies[0]?.domain, 'example.com');
  assert.equal(r.config.session.cookies[0]?.autheliaUrl, '');
  assert.equal(r.config.session.cookies[0]?.defaultRedirectionUrl, '');
  assert.equal(r.config.session.cookies[0]?.expiration, 7_200_000);
  assert.ok(
    r.issues.some(
      (i) =>
        i.severity === 'warning' &&
        i.message.includes("option 'default_redirection_url' does not share a cookie scope"),
    ),
  );
});

test('session: remember_me -1 disables; per-cookie values override session ones', () => {
  const r = configFromObject(
    withBase({
      session: {
        remember_me: -1,
        inactivity: '10m',
        cookies: [
          { domain: 'example.com', authelia_url: 'https://auth.example.com' },
          {
            domain: 'example.org',
            authelia_url: 'https://auth.example.org',
            remember_me: '1w',
            inactivity: 0,
          },
        ],
      },
    }),
  );
  assert.ok(r.ok, JSON.stringify(r.issues));
  assert.equal(r.config.session.cookies[0]?.rememberMe, -1);
  assert.equal(r.config.session.cookies[1]?.rememberMe, 7 * 24 * 3_600_000);
  assert.equal(r.config.session.cookies[1]?.inactivity, 600_000);
});

test('session: redis needs a host and the secret; short secrets warn', () => {
  const e = errors(withBase({ session: { secret: undefined, redis: { port: 6379 } } }));
  assert.ok(e.includes("session: redis: option 'host' is required"));
  assert.ok(e.includes("session: option 'secret' is required when using the 'redis' provider"));
  assert.ok(
    warnings(withBase({ session: { secret: 'short' } })).some((m) =>
      m.startsWith("session: option 'secret' is only 5 characters long"),
    ),
  );
});

test('secrets: storage.encryption_key is required and at least 20 characters; short jwt_secret warns', () => {
  assert.ok(
    errors(withBase({ storage: { encryption_key: undefined } })).includes(
      "storage: option 'encryption_key' is required",
    ),
  );
  assert.ok(
    errors(withBase({ storage: { encryption_key: '19_characters_long_' } })).includes(
      "storage: option 'encryption_key' must be 20 characters or longer",
    ),
  );
  assert.ok(configFromObject(withBase({ storage: { encryption_key: '20_characters_long__' } })).ok);
  assert.ok(
    warnings(withBase({ identity_validation: { reset_password: { jwt_secret: 'short' } } })).some((m) =>
      m.includes("option 'jwt_secret' is only 5 characters long"),
    ),
  );
});

test('exactly one storage and one notifier provider', () => {
  const none = errors(withBase({ storage: { local: undefined }, notifier: { filesystem: undefined } }));
  assert.ok(
    none.includes("storage: configuration for a 'local', 'mysql' or 'postgres' database must be provided"),
  );
  assert.ok(
    none.includes("notifier: you must ensure either the 'smtp' or 'filesystem' notifier is configured"),
  );
  const two = errors(
    withBase({
      storage: { mysql: { address: 'tcp://db', database: 'a', username: 'u' } },
      notifier: { smtp: { address: 'smtp://mail', sender: 'a@b.c' } },
    }),
  );
  assert.ok(
    two.includes(
      "storage: option 'local', 'mysql' and 'postgres' are mutually exclusive but 'local' and 'mysql' have been configured",
    ),
  );
  assert.ok(
    two.includes("notifier: please ensure only one of the 'smtp' or 'filesystem' notifier is configured"),
  );
  const pg = configFromObject(
    withBase({
      storage: { local: undefined, postgres: { address: 'db.internal', database: 'p', username: 'u' } },
    }),
  );
  assert.ok(pg.ok, JSON.stringify(pg.issues));
  assert.equal(pg.config.storage.postgres?.address, 'tcp://db.internal:5432');
  assert.equal(pg.config.storage.postgres?.schema, 'public');
});

test('regulation and totp checks', () => {
  const e = errors(
    withBase({
      regulation: { modes: ['user', 'host'], find_time: '10m', ban_time: '5m' },
      totp: { digits: 7, period: 10, secret_size: 10, algorithm: 'md5' },
    }),
  );
  assert.ok(
    e.includes(
      "regulation: option 'modes' must only contain the values 'user' and 'ip' but contains the value 'host'",
    ),
  );
  assert.ok(e.includes("regulation: option 'find_time' must be less than or equal to option 'ban_time'"));
  assert.ok(e.includes("totp: option 'digits' must be 6 or 8 but it's configured as '7'"));
  assert.ok(e.includes("totp: option 'period' option must be 15 or more but it's configured as '10'"));
  assert.ok(e.includes("totp: option 'secret_size' must be 20 or higher but it's configured as '10'"));
  assert.ok(
    e.includes(
      "totp: option 'algorithm' must be one of 'SHA1', 'SHA256', or 'SHA512' but it's configured as 'MD5'",
    ),
  );
  const r = configFromObject(
    withBase({
      totp: { algorithm: 'sha256', allowed_algorithms: ['SHA1'], allowed_digits: [8], period: 60 },
    }),
  );
  assert.ok(r.ok, JSON.stringify(r.issues));
  assert.deepEqual(r.config.totp.allowedAlgorithms, ['SHA1', 'SHA256']);
  assert.deepEqual(r.config.totp.allowedDigits, [8, 6]);
  assert.deepEqual(r.config.totp.allowedPeriods, [60]);
  assert.equal(r.config.regulation.maxRetries, 3);
  const off = configFromObject(withBase({ regulation: { max_retries: 0 } }));
  assert.ok(off.ok && off.config.regulation.maxRetries === 0);
});

test('webauthn enums and passkey combinations', () => {
  const e = errors(
    withBase({
      webauthn: {
        attestation_conveyance_preference: 'always',
        selection_criteria: { user_verification: 'maybe' },
        experimental_enable_passkey_uv_two_factors: true,
      },
    }),
  );
  assert.ok(
    e.some((m) =>
      m.startsWith(
        "webauthn: option 'attestation_conveyance_preference' must be one of 'none', 'indirect', or 'direct'",
      ),
    ),
  );
  assert.ok(
    e.some((m) => m.startsWith("webauthn: selection_criteria: option 'user_verification' must be one of")),
  );
  assert.ok(
    e.includes(
      "webauthn: option 'experimental_enable_passkey_uv_two_factors' is true but it must be false when 'enable_passkey_login' is false",
    ),
  );
});

test('server.address: sub-path, default, and invalid forms', () => {
  const r = configFromObject(withBase({ server: { address: 'tcp://:9091/authelia' } }));
  assert.ok(r.ok);
  assert.deepEqual(r.config.server.address, {
    scheme: 'tcp',
    host: '',
    port: 9091,
    socketPath: '',
    path: '/authelia',
  });
  const unix = configFromObject(withBase({ server: { address: 'unix:///run/p.sock?path=auth' } }));
  assert.ok(unix.ok);
  assert.equal(unix.config.server.address.socketPath, '/run/p.sock');
  assert.equal(unix.config.server.address.path, '/auth');
  assert.equal(unix.config.server.disableHealthcheck, true);
  const e = errors(withBase({ server: { address: 'udp://:9091/a/b' } }));
  assert.ok(
    e.some((m) =>
      m.includes("scheme must be one of 'tcp', 'tcp4', 'tcp6', 'unix', or 'fd' but is configured as 'udp'"),
    ),
  );
  assert.ok(
    e.includes(
      "server: option 'address' must be a single subpath (i.e. '/a'), but '/a/b' contains multiple segments",
    ),
  );
  assert.ok(
    errors(withBase({ server: { address: 'tcp://:9091/a-b' } })).includes(
      "server: option 'address' must have a path with only alphanumeric characters but it's configured as '/a-b'",
    ),
  );
});

test('server authz endpoints: custom ones are validated and get default strategies', () => {
  const r = configFromObject(
    withBase({
      server: {
        endpoints: {
          authz: {
            'forward-auth': { implementation: 'ForwardAuth' },
            proxy: {
              implementation: 'ForwardAuth',
              authn_strategies: [
                { name: 'HeaderProxyAuthorization', schemes: ['Basic', 'bearer'] },
                { name: 'CookieSession' },
              ],
            },
          },
        },
      },
    }),
  );
  assert.ok(r.ok, JSON.stringify(r.issues));
  const [fa, proxy] = r.config.server.endpoints.authz;
  assert.equal(fa?.name, 'forward-auth');
  assert.deepEqual(
    fa?.authnStrategies.map((s) => s.name),
    ['HeaderAuthorization', 'CookieSession'],
  );
  assert.deepEqual(proxy?.authnStrategies[0]?.schemes, ['basic', 'bearer']);
  const e = errors(
    withBase({
      server: {
        endpoints: {
          authz: {
            legacy: { implementation: 'ForwardAuth' },
            x: {
              implementation: 'Magic',
              authn_strategies: [
                { name: 'CookieSession', schemes: ['basic'] },
                { name: 'Nope' },
                { name: 'HeaderAuthorization', schemes: ['digest'] },
              ],
            },
          },
        },
      },
    }),
  );
  assert.ok(
    e.includes(
      "server: endpoints: authz: legacy: option 'implementation' is invalid: the endpoint with the name 'legacy' must use the 'Legacy' implementation",
    ),
  );
  assert.ok(
    e.some((m) => m.startsWith("server: endpoints: authz: x: option 'implementation' must be one of")),
  );
  assert.ok(
    e.includes(
      "server: endpoints: authz: x: authn_strategies: strategy #1 (CookieSession): option 'schemes' is not valid for the strategy",
    ),
  );
  assert.ok(
    e.some(
      (m) =>
        m.startsWith("server: endpoints: authz: x: authn_strategies: option 'name' must be one of") &&
        m.endsWith("'Nope'"),
    ),
  );
  assert.ok(
    e.some((m) =>
      m.endsWith("option 'schemes' must only include the values 'basic' or 'bearer' but has 'digest'"),
    ),
  );
});

test('server.trusted_proxies: defaults, custom CIDRs, invalid entries', () => {
  const r = configFromObject(withBase({ server: { trusted_proxies: ['10.0.0.1', '172.18.0.0/16'] } }));
  assert.ok(r.ok);
  assert.deepEqual(r.config.server.trustedProxies, ['10.0.0.1/32', '172.18.0.0/16']);
  assert.ok(
    errors(withBase({ server: { trusted_proxies: ['everyone'] } })).some((m) =>
      m.includes("'everyone' which is not a valid IP or CIDR"),
    ),
  );
});

test('unsupported features: ldap and oidc are errors, duo a warning', () => {
  const e = errors(
    withBase({
      authentication_backend: { file: undefined, ldap: { address: 'ldap://x' } },
      identity_providers: { oidc: { hmac_secret: 'x' } },
    }),
  );
  assert.ok(
    e.some((m) => m.startsWith('authentication_backend: ldap: the LDAP backend is not supported yet')),
  );
  assert.ok(
    e.some((m) =>
      m.startsWith('identity_providers: oidc: the OpenID Connect 1.0 provider is not supported yet'),
    ),
  );
  assert.ok(
    warnings(withBase({ duo_api: { hostname: 'api.duo' } })).some((m) =>
      m.startsWith('duo_api: Duo push is not supported'),
    ),
  );
  assert.ok(
    errors(withBase({ default_2fa_method: 'mobile_push' })).includes(
      "option 'default_2fa_method' must be one of the enabled options 'totp' or 'webauthn' but it's configured as 'mobile_push'",
    ),
  );
});

test('identity validation, password policy and file backend', () => {
  const e = errors(
    withBase({
      identity_validation: {
        reset_password: { jwt_secret: undefined, jwt_algorithm: 'RS256' },
        elevated_session: { characters: 30 },
      },
      password_policy: { standard: { enabled: true }, zxcvbn: { enabled: true } },
      authentication_backend: {
        file: { path: undefined, password: { algorithm: 'md5', bcrypt: { cost: 5 } } },
      },
    }),
  );
  assert.ok(
    e.includes(
      "identity_validation: reset_password: option 'jwt_secret' is required when the reset password functionality isn't disabled",
    ),
  );
  assert.ok(
    e.some((m) =>
      m.startsWith(
        "identity_validation: reset_password: option 'jwt_algorithm' must be one of 'HS256', 'HS384', or 'HS512'",
      ),
    ),
  );
  assert.ok(
    e.includes(
      "identity_validation: elevated_session: option 'characters' must be 20 or less but it's configured as 30",
    ),
  );
  assert.ok(e.includes('password_policy: only a single password policy mechanism can be specified'));
  assert.ok(e.includes("authentication_backend: file: option 'path' is required"));
  assert.ok(
    e.some((m) => m.startsWith("authentication_backend: file: password: option 'algorithm' must be one of")),
  );
  assert.ok(
    e.includes(
      "authentication_backend: file: password: bcrypt: option 'cost' is configured as '5' but must be greater than or equal to '10'",
    ),
  );
  const noReset = configFromObject(
    withBase({
      identity_validation: undefined,
      authentication_backend: { password_reset: { disable: true } },
    }),
  );
  assert.ok(noReset.ok, JSON.stringify(noReset.issues));
});
