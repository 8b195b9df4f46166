/** Go-RE2 regexes for domain_regex, resources and query patterns, with the (?P<User>)/(?P<Group>) subject capture rules. */
import { compileRe2 } from '../config/index.js';
import type { Subject } from '../core/index.js';

/** A compiled rule regex; linear-time (RE2), unanchored like Go's MatchString. */
export interface SubjectRegex {
  readonly source: string;
  /** True when the pattern names a `User` or `Group` group, which makes the rule subject-dependent. */
  readonly hasSubjectGroups: boolean;
  match(input: string, subject: Subject, anonymous: boolean): boolean;
}

function equalFold(a: string, b: string): boolean {
  return a === b || a.toLowerCase() === b.toLowerCase();
}

export function inSliceFold(needle: string, list: readonly string[]): boolean {
  for (const s of list) if (equalFold(s, needle)) return true;
  return false;
}

export function compileSubjectRegex(source: string): SubjectRegex {
  const re = compileRe2(source);
  const names = re.namedGroups();
  const userGroup = Object.hasOwn(names, 'User');
  const groupGroup = Object.hasOwn(names, 'Group');
  if (!userGroup && !groupGroup) {
    return { source, hasSubjectGroups: false, match: (input) => re.test(input) };
  }
  // One matcher per regex, reset per call: matching is synchronous, so it is never shared mid-use.
  const matcher = re.matcher('');
  return {
    source,
    hasSubjectGroups: true,
    match(input, subject, anonymous) {
      matcher.resetMatcherInput(input);
      if (!matcher.find()) return false;
      // An anonymous subject cannot be compared yet: any match is a potential match (Rule Matching Concept 2).
      if (anonymous) return true;
      // Like Go's FindStringSubmatch, a group that took no part in the match reads as ''.
      if (userGroup && !equalFold(subject.username, matcher.group('User') ?? '')) return false;
      if (groupGroup && !inSliceFold(matcher.group('Group') ?? '', subject.groups)) return false;
      return true;
    },
  };
}
