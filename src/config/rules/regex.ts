/** Compiles Go/RE2 regexes with re2js (linear time; `(?P<name>…)` is native) and names their capture groups. */
import { RE2JS } from 're2js';

export type RegexCheck =
  | { readonly ok: true; readonly groups: readonly string[] }
  | { readonly ok: false; readonly error: string };

export function checkRegex(source: string): RegexCheck {
  try {
    return { ok: true, groups: Object.keys(RE2JS.compile(source).namedGroups()) };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}
