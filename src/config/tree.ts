/** Reading and writing nested plain objects by dotted key path (`session.redis.port`), keeping positions in step. */
import type { SourcePos } from './locate.js';

export type Tree = Record<string, unknown>;

function isObj(v: unknown): v is Tree {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function getAt(tree: Tree, path: string): unknown {
  let cur: unknown = tree;
  for (const part of path.split('.')) {
    if (!isObj(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

/** Sets a value, creating (or replacing non-object) intermediate maps like koanf's unflatten does. */
export function setAt(tree: Tree, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = tree;
  for (const part of parts.slice(0, -1)) {
    const next = cur[part];
    if (isObj(next)) cur = next;
    else {
      const fresh: Tree = {};
      cur[part] = fresh;
      cur = fresh;
    }
  }
  cur[parts[parts.length - 1] as string] = value;
}

export function deleteAt(tree: Tree, path: string): void {
  const parts = path.split('.');
  const parent = parts.length === 1 ? tree : getAt(tree, parts.slice(0, -1).join('.'));
  if (isObj(parent)) delete parent[parts[parts.length - 1] as string];
}

/** True when `p` is `path` itself or lies under it. */
export function isUnder(p: string, path: string): boolean {
  return p === path || p.startsWith(`${path}.`) || p.startsWith(`${path}[`);
}

/** Re-homes the positions of a moved value (and of everything under it). */
export function movePositions(positions: Map<string, SourcePos>, from: string, to: string): void {
  for (const [p, pos] of [...positions]) {
    if (!isUnder(p, from)) continue;
    positions.delete(p);
    positions.set(to + p.slice(from.length), pos);
  }
}

export function dropPositions(positions: Map<string, SourcePos>, path: string): void {
  for (const p of [...positions.keys()]) if (isUnder(p, path)) positions.delete(p);
}
