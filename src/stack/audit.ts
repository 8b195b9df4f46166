/** Finds the stack's files under the given paths, reads each with the right reader, and runs every check. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { readCaddyfile } from './caddy.js';
import {
  checkGatewayConfig,
  checkUsersFile,
  looksLikeGatewayConfig,
  looksLikeUsersFile,
} from './check-access.js';
import { checkContainers, checkSecrets, checkSegmentation, reachability } from './check-compose.js';
import { checkCaddy, checkNginx } from './check-proxy.js';
import { loadYaml, readComposeProject } from './compose.js';
import { newSink } from './findings.js';
import { readNginx } from './nginx.js';
import { type ComposeProject, type Finding, type ReachEdge, type Route, severityRank } from './types.js';

export interface StackAudit {
  readonly files: readonly string[];
  readonly projects: readonly ComposeProject[];
  readonly routes: readonly Route[];
  readonly reachability: readonly ReachEdge[];
  /** Worst first, then by file and line. */
  readonly findings: readonly Finding[];
}

const MAX_BYTES = 5 * 1024 * 1024;
const SKIP_DIRS = new Set(['node_modules', '.git', 'data', 'cache']);

type Kind = 'yaml' | 'caddy' | 'nginx';

function kindOf(file: string): Kind | undefined {
  const b = basename(file).toLowerCase();
  if (/\.ya?ml$/.test(b)) return 'yaml';
  if (b.startsWith('caddyfile') || b.endsWith('.caddy') || b.endsWith('.caddyfile')) return 'caddy';
  if (b.endsWith('.conf') && !b.startsWith('.')) return 'nginx';
  return undefined;
}

function collect(path: string, out: string[], explicit: boolean, depth: number): void {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch {
    out.push(path); // reported as unreadable
    return;
  }
  if (st.isDirectory()) {
    if (depth > 6) return;
    for (const name of readdirSync(path).sort()) {
      if (SKIP_DIRS.has(name) || name.startsWith('.')) continue;
      collect(join(path, name), out, false, depth + 1);
    }
  } else if (explicit || kindOf(path)) out.push(path);
}

/** Compose files of one directory in the order compose applies them: the base file first, overrides after. */
function composeOrder(a: string, b: string): number {
  const rank = (f: string) =>
    /^(docker-)?compose\.ya?ml$/.test(basename(f)) ? 0 : /override/.test(basename(f)) ? 2 : 1;
  return rank(a) - rank(b) || a.localeCompare(b);
}

export function auditStack(paths: readonly string[]): StackAudit {
  const sink = newSink();
  const files: string[] = [];
  for (const p of paths.length ? paths : ['.']) collect(p, files, true, 0);
  const composeByDir = new Map<string, string[]>();
  const routes: Route[] = [];
  // nginx files pulled in by another file's include are audited there, not again on their own: main files go first.
  const included = new Set<string>();
  const ordered = [...files].sort(
    (a, b) => Number(basename(b) === 'nginx.conf') - Number(basename(a) === 'nginx.conf'),
  );
  for (const f of ordered) {
    let size = 0;
    try {
      size = statSync(f).size;
    } catch {
      loadYaml(f, sink); // records the unreadable file
      continue;
    }
    if (size > MAX_BYTES) {
      sink.add(
        'stack.too-large',
        'low',
        { file: f, line: 1 },
        basename(f),
        `file is ${size} bytes; skipped`,
        'files over 5 MiB are not configuration; auditing them would only be slow',
        'pass the configuration files themselves',
      );
      continue;
    }
    const kind = kindOf(f) ?? sniff(f);
    if (kind === 'yaml') {
      const y = loadYaml(f, sink);
      if (!y) continue;
      if (y.value && typeof y.value === 'object' && 'services' in y.value) {
        const dir = dirname(resolve(f));
        composeByDir.set(dir, [...(composeByDir.get(dir) ?? []), f]);
      } else if (looksLikeGatewayConfig(y.value)) checkGatewayConfig(f, y, sink);
      else if (looksLikeUsersFile(y.value)) checkUsersFile(f, y, sink);
    } else if (kind === 'caddy') {
      const text = readFileSync(f, 'utf8');
      const publicLines = new Set<number>();
      text.split('\n').forEach((l, i) => {
        if (/#\s*portcullis:\s*public/i.test(l)) publicLines.add(i + 1);
      });
      routes.push(...checkCaddy(readCaddyfile(f, sink), publicLines, sink));
    } else if (kind === 'nginx' && !included.has(resolve(f))) {
      const tree = readNginx(f, sink);
      const nested = (ds: readonly (typeof tree)[number][]): void => {
        for (const d of ds) {
          included.add(resolve(d.file));
          if (d.block) nested(d.block);
        }
      };
      nested(tree);
      routes.push(...checkNginx(tree, sink));
    }
  }
  const projects: ComposeProject[] = [];
  for (const group of composeByDir.values()) {
    const p = readComposeProject(group.sort(composeOrder), sink);
    if (!p) continue;
    projects.push(p);
    checkContainers(p, sink);
    checkSegmentation(p, sink);
  }
  checkSecrets(projects, sink);
  const findings = [...sink.findings].sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.id.localeCompare(b.id),
  );
  return { files, projects, routes, reachability: projects.flatMap(reachability), findings };
}

/** Files given explicitly with an unusual name are recognised by their first lines. */
function sniff(f: string): Kind | undefined {
  try {
    const head = readFileSync(f, 'utf8').slice(0, 4096);
    if (/^\s*(server|http|location|upstream)\s[^{]*\{/m.test(head)) return 'nginx';
    if (/^\s*(services|access_control|users)\s*:/m.test(head)) return 'yaml';
    if (/\b(reverse_proxy|forward_auth)\b/.test(head)) return 'caddy';
  } catch {
    return undefined;
  }
  return undefined;
}
