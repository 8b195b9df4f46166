/**
 * Phase 1 of config loading: YAML text → plain value plus a map from key path to file:line:col,
 * so every later issue can point at the line the user wrote.
 */
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { ConfigIssue } from '../core/index.js';

export interface SourcePos {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export interface LocatedYaml {
  /** The document as plain JS (maps → objects, sequences → arrays); undefined for an empty document. */
  readonly value: unknown;
  /** Key path (e.g. `access_control.rules[2].policy`) → position of its value (or of its key for maps). */
  readonly positions: ReadonlyMap<string, SourcePos>;
  /** YAML syntax errors, already positioned. */
  readonly issues: readonly ConfigIssue[];
}

/** Joins a path the way messages print it: `a.b[3].c`. */
export function joinPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

export function locateYaml(text: string, file: string): LocatedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true });
  const positions = new Map<string, SourcePos>();
  const at = (offset: number | undefined): SourcePos => {
    const p = lineCounter.linePos(offset ?? 0);
    return { file, line: p.line, col: p.col };
  };
  const issues: ConfigIssue[] = doc.errors.map((e) => ({
    path: '',
    message: `error parsing YAML: ${e.message.split('\n')[0]}`,
    severity: 'error' as const,
    source: at(e.pos[0]),
  }));
  const walk = (node: Node | null | undefined, path: string, keyOffset?: number) => {
    if (!node) return;
    positions.set(path, at(keyOffset ?? node.range?.[0]));
    if (isMap(node)) {
      for (const pair of node.items) {
        const k = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const keyNode = pair.key as Node | null;
        const child = joinPath(path, k);
        if (pair.value) walk(pair.value as Node, child, keyNode?.range?.[0]);
        else positions.set(child, at(keyNode?.range?.[0]));
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        walk(item as Node, joinPath(path, i));
      });
    }
  };
  if (issues.length === 0) walk(doc.contents as Node | null, '');
  return { value: issues.length ? undefined : doc.toJS({ maxAliasCount: 100 }), positions, issues };
}

/** Nearest known position for a path: the path itself, else its closest ancestor. */
export function positionFor(positions: ReadonlyMap<string, SourcePos>, path: string): SourcePos | undefined {
  let p = path;
  for (;;) {
    const hit = positions.get(p);
    if (hit) return hit;
    if (!p) return undefined;
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    p = cut > 0 ? p.slice(0, cut) : '';
  }
}
