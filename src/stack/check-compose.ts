/** Container hardening, network segmentation and secret-handling checks over merged compose projects. */
import type { Sink } from './findings.js';
import { isPlaceholder } from './secrets.js';
import type { ComposeProject, ComposeService, ReachEdge, Where } from './types.js';

const SECRET_KEY = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ENCRYPTION_?KEY|_KEY$)/i;
const SENSITIVE_MOUNTS = [
  '/',
  '/etc',
  '/var/run',
  '/run',
  '/root',
  '/proc',
  '/sys',
  '/boot',
  '/dev',
  '/var/lib/docker',
  '/home',
];

const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)];

function envEntries(s: ComposeService): { key: string; value: string; path: string }[] {
  const env = s.def['environment'];
  if (Array.isArray(env)) {
    return env.flatMap((e, i) => {
      const str = String(e);
      const eq = str.indexOf('=');
      return eq > 0 ? [{ key: str.slice(0, eq), value: str.slice(eq + 1), path: `environment[${i}]` }] : [];
    });
  }
  if (env && typeof env === 'object') {
    return Object.entries(env).flatMap(([key, v]) =>
      v === null || v === undefined ? [] : [{ key, value: String(v), path: `environment.${key}` }],
    );
  }
  return [];
}

/** Secrets passed on a command line (`redis-server --requirepass x`). */
function commandSecrets(s: ComposeService): { key: string; value: string }[] {
  const cmd = Array.isArray(s.def['command'])
    ? s.def['command'].map(String)
    : String(s.def['command'] ?? '').split(/\s+/);
  const out: { key: string; value: string }[] = [];
  cmd.forEach((w, i) => {
    if (/^--?(requirepass|password|pass|secret|token)$/i.test(w) && cmd[i + 1])
      out.push({ key: w, value: cmd[i + 1] as string });
  });
  return out;
}

export function checkContainers(p: ComposeProject, sink: Sink): void {
  for (const s of p.services) {
    const d = s.def;
    if (!list(d['cap_drop']).some((c) => c.toUpperCase() === 'ALL')) {
      sink.add(
        'container.cap-drop-missing',
        'medium',
        s.at('cap_drop'),
        s.name,
        'cap_drop: [ALL] is missing',
        "the container keeps Docker's default capabilities (chown, net_raw, setuid…), which an attacker inside can use",
        'add `cap_drop: [ALL]` and `cap_add:` back only what the image needs (e.g. NET_BIND_SERVICE)',
      );
    }
    if (!list(d['security_opt']).some((o) => /^no-new-privileges(?:[:=]true)?$/i.test(o.trim()))) {
      sink.add(
        'container.no-new-privileges-missing',
        'medium',
        s.at('security_opt'),
        s.name,
        'security_opt no-new-privileges:true is missing',
        'a process in the container can gain privileges through setuid binaries',
        'add `security_opt: ["no-new-privileges:true"]`',
      );
    }
    if (d['privileged'] === true || d['privileged'] === 'true') {
      sink.add(
        'container.privileged',
        'critical',
        s.at('privileged'),
        s.name,
        'privileged: true',
        'a privileged container has every capability and all host devices: escaping to the host is trivial',
        'remove `privileged: true`; grant the specific device (`devices:`) or capability (`cap_add:`) instead',
      );
    }
    if (d['network_mode'] === 'host') {
      sink.add(
        'container.network-mode-host',
        'high',
        s.at('network_mode'),
        s.name,
        'network_mode: host',
        'the container shares the host network stack: every port it opens is on the host and no network isolation applies',
        'remove network_mode: host; attach it to a named network and publish only the ports it needs',
      );
    }
    const vols = Array.isArray(d['volumes']) ? d['volumes'] : [];
    vols.forEach((v, i) => {
      const m = mount(v);
      if (!m) return;
      const at = s.at(`volumes[${i}]`);
      if (/^\/(var\/)?run\/docker\.sock$/.test(m.source)) {
        sink.add(
          'container.docker-socket',
          'critical',
          at,
          s.name,
          `the Docker socket is mounted (${m.source})`,
          'whoever controls this container controls Docker, and so root on the host — read-only does not help',
          'remove the mount; if the service really needs the API, put a filtering socket proxy (e.g. tecnativa/docker-socket-proxy) in between',
        );
      } else if (SENSITIVE_MOUNTS.includes(m.source.replace(/\/+$/, '') || '/') && !m.readOnly) {
        sink.add(
          'container.host-path-rw',
          'high',
          at,
          s.name,
          `host path ${m.source} is mounted read-write`,
          'a compromised container can rewrite host system files',
          `mount only the sub-path it needs, read-only: \`${m.source}:${m.target}:ro\``,
        );
      }
    });
    const image = s.image;
    if (image && !image.includes('@')) {
      const tag = /:([^/:]+)$/.exec(image)?.[1];
      if (tag === undefined || tag === 'latest') {
        sink.add(
          'container.image-latest',
          'low',
          s.at('image'),
          s.name,
          `image ${image} is ${tag ? 'on latest' : 'untagged'}`,
          'the running version changes under you on every pull, so you cannot tell what is deployed or roll back',
          `pin a version (e.g. ${image.replace(/:latest$/, '')}:<version>), or a digest`,
        );
      }
    }
    if (d['read_only'] !== true && d['read_only'] !== 'true') {
      sink.add(
        'container.read-only-missing',
        'info',
        s.at('read_only'),
        s.name,
        'root filesystem is writable',
        'a writable root filesystem lets an intruder drop tools and persist inside the container',
        'try `read_only: true` with `tmpfs:` for the paths it writes (e.g. /tmp)',
      );
    }
  }
}

function mount(v: unknown): { source: string; target: string; readOnly: boolean } | undefined {
  if (typeof v === 'string') {
    const [source, target, mode] = v.split(':');
    if (!source || !target || !source.startsWith('/')) return undefined;
    return { source, target, readOnly: (mode ?? '').split(',').includes('ro') };
  }
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (o['type'] !== 'bind' || typeof o['source'] !== 'string') return undefined;
    return { source: o['source'], target: String(o['target'] ?? ''), readOnly: o['read_only'] === true };
  }
  return undefined;
}

/** Which services can reach which: two services reach each other when they share a network. */
export function reachability(p: ComposeProject): ReachEdge[] {
  const edges: ReachEdge[] = [];
  const nets = (s: ComposeService) =>
    s.def['network_mode'] ? [] : s.networks.length ? s.networks : ['default'];
  p.services.forEach((a, i) => {
    for (const b of p.services.slice(i + 1)) {
      const via = nets(a).filter((n) => nets(b).includes(n));
      if (via.length) edges.push({ from: a.name, to: b.name, via });
    }
  });
  return edges;
}

/** A service "needs" another when it names it: depends_on, links, or its host name in the environment. */
function needs(a: ComposeService, b: ComposeService): boolean {
  const dep = a.def['depends_on'];
  const deps = Array.isArray(dep) ? dep.map(String) : dep && typeof dep === 'object' ? Object.keys(dep) : [];
  if (deps.includes(b.name) || list(a.def['links']).some((l) => l.split(':')[0] === b.name)) return true;
  const names = [b.name, String(b.def['container_name'] ?? b.name)];
  return envEntries(a).some((e) =>
    names.some((n) => e.value === n || e.value.includes(`${n}:`) || e.value.includes(`//${n}`)),
  );
}

const internetFacing = (s: ComposeService) => s.kind === 'proxy' || s.ports.some((p) => p.allInterfaces);

export function checkSegmentation(p: ComposeProject, sink: Sink): void {
  for (const s of p.services) {
    if (s.kind === 'app' || s.kind === 'proxy') continue;
    for (const port of s.ports.filter((x) => x.allInterfaces)) {
      const db = s.kind === 'database';
      sink.add(
        'segmentation.sensitive-port-published',
        db ? 'high' : 'medium',
        port.at,
        s.name,
        `${db ? 'database/cache' : 'auth'} service publishes port ${port.published ?? '(random)'}:${port.target} on all interfaces`,
        db
          ? 'anyone who can reach the host talks to the database directly, past every proxy and login'
          : 'the auth service is reachable around the reverse proxy (no TLS, no proxy rate limits or logs)',
        `remove the ports: entry (services on the same network reach it by name), or bind to loopback: "127.0.0.1:${port.published ?? port.target}:${port.target}"`,
      );
    }
  }
  const onDefault = p.services.filter((s) => !s.def['network_mode'] && s.networks.length === 0);
  if (onDefault.length >= 2) {
    for (const s of onDefault) {
      sink.add(
        'segmentation.default-network',
        'low',
        s.at(),
        s.name,
        'service is on the project default network',
        `every service without networks: shares one flat network (${onDefault.map((x) => x.name).join(', ')}), so any of them can reach the others`,
        'declare one network per trust zone (e.g. proxy, app, db) and list them under networks: for each service',
      );
    }
  }
  for (const db of p.services.filter((s) => s.kind === 'database')) {
    for (const edge of reachability(p)) {
      const otherName = edge.from === db.name ? edge.to : edge.to === db.name ? edge.from : undefined;
      const other = p.services.find((x) => x.name === otherName);
      if (!other || !internetFacing(other) || needs(other, db)) continue;
      sink.add(
        'segmentation.db-shares-internet-network',
        'medium',
        db.at('networks'),
        db.name,
        `database shares network ${edge.via.join(', ')} with internet-facing ${other.name}, which does not use it`,
        `if ${other.name} is compromised it can attack ${db.name} directly`,
        `put ${db.name} on a separate internal network shared only with the services that use it (\`internal: true\`)`,
      );
    }
  }
}

export function checkSecrets(projects: readonly ComposeProject[], sink: Sink): void {
  const seen = new Map<string, { s: ComposeService; key: string; at: Where }[]>();
  for (const p of projects) {
    for (const s of p.services) {
      const rawCommand = JSON.stringify(s.raw['command'] ?? '');
      const entries = [
        ...envEntries(s).map((e) => ({
          ...e,
          at: s.at(e.path),
          fromVar: rawIsVariable(s, e.key),
        })),
        ...commandSecrets(s).map((e) => ({
          ...e,
          at: s.at('command'),
          fromVar: /\$\{?[A-Za-z_]/.test(rawCommand),
        })),
      ];
      for (const e of entries) {
        if (/\$\([^)]*\)/.test(e.value) || /`[^`]+`/.test(e.value)) {
          sink.add(
            'secrets.shell-substitution',
            'high',
            e.at,
            s.name,
            `${e.key} is the literal text ${e.value}`,
            'compose never runs shell commands: the value is that string, identical for everyone who copied it',
            `generate the value once (openssl rand -hex 32), store it in .env or a secret file, and reference it as \${${e.key}} or ${e.key}_FILE`,
          );
          continue;
        }
        const secretish = SECRET_KEY.test(e.key) || e.key.startsWith('--');
        if (!secretish || e.value === '' || e.key.endsWith('_FILE')) continue;
        if (isPlaceholder(e.value)) {
          sink.add(
            'secrets.placeholder',
            'high',
            e.at,
            s.name,
            `${e.key} is a placeholder value (${e.value})`,
            'placeholder secrets from tutorials are the first thing anyone tries',
            'replace it with a random value (openssl rand -hex 32) kept in .env or a Docker secret',
          );
        } else if (!e.fromVar) {
          sink.add(
            'secrets.inline-env',
            'high',
            e.at,
            s.name,
            `${e.key} is written inline in the compose file`,
            'the secret ends up in version control, backups and `docker inspect` output',
            e.key.startsWith('-')
              ? `put the value in .env (e.g. SECRET_${s.name.toUpperCase().replace(/\W/g, '_')}=…) and write ${e.key} \${SECRET_${s.name.toUpperCase().replace(/\W/g, '_')}}`
              : `move it to a Docker secret and use ${e.key}_FILE=/run/secrets/…, or to .env referenced as \${${e.key}}`,
          );
        }
        const users = seen.get(e.value) ?? [];
        users.push({ s, key: e.key, at: e.at });
        seen.set(e.value, users);
      }
    }
  }
  for (const users of seen.values()) {
    const distinct = [...new Map(users.map((u) => [u.s.name, u])).values()];
    // An app and the database it uses must share that database's password: that is not reuse.
    const unrelated = distinct.filter(
      (u) => !distinct.some((o) => o !== u && (needs(u.s, o.s) || needs(o.s, u.s))),
    );
    if (unrelated.length < 2) continue;
    for (const u of unrelated.slice(1)) {
      sink.add(
        'secrets.reused',
        'medium',
        u.at,
        u.s.name,
        `${u.key} has the same value as ${unrelated[0]?.key} in ${unrelated[0]?.s.name}`,
        'one leaked secret unlocks every service that reuses it',
        'give each service its own random secret',
      );
    }
  }
}

/** A value that came from `${VAR}` is already kept out of the file. */
function rawIsVariable(s: ComposeService, key: string): boolean {
  const env = s.raw['environment'];
  const raw = Array.isArray(env)
    ? env.map(String).find((e) => e.startsWith(`${key}=`))
    : env && typeof env === 'object'
      ? String((env as Record<string, unknown>)[key] ?? '')
      : undefined;
  return raw !== undefined && /\$\{?[A-Za-z_]/.test(raw);
}
