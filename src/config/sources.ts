/** Finds the configuration files (flags, X_AUTHELIA_CONFIG, or ./configuration.yml), reads them and deep-merges them. */
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { joinPath, locateYaml } from './locate.js';
import { isPlainObject } from './schema/check.js';
import type { IssueSink } from './sink.js';
import { dropPositions, type Tree } from './tree.js';

export const DEFAULT_CONFIG_FILE = 'configuration.yml';

/** Files given on the command line win; else X_AUTHELIA_CONFIG (comma-separated); else configuration.yml. */
export function configPaths(files: readonly string[], env: NodeJS.ProcessEnv): string[] {
  if (files.length) return [...files];
  const fromEnv = env['X_AUTHELIA_CONFIG'];
  if (fromEnv) {
    return fromEnv
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }
  return [DEFAULT_CONFIG_FILE];
}

/**
 * Maps are merged key by key; anything else (scalars, lists) from a later file replaces the earlier value.
 * Returns the paths whose value was replaced, and among them those that held a value before.
 */
function mergeInto(
  dst: Tree,
  src: Tree,
  path: string,
  out: { replaced: string[]; overridden: string[] },
): void {
  for (const [k, v] of Object.entries(src)) {
    const p = joinPath(path, k);
    const cur = dst[k];
    if (isPlainObject(cur) && isPlainObject(v)) {
      mergeInto(cur, v, p, out);
      continue;
    }
    dst[k] = v;
    out.replaced.push(p);
    if (cur !== undefined) out.overridden.push(p);
  }
}

/** Whether `path` is one of `roots` or lies under one (walking up its ancestors: linear in its depth). */
function underAny(path: string, roots: ReadonlySet<string>): boolean {
  let p = path;
  for (;;) {
    if (roots.has(p)) return true;
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    if (cut <= 0) return false;
    p = p.slice(0, cut);
  }
}

async function expand(path: string, sink: IssueSink): Promise<string[]> {
  try {
    const info = await stat(path);
    if (!info.isDirectory()) return [path];
    const entries = await readdir(path, { withFileTypes: true });
    return entries
      .filter((e) => !e.isDirectory() && ['.yml', '.yaml'].includes(extname(e.name)))
      .map((e) => join(path, e.name))
      .sort();
  } catch (e) {
    sink.add({
      path: '',
      severity: 'error',
      message: `failed to load configuration from file path(${path}) source: ${(e as Error).message}`,
    });
    return [];
  }
}

/** Reads and merges every file; returns the merged tree and the files actually read, in order. */
export async function readSources(
  paths: readonly string[],
  sink: IssueSink,
): Promise<{ tree: Tree; files: string[] }> {
  const tree: Tree = {};
  const files: string[] = [];
  for (const p of paths) {
    for (const file of await expand(p, sink)) {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (e) {
        sink.add({
          path: '',
          severity: 'error',
          message: `failed to load configuration from file path(${file}) source: ${(e as Error).message}`,
        });
        continue;
      }
      files.push(file);
      mergeText(tree, text, file, sink);
    }
  }
  return { tree, files };
}

/** Parses one YAML text and merges it into `tree`; YAML errors and a non-map document become issues. */
export function mergeText(tree: Tree, text: string, file: string, sink: IssueSink): void {
  const located = locateYaml(text, file);
  for (const issue of located.issues) sink.add(issue);
  if (located.issues.length) return;
  const value = located.value ?? {};
  if (!isPlainObject(value)) {
    sink.add({
      path: '',
      severity: 'error',
      message: `error parsing YAML: the document must be a map of configuration keys but it's a ${Array.isArray(value) ? 'list' : typeof value}`,
      source: located.positions.get('') ?? { file, line: 1, col: 1 },
    });
    return;
  }
  if (!sink.positions.has('')) {
    const root = located.positions.get('');
    if (root) sink.positions.set('', root);
  }
  // Positions follow the values: one pass over each file's positions, not one per replaced key (a
  // thousand-rule file has thousands of positions).
  const merged = { replaced: [] as string[], overridden: [] as string[] };
  mergeInto(tree, value, '', merged);
  for (const p of merged.overridden) dropPositions(sink.positions, p);
  const roots = new Set(merged.replaced);
  for (const [sp, pos] of located.positions) if (underAny(sp, roots)) sink.positions.set(sp, pos);
}
