/**
 * Reads docker-compose files the way `docker compose config` would, for auditing: YAML with positions, `${VAR}`
 * interpolation from the `.env` beside the file, several files in one directory merged in order, and `extends`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { type LocatedYaml, locateYaml, positionFor, type SourcePos } from '../config/index.js';
import type { Sink } from './findings.js';
import type { ComposeProject, ComposeService, PortBinding, Where } from './types.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses a `.env` file: KEY=VALUE lines, `#` comments, optional quotes. */
export function parseDotEnv(text: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m?.[1]) continue;
    let v = m[2] ?? '';
    const q = v[0];
    if ((q === '"' || q === "'") && v.endsWith(q) && v.length >= 2) v = v.slice(1, -1);
    else v = v.replace(/\s+#.*$/, '');
    env.set(m[1], v);
  }
  return env;
}

/**
 * Compose interpolation: `$$` escapes, `${VAR}`, `$VAR`, `${VAR:-d}`/`${VAR-d}` defaults, `${VAR:+r}`/`${VAR+r}`
 * alternatives, `${VAR:?e}`/`${VAR?e}`. Anything else after `$` (such as `$(openssl …)`) is kept literally, as the
 * compose specification says; nested `${A:-${B}}` is not supported.
 */
export function interpolate(
  text: string,
  env: ReadonlyMap<string, string>,
  unset: (name: string) => void,
): string {
  return text.replace(
    /\$(\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (whole, _inner, braced?: string, op?: string, arg?: string, bare?: string) => {
      if (whole === '$$') return '$';
      const name = braced ?? bare ?? '';
      const v = env.get(name);
      const empty = v === undefined || (op?.startsWith(':') === true && v === '');
      if (op?.endsWith('-')) return empty ? (arg ?? '') : (v ?? '');
      if (op?.endsWith('+')) return empty ? '' : (arg ?? '');
      if (v === undefined) unset(name);
      return v ?? '';
    },
  );
}

function mapStrings(v: unknown, f: (s: string) => string): unknown {
  if (typeof v === 'string') return f(v);
  if (Array.isArray(v)) return v.map((x) => mapStrings(x, f));
  if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mapStrings(x, f)]));
  return v;
}

/** Compose merge rules, simplified: maps merge, lists append, scalars from the later file win. */
function merge(a: unknown, b: unknown): unknown {
  if (isObj(a) && isObj(b)) {
    const out: Obj = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = k in out ? merge(out[k], v) : v;
    return out;
  }
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b.filter((x) => !a.includes(x))];
  return b;
}

const DB =
  /(^|[/_-])(postgres|postgis|mysql|mariadb|mongo|redis|valkey|keydb|memcached|couchdb|influxdb|clickhouse|elasticsearch|opensearch|cassandra)([:_-]|$)/i;
const AUTH = /(^|[/_-])(authelia|portcullis|authentik|keycloak|lldap|openldap|zitadel|dex)([:_-]|$)/i;
const PROXY = /(^|[/_-])(caddy|nginx|traefik|haproxy|nginx-proxy-manager|swag|envoy)([:_-]|$)/i;

export function classify(image: string | undefined, name: string): ComposeService['kind'] {
  const s = `${image ?? ''} ${name}`;
  for (const part of s.split(/\s+/)) {
    if (DB.test(part)) return 'database';
    if (AUTH.test(part)) return 'auth';
    if (PROXY.test(part)) return 'proxy';
  }
  return 'app';
}

/** Parses the short (`[ip:]host:container[/proto]`) and long port syntaxes. */
export function parsePort(p: unknown, at: Where): PortBinding | undefined {
  if (isObj(p)) {
    const hostIp = p['host_ip'] === undefined ? undefined : String(p['host_ip']);
    const published = p['published'] === undefined ? undefined : String(p['published']);
    return { hostIp, published, target: String(p['target'] ?? ''), allInterfaces: isAll(hostIp), at };
  }
  if (typeof p !== 'string' && typeof p !== 'number') return undefined;
  const s = String(p).replace(/\/(tcp|udp|sctp)$/, '');
  // An IPv6 host ip is bracketed: [::1]:80:80.
  const v6 = /^\[([^\]]+)\]:(.*)$/.exec(s);
  const parts = v6 ? [v6[1] ?? '', ...(v6[2] ?? '').split(':')] : s.split(':');
  let hostIp: string | undefined;
  let published: string | undefined;
  let target: string;
  if (parts.length >= 3) [hostIp, published, target] = [parts[0], parts[1], parts.slice(2).join(':')];
  else if (parts.length === 2) [published, target] = [parts[0], parts[1] ?? ''];
  else target = parts[0] ?? '';
  return {
    hostIp: hostIp || undefined,
    published: published || undefined,
    target,
    allInterfaces: isAll(hostIp),
    at,
  };
}

function isAll(ip: string | undefined): boolean {
  return ip === undefined || ip === '' || ip === '0.0.0.0' || ip === '::' || ip === '[::]';
}

interface Source {
  file: string;
  located: LocatedYaml;
  /** Key path of the service in that file. */
  path: string;
}

/** Reads each compose file of one directory (in the order given) into one project; problems become findings. */
export function readComposeProject(files: readonly string[], sink: Sink): ComposeProject | undefined {
  const dir = dirname(resolve(files[0] ?? '.'));
  const envFile = join(dir, '.env');
  const env = existsSync(envFile) ? parseDotEnv(readFileSync(envFile, 'utf8')) : new Map<string, string>();
  const docs: { file: string; value: Obj; located: LocatedYaml }[] = [];
  for (const file of files) {
    const d = loadYaml(file, sink);
    if (d && isObj(d.value)) docs.push({ file, value: d.value, located: d });
  }
  if (docs.length === 0) return undefined;
  const merged = new Map<string, { def: Obj; raw: Obj; sources: Source[] }>();
  for (const { file, value, located } of docs) {
    const services = isObj(value['services']) ? value['services'] : {};
    for (const [name, raw] of Object.entries(services)) {
      if (!isObj(raw)) continue;
      const reported = new Set<string>();
      const unset = (v: string) => {
        if (reported.has(v)) return;
        reported.add(v);
        const at = whereOf(located, `services.${name}`, file);
        sink.add(
          'compose.unset-variable',
          'medium',
          at,
          name,
          `\${${v}} is not set in ${basename(envFile)} and has no default`,
          'compose substitutes an empty string, so the service starts with an empty value (often an empty password)',
          `set ${v} in ${envFile}, or give a default with \${${v}:-…} if an empty value is really fine`,
        );
      };
      let def = mapStrings(raw, (s) => interpolate(s, env, unset)) as Obj;
      const sources: Source[] = [];
      if (isObj(def['extends'])) {
        const base = resolveExtends(def['extends'], file, services, sink, name, located);
        if (base) {
          sources.push(base.source);
          const { extends: _drop, ...rest } = def;
          def = merge(base.def, rest) as Obj;
        }
      }
      sources.push({ file, located, path: `services.${name}` });
      const prev = merged.get(name);
      merged.set(
        name,
        prev
          ? {
              def: merge(prev.def, def) as Obj,
              raw: merge(prev.raw, raw) as Obj,
              sources: [...prev.sources, ...sources],
            }
          : { def, raw, sources },
      );
    }
  }
  const project = basename(dir);
  const services: ComposeService[] = [...merged].map(([name, { def, raw, sources }]) => {
    const at = (key?: string): Where => {
      for (let i = sources.length - 1; i >= 0; i--) {
        const s = sources[i];
        if (!s) continue;
        const p = key ? s.located.positions.get(`${s.path}.${key}`) : undefined;
        if (p) return { file: s.file, line: p.line };
      }
      const first = sources[sources.length - 1] as Source;
      return whereOf(first.located, first.path, first.file);
    };
    const image = typeof def['image'] === 'string' ? def['image'] : undefined;
    const nets = def['networks'];
    const networks = Array.isArray(nets) ? nets.map(String) : isObj(nets) ? Object.keys(nets) : [];
    const portList = Array.isArray(def['ports']) ? def['ports'] : [];
    const ports = portList.flatMap((p, i) => {
      const b = parsePort(p, portAt(sources, i) ?? at('ports'));
      return b ? [b] : [];
    });
    return { name, project, image, kind: classify(image, name), def, raw, networks, ports, at };
  });
  return { name: project, dir, files, services };
}

function portAt(sources: readonly Source[], i: number): Where | undefined {
  for (const s of sources) {
    const p = s.located.positions.get(`${s.path}.ports[${i}]`);
    if (p) return { file: s.file, line: p.line };
  }
  return undefined;
}

function whereOf(located: LocatedYaml, path: string, file: string): Where {
  const p: SourcePos | undefined = positionFor(located.positions, path);
  return { file, line: p?.line ?? 1 };
}

const wrap = (y: LocatedYaml | undefined) => (y ? { value: y.value, located: y } : undefined);

function resolveExtends(
  ext: Obj,
  file: string,
  sameFile: Obj,
  sink: Sink,
  name: string,
  located: LocatedYaml,
): { def: Obj; source: Source } | undefined {
  const service = String(ext['service'] ?? '');
  const target = typeof ext['file'] === 'string' ? resolve(dirname(file), ext['file']) : file;
  const other: { value: unknown; located: LocatedYaml } | undefined =
    target === file ? { value: { services: sameFile }, located } : wrap(loadYaml(target, sink));
  const services =
    other && isObj(other.value) && isObj(other.value['services']) ? other.value['services'] : {};
  const base = services[service];
  if (!other || !isObj(base)) {
    sink.add(
      'compose.extends-missing',
      'medium',
      whereOf(located, `services.${name}.extends`, file),
      name,
      `extends service '${service}' was not found in ${target}`,
      'the service is audited without its base definition, so its real settings are unknown',
      'point extends.file / extends.service at an existing service',
    );
    return undefined;
  }
  return { def: base, source: { file: target, located: other.located, path: `services.${service}` } };
}

/** Reads and parses one YAML file; unreadable or invalid files become a finding instead of an exception. */
export function loadYaml(file: string, sink: Sink): LocatedYaml | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    sink.add(
      'stack.unreadable',
      'medium',
      { file, line: 1 },
      basename(file),
      `cannot read file: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
      'a file that cannot be read cannot be audited',
      'check the path and permissions',
    );
    return undefined;
  }
  const located = locateYaml(text, file);
  const first = located.issues[0];
  if (first) {
    sink.add(
      'stack.unparsable',
      'medium',
      { file, line: first.source?.line ?? 1 },
      basename(file),
      first.message,
      'a file that does not parse is rejected by the tool that reads it, and cannot be audited',
      'fix the syntax (indentation is the usual culprit in YAML)',
    );
    return undefined;
  }
  return located;
}
