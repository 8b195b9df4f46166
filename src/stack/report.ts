/** Renders an audit as a terminal report grouped by severity, as JSON, or as SARIF 2.1.0 for code-scanning UIs. */
import { relative } from 'node:path';
import type { StackAudit } from './audit.js';
import { type Finding, SEVERITIES, type Severity, severityRank } from './types.js';

const COLOURS: Record<Severity, string> = {
  critical: '\x1b[1;31m',
  high: '\x1b[31m',
  medium: '\x1b[33m',
  low: '\x1b[36m',
  info: '\x1b[2m',
};

const rel = (f: string) => relative(process.cwd(), f) || f;

export function formatText(a: StackAudit, colour: boolean): string {
  const paint = (s: Severity, t: string) => (colour ? `${COLOURS[s]}${t}\x1b[0m` : t);
  const out: string[] = [];
  const counts = SEVERITIES.map((s) => `${a.findings.filter((f) => f.severity === s).length} ${s}`);
  out.push(
    `stack audit: ${a.files.length} files, ${a.projects.reduce((n, p) => n + p.services.length, 0)} services, ${a.routes.length} routes — ${counts.join(', ')}`,
  );
  for (const sev of SEVERITIES) {
    const group = a.findings.filter((f) => f.severity === sev);
    if (!group.length) continue;
    out.push('', paint(sev, `${sev.toUpperCase()} (${group.length})`));
    for (const f of group) {
      out.push(`  ${paint(sev, f.id)}  ${rel(f.file)}:${f.line}  [${f.subject}]`);
      out.push(`    ${f.message}`, `    why: ${f.why}`, `    fix: ${f.fix}`);
    }
  }
  if (!a.findings.length) out.push('', 'no findings');
  if (a.reachability.length) {
    out.push('', 'REACHABILITY (services on a shared network can reach each other)');
    for (const e of a.reachability) out.push(`  ${e.from} <-> ${e.to}  via ${e.via.join(', ')}`);
  }
  return out.join('\n');
}

export function formatJson(a: StackAudit): string {
  return JSON.stringify(
    {
      files: a.files.map(rel),
      services: a.projects.flatMap((p) =>
        p.services.map((s) => ({
          project: p.name,
          name: s.name,
          image: s.image ?? null,
          kind: s.kind,
          networks: s.networks,
          ports: s.ports.map((x) => ({
            hostIp: x.hostIp ?? null,
            published: x.published ?? null,
            target: x.target,
            allInterfaces: x.allInterfaces,
          })),
        })),
      ),
      routes: a.routes.map((r) => ({ ...r, at: { file: rel(r.at.file), line: r.at.line } })),
      reachability: a.reachability,
      findings: a.findings.map((f) => ({ ...f, file: rel(f.file) })),
    },
    null,
    2,
  );
}

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

export function formatSarif(a: StackAudit): string {
  const rules = [...new Map(a.findings.map((f) => [f.id, f])).values()].map((f) => ({
    id: f.id,
    shortDescription: { text: f.id },
    help: { text: f.fix },
    defaultConfiguration: { level: SARIF_LEVEL[f.severity] },
    properties: { severity: f.severity },
  }));
  const results = a.findings.map((f: Finding) => ({
    ruleId: f.id,
    level: SARIF_LEVEL[f.severity],
    message: { text: `${f.message} — ${f.why}. Fix: ${f.fix}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: rel(f.file).split('\\').join('/') },
          region: { startLine: Math.max(1, f.line) },
        },
      },
    ],
    properties: { severity: f.severity, subject: f.subject },
  }));
  return JSON.stringify(
    {
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: {
              name: 'portcullis stack audit',
              rules,
            },
          },
          results,
        },
      ],
    },
    null,
    2,
  );
}

/** True when some finding is at or above `threshold`. */
export function failsAt(a: StackAudit, threshold: Severity): boolean {
  return a.findings.some((f) => severityRank(f.severity) >= severityRank(threshold));
}
