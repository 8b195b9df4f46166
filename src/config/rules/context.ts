/** What a cross-field rule sees: the shape-checked tree as written, the normalized draft, and where to report. */
import { isPlainObject } from '../schema/check.js';
import type { Config } from '../types.js';

export type Raw = Record<string, unknown>;

export interface RuleContext {
  /** Shape-checked snake_case tree (deprecations applied); absent keys are absent. */
  readonly raw: Raw;
  /** Normalized draft; only trustworthy where no error was reported. */
  readonly config: Config;
  error(path: string, message: string): void;
  warn(path: string, message: string): void;
}

export type Rule = (ctx: RuleContext) => void;

/** Value at a dotted path of the raw tree (no list indexes). */
export function rawAt(raw: Raw, path: string): unknown {
  let cur: unknown = raw;
  for (const part of path.split('.')) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

export const obj = (v: unknown): Raw => (isPlainObject(v) ? v : {});
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Authelia's StringJoinOr: 'a' or 'b' / 'a', 'b', or 'c'. */
export function joinOr(items: readonly string[]): string {
  const q = items.map((i) => `'${i}'`);
  if (q.length <= 2) return q.join(' or ');
  return `${q.slice(0, -1).join(', ')}, or ${q[q.length - 1]}`;
}
