/**
 * Enforces the dependency direction of docs/architecture.md by reading every import specifier under src/.
 * Exits 1 listing each violation as file:line.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const SRC = resolve('src');
const DOMAINS = [
  'authn',
  'authz',
  'session',
  'regulation',
  'audit',
  'detection',
  'identity',
  'notify',
  'stack',
];

/** Which top-level folders each folder may import (value imports). Type-only imports get `typeOnly` extras. */
const ALLOWED: Record<string, { value: string[]; typeOnly?: string[] }> = {
  core: { value: [] },
  config: { value: ['core'] },
  storage: { value: ['core'], typeOnly: ['config'] },
  metrics: { value: ['core'] },
  app: { value: ['core', 'config', 'storage', 'metrics', ...DOMAINS] },
  http: { value: ['core', 'app', 'config'], typeOnly: [...DOMAINS, 'storage'] },
  // Offline CLI tools (hash, check-policy, stack audit) call domains directly; see docs/decisions/0002.
  cli: { value: ['core', 'app', 'config', 'http', ...DOMAINS], typeOnly: ['storage'] },
};
for (const d of DOMAINS) ALLOWED[d] = { value: ['core', 'config'], typeOnly: ['storage'] };

function files(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) files(p, out);
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

const IMPORT_RE =
  /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;
const problems: string[] = [];

for (const file of files(SRC)) {
  const rel = relative(SRC, file);
  const from = rel.split(sep)[0]!;
  const isTest = file.endsWith('.test.ts');
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(IMPORT_RE)) {
    const spec = m[3] ?? m[4];
    if (!spec || !spec.startsWith('.')) continue;
    const typeOnly = Boolean(m[2]);
    const target = resolve(dirname(file), spec);
    const trel = relative(SRC, target);
    if (trel.startsWith('..')) continue;
    const to = trel.split(sep)[0]!;
    const line = text.slice(0, m.index).split('\n').length;
    const where = `src/${rel}:${line}`;
    if (to === from) continue;
    const rule = ALLOWED[from];
    if (!rule) {
      problems.push(`${where}: folder '${from}' has no import rule in tools/check-imports.ts`);
      continue;
    }
    const ok =
      rule.value.includes(to) || (typeOnly && rule.typeOnly?.includes(to)) || (isTest && to !== 'cli');
    if (!ok)
      problems.push(
        `${where}: '${from}' may not import '${to}'${typeOnly ? ' (even as a type)' : ''} (${spec})`,
      );
    // Rule 10: across folders, go through the folder's index.ts.
    const inner = trel.split(sep);
    if (!isTest && inner.length > 2 && !(from === 'app' && to === 'storage')) {
      problems.push(`${where}: import '${to}' through its index.ts, not '${spec}'`);
    } else if (
      !isTest &&
      inner.length === 2 &&
      !/^index\.(js|ts)$/.test(inner[1]!) &&
      !(from === 'app' && to === 'storage')
    ) {
      problems.push(`${where}: import '${to}' through its index.ts, not '${spec}'`);
    }
  }
}

if (problems.length) {
  console.error(
    `check-imports: ${problems.length} violation(s) of docs/architecture.md:\n${problems.join('\n')}`,
  );
  process.exit(1);
}
console.log('check-imports: dependency rules hold');
