/**
 * Phase 2: checks the merged YAML value against the shape, coerces scalars the way Authelia's weakly typed
 * decoder does (including durations → ms), and reports unknown keys with a "did you mean" hint.
 */
import { parseDurationDetailed } from '../duration.js';
import { joinPath } from '../locate.js';
import type { IssueSink } from '../sink.js';
import type { ObjectSpec, Spec } from './spec.js';

/** Authelia's "replaced" keys (validator/const.go replacedKeys): reported as such when not auto-mapped. */
const REPLACED_KEYS: Readonly<Record<string, string>> = {
  'authentication_backend.ldap.skip_verify': 'authentication_backend.ldap.tls.skip_verify',
  'authentication_backend.ldap.minimum_tls_version': 'authentication_backend.ldap.tls.minimum_version',
  'notifier.smtp.disable_verify_cert': 'notifier.smtp.tls.skip_verify',
  logs_level: 'log.level',
  logs_file_path: 'log.file_path',
  log_level: 'log.level',
  log_file_path: 'log.file_path',
  log_format: 'log.format',
  host: 'server.host',
  port: 'server.port',
  tls_key: 'server.tls.key',
  tls_cert: 'server.tls.certificate',
};

const FILE_POPTIONS =
  'config key incorrect: authentication_backend.file.password_options should be authentication_backend.file.password';
const FILE_PHASHING =
  'config key incorrect: authentication_backend.file.password_hashing should be authentication_backend.file.password';
const FILE_HASHING =
  'config key incorrect: authentication_backend.file.hashing should be authentication_backend.file.password';

/** Keys Authelia answers with a specific message instead of "not expected" (validator/const.go specificErrorKeys). */
const SPECIFIC_KEYS: Readonly<Record<string, string>> = {
  google_analytics: 'config key removed: google_analytics - this functionality has been deprecated',
  'notifier.smtp.trusted_cert':
    "invalid configuration key 'notifier.smtp.trusted_cert' it has been removed, option has been replaced by the global option 'certificates_directory'",
  'authentication_backend.file.password_options': FILE_POPTIONS,
  'authentication_backend.file.password_hashing': FILE_PHASHING,
  'authentication_backend.file.hashing': FILE_HASHING,
};

/** Common mistakes whose right key is too far away for edit distance to find. */
const HINTS: Readonly<Record<string, string>> = {
  'session.lifetime': "'session.expiration'",
  'session.cookies[].lifetime': "'expiration'",
  'server.path_prefix': "a path in 'server.address' such as 'tcp://:9091/authelia'",
  'server.path': "a path in 'server.address' such as 'tcp://:9091/authelia'",
  'access_control.rules[].path': "'resources' (a list of regexes such as '^/admin([/?].*)?$')",
  'access_control.rules[].users': "'subject' (e.g. 'user:john')",
  'access_control.rules[].groups': "'subject' (e.g. 'group:admins')",
  'access_control.rules[].domains': "'domain'",
  'access_control.rules[].method': "'methods'",
  'access_control.rules[].network': "'networks'",
  'access_control.rules[].resource': "'resources'",
  'access_control.rules[].subjects': "'subject'",
};

/** Paths with list indexes replaced by `[]`, as upstream names keys. */
export function genericPath(path: string): string {
  return path.replace(/\[\d+\]/g, '[]');
}

/** Edit distance counting a swap of neighbouring letters as one edit (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => (d[i] as number[])[j] as number;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = v;
    }
  }
  return at(a.length, b.length);
}

function suggest(key: string, generic: string, siblings: readonly string[], parent: string): string {
  const curated = HINTS[generic];
  if (curated) return ` (did you mean ${curated}?)`;
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const s of siblings) {
    const d = editDistance(key.toLowerCase(), s);
    if (d < bestD) {
      bestD = d;
      best = s;
    }
  }
  // A third of the key's length (at least 1, at most 3) keeps hints useful without guessing wildly.
  const limit = Math.min(3, Math.max(1, Math.floor(key.length / 3)));
  if (best === undefined || bestD > limit) return '';
  return ` (did you mean '${joinPath(parent, best)}'?)`;
}

type YamlKind = 'list' | 'map' | 'string' | 'int' | 'float' | 'bool' | 'null';

function kindOf(v: unknown): YamlKind {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'map';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'boolean') return 'bool';
  return 'string';
}

function preview(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Go's strconv.ParseBool, which Authelia's decoder uses for strings. */
function parseGoBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return undefined;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class ShapeChecker {
  constructor(
    private readonly sink: IssueSink,
    private readonly tolerated: ReadonlySet<string>,
  ) {}

  private typeError(path: string, want: string, v: unknown): undefined {
    this.sink.error(
      path,
      `configuration key '${path}' expected type '${want}', got unconvertible type '${kindOf(v)}', value: '${preview(v)}'`,
    );
    return undefined;
  }

  walk(v: unknown, spec: Spec, path: string): unknown {
    if (v === null || v === undefined) return undefined;
    switch (spec.kind) {
      case 'any':
        return v;
      case 'string':
        if (typeof v === 'string') return v;
        if (typeof v === 'number' || typeof v === 'boolean') return String(v);
        return this.typeError(path, 'string', v);
      case 'bool': {
        if (typeof v === 'boolean') return v;
        if (typeof v === 'number') return v !== 0;
        const b = typeof v === 'string' ? parseGoBool(v) : undefined;
        return b ?? this.typeError(path, 'bool', v);
      }
      case 'int':
        if (typeof v === 'number' && Number.isInteger(v)) return v;
        if (typeof v === 'string' && /^[+-]?\d+$/.test(v.trim())) return Number(v.trim());
        if (typeof v === 'boolean') return v ? 1 : 0;
        return this.typeError(path, 'int', v);
      case 'refresh':
        if (v === 'always' || v === 'disable') return v;
        return this.duration(v, path);
      case 'duration':
        return this.duration(v, path);
      case 'list':
        return this.list(v, spec, path);
      case 'subjects':
        return this.subjects(v, path);
      case 'map': {
        if (!isPlainObject(v)) return this.typeError(path, 'map', v);
        const out: Record<string, unknown> = {};
        for (const [k, child] of Object.entries(v)) {
          const c = this.walk(child, spec.of, joinPath(path, k));
          if (c !== undefined) out[k] = c;
        }
        return out;
      }
      case 'object':
        return this.object(v, spec, path);
    }
  }

  private duration(v: unknown, path: string): number | undefined {
    if (typeof v !== 'string' && typeof v !== 'number') return this.typeError(path, 'time.Duration', v);
    const r = parseDurationDetailed(v);
    if (r.ok) return r.ms;
    this.sink.error(
      path,
      `configuration key '${path}' could not decode '${v}' to a time.Duration: ${r.error}`,
    );
    return undefined;
  }

  private list(v: unknown, spec: Extract<Spec, { kind: 'list' }>, path: string): unknown[] | undefined {
    let items: unknown[];
    if (Array.isArray(v)) items = v;
    else if (typeof v === 'string' && spec.split) items = v === '' ? [] : v.split(',');
    else {
      if (typeof v === 'string' && v.includes(',') && spec.of.kind === 'string') {
        this.sink.warn(
          path,
          `configuration key '${path}' is a single string containing ',': Authelia would split it into several values ` +
            'but Portcullis keeps it as one regex; write it as a YAML list to mean the same thing to both',
        );
      }
      items = [v];
    }
    const out: unknown[] = [];
    items.forEach((item, i) => {
      const c = this.walk(item, spec.of, Array.isArray(v) ? joinPath(path, i) : path);
      if (c !== undefined) out.push(c);
    });
    return out;
  }

  /** string → OR of single subjects; list item string → one AND group (split on ','); list item list → AND group. */
  private subjects(v: unknown, path: string): string[][] | undefined {
    const asString = (x: unknown, p: string): string | undefined =>
      typeof x === 'string'
        ? x
        : typeof x === 'number' || typeof x === 'boolean'
          ? String(x)
          : this.typeError(p, 'string', x);
    if (!Array.isArray(v)) {
      const s = asString(v, path);
      return s === undefined ? undefined : s.split(',').map((x) => [x]);
    }
    const out: string[][] = [];
    v.forEach((item, i) => {
      const p = joinPath(path, i);
      if (Array.isArray(item)) {
        const group = item
          .map((x, j) => asString(x, joinPath(p, j)))
          .filter((x): x is string => x !== undefined);
        out.push(group);
      } else {
        const s = asString(item, p);
        if (s !== undefined) out.push(s.split(','));
      }
    });
    return out;
  }

  private object(v: unknown, spec: ObjectSpec, path: string): Record<string, unknown> | undefined {
    if (!isPlainObject(v)) return this.typeError(path, 'map', v);
    const out: Record<string, unknown> = {};
    for (const [k, child] of Object.entries(v)) {
      const fieldSpec = spec.fields[k];
      const p = joinPath(path, k);
      if (fieldSpec) {
        const c = this.walk(child, fieldSpec, p);
        if (c !== undefined) out[k] = c;
        continue;
      }
      this.unknown(k, p, path, spec);
    }
    return out;
  }

  private unknown(key: string, path: string, parent: string, spec: ObjectSpec): void {
    const generic = genericPath(path);
    if (this.tolerated.has(generic)) return;
    const replaced = REPLACED_KEYS[generic];
    if (replaced) {
      this.sink.error(path, `invalid configuration key '${path}' was replaced by '${replaced}'`);
      return;
    }
    const specific = SPECIFIC_KEYS[generic];
    if (specific) {
      this.sink.error(path, specific);
      return;
    }
    const hint = suggest(key, generic, Object.keys(spec.fields), parent);
    this.sink.error(path, `configuration key not expected: ${path}${hint}`);
  }
}

/** Returns the value with unknown keys dropped and scalars coerced; every problem goes to the sink. */
export function checkShape(
  value: Record<string, unknown>,
  spec: ObjectSpec,
  sink: IssueSink,
  tolerated: ReadonlySet<string> = new Set(),
): Record<string, unknown> {
  return new ShapeChecker(sink, tolerated).walk(value, spec, '') as Record<string, unknown>;
}
