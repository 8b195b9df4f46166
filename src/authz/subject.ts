/** The `subject` criterion: OR over AND-groups of user:/group:/oauth2:client: entries, case-sensitive like upstream. */
import type { Subject } from '../core/index.js';

export interface SubjectMatcher {
  readonly text: string;
  match(s: Subject): boolean;
}

/** Upstream's Subject.IsAnonymous: no username, no groups, no client. */
export function isAnonymous(s: Subject): boolean {
  return s.username === '' && s.groups.length === 0 && !s.clientId;
}

const trimSpaces = (s: string): string => s.replace(/^ +| +$/g, '');

/** Unknown prefixes are dropped, as upstream's schemaSubjectToACLSubject returns nil for them. */
function compileEntry(text: string): SubjectMatcher | undefined {
  if (text.startsWith('user:')) {
    const name = trimSpaces(text.slice(5));
    return { text, match: (s) => s.username === name };
  }
  if (text.startsWith('group:')) {
    const name = trimSpaces(text.slice(6));
    return { text, match: (s) => s.groups.includes(name) };
  }
  if (text.startsWith('oauth2:client:')) {
    const id = trimSpaces(text.slice(14));
    return { text, match: (s) => (s.clientId ?? '') === id };
  }
  return undefined;
}

/** AND-groups left empty after dropping unknown entries are removed, so they cannot match everyone. */
export function compileSubjects(groups: readonly (readonly string[])[]): SubjectMatcher[][] {
  const out: SubjectMatcher[][] = [];
  for (const g of groups) {
    const and = g.map(compileEntry).filter((m): m is SubjectMatcher => m !== undefined);
    if (and.length) out.push(and);
  }
  return out;
}

/** Exact subject match (upstream MatchesSubjectExact): an anonymous subject never satisfies subject criteria. */
export function matchesSubjectsExact(
  groups: readonly (readonly SubjectMatcher[])[],
  s: Subject,
  anonymous: boolean,
): boolean {
  if (groups.length === 0) return true;
  if (anonymous) return false;
  for (const and of groups) {
    let all = true;
    for (const m of and) {
      if (!m.match(s)) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}
