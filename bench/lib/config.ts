/**
 * The benchmark's Authelia-format configuration: N access-control rules in a realistic mix, with the rules
 * that decide the measured request placed last, so every index and scan the engine has is exercised.
 */
import { join } from 'node:path';

/** The request every forward-auth scenario describes: a logged-in `dev` user opening an app page. */
export const TARGET = {
  host: 'app.example.com',
  uri: '/dashboard/overview?tab=recent',
  method: 'GET',
  clientIp: '192.168.1.50',
} as const;

export const PORTAL = 'https://auth.example.com/';
export const COOKIE_NAME = 'authelia_session';
export const BENCH_USER = 'bench';
export const BENCH_PASSWORD = 'bench-password-for-logins';

type Rule = Record<string, unknown>;

const POLICIES = ['one_factor', 'two_factor', 'bypass', 'deny'] as const;

/**
 * Filler rule i, cycling through what homelab configs contain: exact domains (often several per rule),
 * wildcards, resource regexes, subjects, networks and methods. None of them matches TARGET.
 */
function filler(i: number): Rule {
  const policy = POLICIES[i % POLICIES.length]!;
  switch (i % 10) {
    case 0:
    case 1:
    case 2:
      return { domain: [`svc${i}.example.com`, `svc${i}.lab.example.org`], policy };
    case 3:
      return { domain: `media${i}.example.com`, policy: 'one_factor' };
    case 4:
    case 5:
      return { domain: `*.team${i}.example.com`, policy };
    case 6:
      return {
        domain: `api${i}.example.com`,
        resources: [`^/api/v${i % 3}/admin([/?].*)?$`, '^/internal/.*$'],
        policy: 'deny',
      };
    case 7:
      return {
        domain: `git${i}.example.com`,
        subject: [`group:team${i}`, ['user:alice', 'group:ops']],
        policy: 'two_factor',
      };
    case 8:
      return {
        domain: [`nas${i}.example.com`, `*.nas${i}.example.com`],
        networks: [`10.${i % 256}.0.0/16`, `172.16.${i % 256}.0/24`],
        policy: 'bypass',
      };
    default:
      return { domain: `dav${i}.example.com`, methods: ['PROPFIND', 'PROPPATCH'], policy: 'one_factor' };
  }
}

/**
 * `ruleCount` rules (at least 10): fillers, two domain_regex rules (they match any host, so the engine must
 * evaluate them on every request, as in real configs that have a few), then the rules for TARGET's host.
 */
export function accessControl(ruleCount: number): Record<string, unknown> {
  const decisive: Rule[] = [
    { domain: TARGET.host, resources: ['^/admin([/?].*)?$'], subject: 'group:admins', policy: 'two_factor' },
    { domain: TARGET.host, networks: ['10.0.0.0/8'], policy: 'bypass' },
    { domain: TARGET.host, subject: ['group:dev', 'group:admins'], policy: 'one_factor' },
    { domain: '*.example.com', policy: 'two_factor' },
  ];
  const regexes: Rule[] = [
    { domain_regex: '^(?P<User>\\w+)\\.home\\.example\\.net$', policy: 'one_factor' },
    { domain_regex: ['^grafana-[0-9]+\\.example\\.org$'], subject: 'group:ops', policy: 'one_factor' },
  ];
  const n = Math.max(0, ruleCount - decisive.length - regexes.length);
  const rules: Rule[] = [];
  for (let i = 0; i < n; i++) rules.push(filler(i));
  // The regex rules sit in the middle: rules before them and after them both have to be merged in order.
  rules.splice(Math.floor(n / 2), 0, ...regexes);
  rules.push(...decisive);
  return { default_policy: 'deny', rules };
}

export interface BenchConfigOptions {
  readonly dir: string;
  readonly rules: number;
  readonly port: number;
  /** Log to a file in `dir` (JSON decisions, as in production) instead of stdout. */
  readonly logFile: boolean;
  /** `info` logs every decision; `warn` turns decision logging off (to measure what it costs). */
  readonly logLevel?: 'info' | 'warn';
  /** false turns the audit log and detection off (to measure what they cost); default: as configured by default. */
  readonly monitoring?: boolean;
}

export function benchConfig(o: BenchConfigOptions): Record<string, unknown> {
  return {
    server: { address: `tcp://127.0.0.1:${o.port}/` },
    log: o.logFile
      ? {
          level: o.logLevel ?? 'info',
          format: 'json',
          file_path: join(o.dir, 'portcullis.log'),
          keep_stdout: false,
        }
      : { level: o.logLevel ?? 'info', format: 'json' },
    identity_validation: {
      reset_password: { jwt_secret: 'bench_jwt_secret_that_is_long_enough_0123456789' },
    },
    // No `password:` block: Authelia's defaults (argon2id, t=3, m=64 MiB, p=4) apply.
    authentication_backend: { refresh_interval: '5m', file: { path: join(o.dir, 'users_database.yml') } },
    access_control: accessControl(o.rules),
    session: {
      secret: 'bench_session_secret_that_is_long_enough_0123456789',
      cookies: [{ domain: 'example.com', authelia_url: PORTAL }],
    },
    regulation: { max_retries: 3, find_time: '2m', ban_time: '5m' },
    storage: {
      encryption_key: 'bench_encryption_key_that_is_long_enough_0123456789',
      local: { path: join(o.dir, 'db.sqlite3') },
    },
    notifier: { filesystem: { filename: join(o.dir, 'notification.txt') } },
    ...(o.monitoring === false ? { audit: { enabled: false }, detection: { enabled: false } } : {}),
  };
}

/** Users whose sessions fill the store; `bench` is the one whose cookie and password the scenarios use. */
export const USER_COUNT = 100;

export function userName(i: number): string {
  return i === 0 ? BENCH_USER : `user${i}`;
}

export function userGroups(i: number): string[] {
  return i === 0 ? ['dev', 'admins'] : [`team${i % 7}`, i % 3 === 0 ? 'dev' : 'users'];
}

/** users_database.yml with one real digest shared by every user (hashing 100 times would only cost time). */
export function usersFile(digest: string): Record<string, unknown> {
  const users: Record<string, unknown> = {};
  for (let i = 0; i < USER_COUNT; i++) {
    const name = userName(i);
    users[name] = {
      disabled: false,
      displayname: `User ${name}`,
      password: digest,
      email: `${name}@example.com`,
      groups: userGroups(i),
    };
  }
  return { users };
}
