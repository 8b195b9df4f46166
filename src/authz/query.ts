/** The `query` criterion: Go's url.Query() parsing and the six operators (OR over groups, AND within a group). */
import type { QueryMatcherConfig } from '../config/index.js';
import { compileRe2 } from '../config/index.js';

/** First value per key, as `url.Values.Get` returns it; presence is `has`. */
export type ParsedQuery = ReadonlyMap<string, string>;

const BAD_ESCAPE = /%(?![0-9a-fA-F]{2})/;
const ESCAPE_RUN = /(?:%[0-9a-fA-F]{2})+/g;

/** Go's QueryUnescape: `+` is a space, a malformed escape is an error (undefined). */
function queryUnescape(s: string): string | undefined {
  if (BAD_ESCAPE.test(s)) return undefined;
  const spaced = s.includes('+') ? s.replaceAll('+', ' ') : s;
  if (!spaced.includes('%')) return spaced;
  return spaced.replace(ESCAPE_RUN, (run) => Buffer.from(run.replaceAll('%', ''), 'hex').toString('utf8'));
}

/** Go's url.ParseQuery, ignoring its error: pairs with `;` or bad escapes are dropped, the rest kept. */
export function parseQuery(raw: string): ParsedQuery {
  const out = new Map<string, string>();
  if (raw === '') return out;
  for (const pair of raw.split('&')) {
    if (pair === '' || pair.includes(';')) continue;
    const eq = pair.indexOf('=');
    const key = queryUnescape(eq < 0 ? pair : pair.slice(0, eq));
    const value = queryUnescape(eq < 0 ? '' : pair.slice(eq + 1));
    if (key === undefined || value === undefined) continue;
    if (!out.has(key)) out.set(key, value);
  }
  return out;
}

export interface QueryMatcher {
  readonly text: string;
  match(q: ParsedQuery): boolean;
}

/** Undefined for a matcher upstream would skip (a missing value); validation normally rejects those first. */
export function compileQueryMatcher(c: QueryMatcherConfig): QueryMatcher | undefined {
  const { key, value } = c;
  const text = value === undefined ? `${key} ${c.operator}` : `${key} ${c.operator} '${value}'`;
  switch (c.operator) {
    case 'present':
      return { text, match: (q) => q.has(key) };
    case 'absent':
      return { text, match: (q) => !q.has(key) };
    case 'equal':
      return value === undefined ? undefined : { text, match: (q) => (q.get(key) ?? '') === value };
    // An absent key reads as '' so `not equal` matches it, exactly as upstream.
    case 'not equal':
      return value === undefined ? undefined : { text, match: (q) => (q.get(key) ?? '') !== value };
    case 'pattern':
    case 'not pattern': {
      if (value === undefined) return undefined;
      const re = compileRe2(value);
      const want = c.operator === 'pattern';
      return { text, match: (q) => re.test(q.get(key) ?? '') === want };
    }
    default:
      return undefined;
  }
}
