/**
 * users_database.yml → validated users, with every problem reported as a ConfigIssue at its file:line:col,
 * worded like configuration issues (Authelia's format, E.2 of the reference).
 */
import { joinPath, locateYaml, positionFor, type SourcePos, sortIssues } from '../../config/index.js';
import { type ConfigIssue, isPortcullisError } from '../../core/index.js';
import { identifyDigest } from '../password/digest.js';

export interface UserDetails {
  /** The canonical username: the map key as written. */
  readonly username: string;
  readonly displayName: string;
  /** Authelia allows one address per user; a list keeps the shape the session and headers use. */
  readonly emails: readonly string[];
  readonly groups: readonly string[];
  readonly disabled: boolean;
  readonly digest: string;
  /** Optional OIDC claims as written (given_name, locale, address{…}, extra{…} …), only those present. */
  readonly claims: Readonly<Record<string, unknown>>;
}

export interface UsersSearch {
  readonly email: boolean;
  readonly caseInsensitive: boolean;
}

export interface ParsedUsers {
  readonly users: ReadonlyMap<string, UserDetails>;
  readonly issues: readonly ConfigIssue[];
}

const STRING_CLAIMS = [
  'given_name',
  'family_name',
  'middle_name',
  'nickname',
  'gender',
  'birthdate',
  'zoneinfo',
  'locale',
  'phone_number',
  'phone_extension',
] as const;
const URL_CLAIMS = ['profile', 'picture', 'website'] as const;
const ADDRESS_KEYS = ['street_address', 'locality', 'region', 'postal_code', 'country'] as const;
const USER_KEYS = [
  'disabled',
  'displayname',
  'password',
  'email',
  'groups',
  ...STRING_CLAIMS,
  ...URL_CLAIMS,
  'address',
  'extra',
] as const;

/** Common mistakes whose fix is not just a typo away. */
const CURATED: Readonly<Record<string, string>> = {
  emails: "'email' (a single address)",
  mail: "'email'",
  display_name: "'displayname'",
  displayName: "'displayname'",
  name: "'displayname'",
  group: "'groups'",
  enabled: "'disabled' (with the opposite value)",
  hash: "'password' (the digest)",
  password_hash: "'password' (the digest)",
};

const EMAIL_RE = /^[^\s@]+@[^\s@]+$/;

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

function didYouMean(key: string, known: readonly string[], parent: string): string {
  const curated = CURATED[key];
  if (curated) return ` (did you mean ${curated.replace(/^'([^']+)'/, `'${joinPath(parent, '$1')}'`)}?)`;
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best && bestD <= Math.max(2, Math.floor(key.length / 3))
    ? ` (did you mean '${joinPath(parent, best)}'?)`
    : '';
}

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const scalarText = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;

export function parseUsersFile(text: string, file: string, search: UsersSearch): ParsedUsers {
  const located = locateYaml(text, file);
  if (located.issues.length) return { users: new Map(), issues: located.issues };
  const issues: ConfigIssue[] = [];
  const at = (path: string): SourcePos | undefined => positionFor(located.positions, path);
  const error = (path: string, message: string) => {
    issues.push({ path, message, severity: 'error', source: at(path) });
  };
  const unknownKey = (path: string, key: string, known: readonly string[], parent: string) =>
    error(path, `configuration key not expected: ${path}${didYouMean(key, known, parent)}`);

  const root = located.value;
  if (root === undefined || root === null) {
    error('', "the users file is empty: it must have a top-level 'users' map");
    return { users: new Map(), issues };
  }
  if (!isMap(root)) {
    error('', "the users file must be a map with a top-level 'users' key");
    return { users: new Map(), issues };
  }
  for (const k of Object.keys(root)) if (k !== 'users') unknownKey(k, k, ['users'], '');
  const rawUsers = root['users'];
  if (rawUsers === undefined || rawUsers === null) {
    error('users', 'users: option is required (a map of username to details)');
    return { users: new Map(), issues };
  }
  if (!isMap(rawUsers)) {
    error('users', 'users: must be a map of username to details');
    return { users: new Map(), issues };
  }

  const users = new Map<string, UserDetails>();
  for (const [username, raw] of Object.entries(rawUsers)) {
    const base = joinPath('users', username);
    const bad = (key: string, message: string) =>
      error(joinPath(base, key), `${joinPath(base, key)}: ${message}`);
    if (username.trim() === '') {
      error(base, `${base}: the username must not be empty`);
      continue;
    }
    if (!isMap(raw)) {
      error(base, `${base}: must be a map of user details`);
      continue;
    }
    for (const k of Object.keys(raw)) {
      if (!(USER_KEYS as readonly string[]).includes(k)) unknownKey(joinPath(base, k), k, USER_KEYS, base);
    }
    const str = (key: string, required: boolean): string => {
      const v = raw[key];
      if (v === undefined || v === null || v === '') {
        if (required) bad(key, 'option is required');
        return '';
      }
      const s = scalarText(v);
      if (s === undefined) bad(key, `must be a string but it's a ${Array.isArray(v) ? 'list' : 'map'}`);
      return s ?? '';
    };

    const digest = str('password', true);
    if (digest) {
      try {
        identifyDigest(digest);
      } catch (e) {
        if (!isPortcullisError(e)) throw e;
        bad('password', `the password digest cannot be used: ${e.message}`);
      }
    }
    const displayName = str('displayname', true);
    let email = '';
    if (Array.isArray(raw['email'])) bad('email', 'must be a single address, not a list');
    else {
      email = str('email', false);
      if (email && !EMAIL_RE.test(email)) bad('email', `'${email}' is not a valid email address`);
    }

    let disabled = false;
    if (raw['disabled'] !== undefined && raw['disabled'] !== null) {
      if (typeof raw['disabled'] === 'boolean') disabled = raw['disabled'];
      else bad('disabled', `must be true or false but it's '${String(raw['disabled'])}'`);
    }

    const groups: string[] = [];
    const rawGroups = raw['groups'];
    if (Array.isArray(rawGroups)) {
      rawGroups.forEach((g, i) => {
        const s = scalarText(g);
        if (s === undefined || s === '')
          error(
            joinPath(joinPath(base, 'groups'), i),
            `${joinPath(joinPath(base, 'groups'), i)}: a group must be a non-empty string`,
          );
        else groups.push(s);
      });
    } else if (rawGroups !== undefined && rawGroups !== null) {
      bad('groups', 'must be a list of group names');
    }

    const claims: Record<string, unknown> = {};
    for (const k of STRING_CLAIMS) {
      const v = str(k, false);
      if (v) claims[k] = v;
    }
    if (typeof claims['locale'] === 'string') {
      try {
        Intl.getCanonicalLocales(claims['locale']);
      } catch {
        bad('locale', `'${claims['locale']}' is not a valid BCP 47 language tag`);
      }
    }
    for (const k of URL_CLAIMS) {
      const v = str(k, false);
      if (!v) continue;
      if (URL.canParse(v)) claims[k] = v;
      else bad(k, `'${v}' is not an absolute URL`);
    }
    const address = raw['address'];
    if (isMap(address)) {
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(address)) {
        const path = joinPath(joinPath(base, 'address'), k);
        if (!(ADDRESS_KEYS as readonly string[]).includes(k))
          unknownKey(path, k, ADDRESS_KEYS, joinPath(base, 'address'));
        else if (v !== null && v !== undefined) {
          const s = scalarText(v);
          if (s === undefined) error(path, `${path}: must be a string`);
          else out[k] = s;
        }
      }
      claims['address'] = Object.freeze(out);
    } else if (address !== undefined && address !== null)
      bad('address', 'must be a map (street_address, locality, region, postal_code, country)');
    const extra = raw['extra'];
    if (isMap(extra)) {
      for (const [k, v] of Object.entries(extra)) {
        const ok =
          scalarText(v) !== undefined || (Array.isArray(v) && v.every((x) => scalarText(x) !== undefined));
        if (!ok) {
          const path = joinPath(joinPath(base, 'extra'), k);
          error(path, `${path}: an extra attribute must be a string, number, boolean or a list of them`);
        }
      }
      claims['extra'] = Object.freeze({ ...extra });
    } else if (extra !== undefined && extra !== null)
      bad('extra', 'must be a map of attribute name to value');

    users.set(
      username,
      Object.freeze({
        username,
        displayName,
        emails: Object.freeze(email && EMAIL_RE.test(email) ? [email] : []),
        groups: Object.freeze(groups),
        disabled,
        digest,
        claims: Object.freeze(claims),
      }),
    );
  }

  checkSearch(users, search, error);
  return { users, issues: sortIssues(issues) };
}

/** Authelia's load-time rules for the experimental search options (E.1 of the reference). */
function checkSearch(
  users: ReadonlyMap<string, UserDetails>,
  search: UsersSearch,
  error: (path: string, message: string) => void,
): void {
  if (search.caseInsensitive) {
    for (const username of users.keys()) {
      const path = joinPath('users', username);
      if (username !== username.toLowerCase()) {
        error(
          path,
          `${path}: username '${username}' is not lowercase but this is required when case-insensitive search is enabled`,
        );
      }
      for (const other of users.values()) {
        if (
          other.username !== username &&
          other.emails.some((e) => e.toLowerCase() === username.toLowerCase())
        ) {
          error(
            path,
            `${path}: username '${username}' is configured as an email for user with username '${other.username}' which isn't allowed when case-insensitive search is enabled`,
          );
        }
      }
    }
  }
  if (search.email) {
    const owners = new Map<string, string[]>();
    for (const u of users.values()) {
      for (const e of u.emails) {
        const k = e.toLowerCase();
        owners.set(k, [...(owners.get(k) ?? []), u.username]);
      }
    }
    for (const [e, names] of owners) {
      const path = joinPath(joinPath('users', names[0]!), 'email');
      if (names.length > 1) {
        error(
          path,
          `${path}: email '${e}' is configured for more than one user (users are '${names.join("', '")}') which isn't allowed when email search is enabled`,
        );
      }
      const clash = [...users.keys()].find((n) => n.toLowerCase() === e && !names.includes(n));
      if (clash !== undefined) {
        error(
          path,
          `${path}: email '${e}' is also a username which isn't allowed when email search is enabled`,
        );
      }
    }
  }
}
