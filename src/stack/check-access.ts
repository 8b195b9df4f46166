/** Checks an Authelia/Portcullis configuration.yml (read as raw YAML) and users file for weak access rules and secrets. */
import { type LocatedYaml, parseDuration, positionFor } from '../config/index.js';
import type { Sink } from './findings.js';
import { isPlaceholder } from './secrets.js';
import type { Where } from './types.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const get = (o: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((v, k) => (isObj(v) ? v[k] : undefined), o);

const ADMIN_APP =
  /(^|[.*-])(admin|proxmox|pve|vault|vaultwarden|portainer|traefik|unifi|pfsense|opnsense|truenas|cockpit|webmin|phpmyadmin|adminer|dockge|router|idrac|ipmi|esxi|k8s|kubernetes|dashboard)([.-]|$)/i;
const RESTRICTIONS = ['subject', 'networks', 'resources', 'methods', 'query', 'domain_regex'];

/** Secrets Authelia signs or encrypts with: placeholders are never acceptable, and short ones are guessable. */
const KEYS = [
  'jwt_secret',
  'identity_validation.reset_password.jwt_secret',
  'session.secret',
  'storage.encryption_key',
  'identity_providers.oidc.hmac_secret',
];
const PASSWORDS = [
  'session.redis.password',
  'storage.postgres.password',
  'storage.mysql.password',
  'notifier.smtp.password',
  'authentication_backend.ldap.password',
];

export function looksLikeGatewayConfig(v: unknown): boolean {
  return (
    isObj(v) &&
    ['access_control', 'authentication_backend', 'session', 'jwt_secret', 'identity_validation'].some(
      (k) => k in v,
    )
  );
}

function domains(rule: Obj): string[] | undefined {
  const d = rule['domain'];
  if (d === undefined) return undefined;
  return (Array.isArray(d) ? d : [d]).map((x) => String(x).toLowerCase());
}

/** Does pattern `a` match every host that `b` matches? */
function covers(a: string, b: string): boolean {
  if (a === b) return true;
  return a.startsWith('*.') && b.endsWith(a.slice(1));
}

export function checkGatewayConfig(file: string, y: LocatedYaml, sink: Sink): void {
  const c = y.value as Obj;
  const at = (path: string): Where => ({ file, line: positionFor(y.positions, path)?.line ?? 1 });
  const ac = c['access_control'];
  const dp = String(get(c, 'access_control.default_policy') ?? 'deny');
  if (dp !== 'deny') {
    sink.add(
      'access.default-policy-not-deny',
      dp === 'bypass' ? 'high' : 'medium',
      at('access_control.default_policy'),
      'access_control',
      `default_policy is ${dp}`,
      'any host without its own rule is reachable with only that policy; zero trust means unknown means no',
      'set `default_policy: deny` and give each app an explicit rule',
    );
  }
  const rules = isObj(ac) && Array.isArray(ac['rules']) ? (ac['rules'] as unknown[]) : [];
  rules.forEach((r, j) => {
    if (!isObj(r)) return;
    const path = `access_control.rules[${j}]`;
    const ds = domains(r);
    const policy = String(r['policy'] ?? '');
    if (!ds && r['domain_regex'] === undefined) {
      sink.add(
        'access.rule-no-domain',
        'medium',
        at(path),
        `rule #${j + 1}`,
        'rule has neither domain nor domain_regex',
        'Authelia rejects the whole configuration: every rule must name its domains',
        'add `domain:` to the rule, or delete it and rely on `default_policy: deny`',
      );
      return;
    }
    for (let i = 0; i < j; i++) {
      const e = rules[i];
      if (!isObj(e) || RESTRICTIONS.some((k) => e[k] !== undefined)) continue;
      const eds = domains(e);
      if (!(eds && ds?.every((d) => eds.some((p) => covers(p, d))))) continue;
      sink.add(
        'access.shadowed-rule',
        'high',
        at(path),
        `rule #${j + 1} (${ds.join(', ')})`,
        `rule #${j + 1} never applies: rule #${i + 1} (${eds.join(', ')}, ${String(e['policy'])}) matches first`,
        "rules are evaluated top to bottom and the first match wins, so this rule's restrictions are silently ignored",
        `move rule #${j + 1} above rule #${i + 1} (specific rules before wildcards)`,
      );
      break;
    }
    if ((policy === 'bypass' || policy === 'one_factor') && ds?.some((d) => ADMIN_APP.test(d))) {
      sink.add(
        'access.weak-policy-admin-app',
        'high',
        at(`${path}.policy`),
        ds.join(', '),
        `admin application protected only by ${policy}`,
        'an admin panel is the keys to the kingdom: one stolen password (or none) must not be enough',
        'use `policy: two_factor` and restrict `subject:` to an admin group',
      );
    }
  });
  if (get(c, 'regulation.max_retries') === 0) {
    sink.add(
      'access.regulation-disabled',
      'medium',
      at('regulation.max_retries'),
      'regulation',
      'regulation is disabled (max_retries: 0)',
      'nothing slows down password guessing',
      'set regulation.max_retries: 3, find_time: 2m, ban_time: 5m (or stricter)',
    );
  }
  const inactivities: [string, unknown][] = [['session.inactivity', get(c, 'session.inactivity')]];
  const cookies = get(c, 'session.cookies');
  if (Array.isArray(cookies)) {
    cookies.forEach((k, i) => {
      inactivities.push([`session.cookies[${i}].inactivity`, get(k, 'inactivity')]);
    });
  }
  for (const [path, v] of inactivities) {
    if (v === undefined) continue;
    const ms = typeof v === 'number' ? v * 1000 : parseDuration(String(v));
    if (ms !== undefined && ms > 12 * 3_600_000) {
      sink.add(
        'access.long-inactivity',
        'low',
        at(path),
        'session',
        `session inactivity is ${String(v)}`,
        'an abandoned, logged-in browser stays usable for that long',
        'set inactivity to 5m–1h',
      );
    }
  }
  if (c['storage'] === undefined) {
    sink.add(
      'access.storage-missing',
      'high',
      at(''),
      'storage',
      'no storage: section',
      'Authelia refuses to start without storage (it holds TOTP secrets, bans and consent)',
      'add `storage: { encryption_key: <64 random chars>, local: { path: /config/db.sqlite3 } }` (or postgres/mysql)',
    );
  }
  if (c['notifier'] === undefined) {
    sink.add(
      'access.notifier-missing',
      'high',
      at(''),
      'notifier',
      'no notifier: section',
      'Authelia refuses to start without a notifier; it is how identity verification and password reset reach users',
      'add `notifier: { smtp: … }` (or `filesystem:` for a single-user lab)',
    );
  }
  for (const key of [...KEYS, ...PASSWORDS]) {
    const v = get(c, key);
    if (typeof v !== 'string') continue;
    if (isPlaceholder(v)) {
      sink.add(
        'secrets.placeholder',
        'high',
        at(key),
        key,
        `${key} is a placeholder value (${v})`,
        'placeholder secrets from tutorials are the first thing anyone tries; sessions and reset links can then be forged',
        `generate a random value (openssl rand -hex 32) and keep it in a secret file (AUTHELIA_${key.toUpperCase().replace(/\./g, '_')}_FILE)`,
      );
    } else if (KEYS.includes(key) && v.length < 32) {
      sink.add(
        'secrets.short',
        'medium',
        at(key),
        key,
        `${key} is only ${v.length} characters`,
        'short signing/encryption secrets can be brute-forced',
        'use at least 64 random characters (openssl rand -hex 32)',
      );
    }
  }
}

const HASH =
  /^\$(argon2(id|i|d)\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/.-]+\$[A-Za-z0-9+/.-]+|2[abxy]?\$\d\d\$[./A-Za-z0-9]{53}|[56]\$(rounds=\d+\$)?[./A-Za-z0-9]+\$[./A-Za-z0-9]+|scrypt\$.+|pbkdf2(-sha\d+)?\$.+)$/;

export function looksLikeUsersFile(v: unknown): boolean {
  return isObj(v) && isObj(v['users']) && !('services' in v);
}

export function checkUsersFile(file: string, y: LocatedYaml, sink: Sink): void {
  const users = get(y.value, 'users') as Obj;
  for (const [name, u] of Object.entries(users)) {
    const pw = get(u, 'password');
    if (typeof pw === 'string' && !HASH.test(pw)) {
      sink.add(
        'users.invalid-hash',
        'high',
        { file, line: positionFor(y.positions, `users.${name}.password`)?.line ?? 1 },
        name,
        'password is not a complete password hash (placeholder or truncated)',
        'the user cannot log in, and a copied placeholder suggests the file was never finished',
        'generate the hash with `portcullis crypto hash generate argon2` and paste the whole output',
      );
    }
  }
}
