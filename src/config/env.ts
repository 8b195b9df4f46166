/**
 * Environment overlay: `AUTHELIA_<PATH>` / `PORTCULLIS_<PATH>` set a key, `<...>_FILE` loads a secret from a file.
 * Names are resolved against the schema's key paths, so underscores inside key names are not ambiguous.
 */
import { readFileSync } from 'node:fs';
import { DEPRECATIONS, MULTI_KEY_DEPRECATED_KEYS } from './deprecations.js';
import { joinPath } from './locate.js';
import type { ObjectSpec, Spec } from './schema/spec.js';
import type { IssueSink } from './sink.js';
import { dropPositions, getAt, setAt, type Tree } from './tree.js';

export const ENV_PREFIXES = ['AUTHELIA_', 'PORTCULLIS_'] as const;

type Settable = 'value' | 'object-list';

function collect(spec: Spec, path: string, out: Map<string, Settable>): void {
  switch (spec.kind) {
    case 'object':
      for (const [k, child] of Object.entries(spec.fields)) collect(child, joinPath(path, k), out);
      return;
    case 'list': {
      const nested = spec.of.kind === 'object' || spec.of.kind === 'list' || spec.of.kind === 'map';
      out.set(path, nested ? 'object-list' : 'value');
      return;
    }
    case 'subjects':
      out.set(path, 'object-list');
      return;
    case 'map':
    case 'any':
      // Free-form names cannot be spelled as one variable name; upstream cannot set them either.
      return;
    default:
      out.set(path, 'value');
  }
}

/** Every key an environment variable may set (plus deprecated ones, remapped later like file keys). */
export function settableKeys(spec: ObjectSpec): Map<string, Settable> {
  const out = new Map<string, Settable>();
  collect(spec, '', out);
  for (const dep of DEPRECATIONS) if (dep.autoMap && !dep.key.includes('[]')) out.set(dep.key, 'value');
  for (const k of MULTI_KEY_DEPRECATED_KEYS) out.set(k, 'value');
  return out;
}

/** Upstream's rule for which keys take a `_FILE` secret (configuration/const.go secretSuffix and exclusions). */
export function isSecretKey(path: string): boolean {
  if (path.includes('[]') || path.includes('.*.')) return false;
  if (['server.tls.key', 'authentication_backend.disable_reset_password', 'tls_key'].includes(path))
    return false;
  if (path.startsWith('identity_providers.oidc.lifespans.')) return false;
  return ['key', 'secret', 'password', 'token', 'certificate_chain'].some((s) => path.endsWith(s));
}

export const envNameFor = (prefix: string, path: string): string =>
  prefix + path.toUpperCase().replaceAll('.', '_');

interface Assignment {
  readonly name: string;
  readonly path: string;
  readonly file: boolean;
  readonly value: string;
}

function readSecret(a: Assignment, sink: IssueSink): string | undefined {
  try {
    // Upstream trims trailing newlines only (editors and `echo` add them), never other whitespace.
    return readFileSync(a.value, 'utf8').replace(/\n+$/, '');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const what =
      err.code === 'ENOENT'
        ? 'file does not exist error occurred: '
        : err.code === 'EACCES' || err.code === 'EPERM'
          ? 'file permission error occurred: '
          : '';
    sink.add({
      path: a.path,
      severity: 'error',
      message: `secrets: error loading secret path ${a.value} into key '${a.path}' (environment variable ${a.name}): ${what}${err.message}`,
    });
    return undefined;
  }
}

/** Applies the environment to the merged file tree. Empty variables are ignored (compose files often declare them blank). */
export function applyEnv(tree: Tree, env: NodeJS.ProcessEnv, spec: ObjectSpec, sink: IssueSink): void {
  const keys = settableKeys(spec);
  const byName = new Map<string, { path: string; settable: Settable; file: boolean }>();
  for (const prefix of ENV_PREFIXES) {
    // Current keys come first and keep their name when a deprecated key spells the same (LOG_LEVEL: log.level, not log_level).
    for (const [path, settable] of keys) {
      const name = envNameFor(prefix, path);
      if (!byName.has(name)) byName.set(name, { path, settable, file: false });
      if (settable === 'value' && isSecretKey(path) && !byName.has(`${name}_FILE`)) {
        byName.set(`${name}_FILE`, { path, settable, file: true });
      }
    }
  }

  const byPath = new Map<string, Assignment[]>();
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (!ENV_PREFIXES.some((p) => name.startsWith(p)) || value === undefined || value === '') continue;
    const hit = byName.get(name);
    if (!hit) {
      sink.add({
        path: '',
        severity: 'warning',
        message: `configuration environment variable not expected: ${name}`,
      });
      continue;
    }
    if (hit.settable === 'object-list') {
      sink.add({
        path: hit.path,
        severity: 'error',
        message: `environment variable ${name}: option '${hit.path}' is a list of objects and can only be configured in a configuration file`,
      });
      continue;
    }
    const list = byPath.get(hit.path) ?? [];
    list.push({ name, path: hit.path, file: hit.file, value });
    byPath.set(hit.path, list);
  }

  for (const [path, assignments] of byPath) {
    if (assignments.length > 1) {
      sink.add({
        path,
        severity: 'error',
        message: `environment variables ${assignments.map((a) => a.name).join(' and ')} each set the key '${path}': set it only one way`,
      });
      continue;
    }
    const a = assignments[0] as Assignment;
    let value: string | undefined = a.value;
    if (a.file) {
      const existing = getAt(tree, path);
      if (typeof existing === 'string' && existing !== '') {
        sink.add({
          path,
          severity: 'error',
          message: `secrets: error loading secret into key '${path}': it's already defined in other configuration sources (environment variable ${a.name})`,
        });
        continue;
      }
      value = readSecret(a, sink);
      if (value === undefined) continue;
    }
    setAt(tree, path, value);
    dropPositions(sink.positions, path);
    sink.envOrigins.set(path, a.name);
  }
}
