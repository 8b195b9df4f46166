/** The `domain` criterion: exact, `*.` wildcard, `{user}`/`{group}` and domain_regex matchers, as Authelia's AccessControlDomain. */
import type { Subject } from '../core/index.js';
import { inSliceFold, type SubjectRegex } from './regex.js';

/** How the host index may file a domain matcher: by exact host, by dot-suffix, or nowhere (checked for every host). */
export type DomainKind = 'exact' | 'wildcard' | 'user' | 'group' | 'regex';

export interface DomainMatcher {
  readonly kind: DomainKind;
  /** The entry as written in the configuration. */
  readonly text: string;
  /** Lower-cased host for 'exact', the suffix starting at the dot for 'wildcard', the remainder after {user}/{group}. */
  readonly name: string;
  readonly hasSubject: boolean;
  match(host: string, hostLower: string, subject: Subject, anonymous: boolean): boolean;
}

function hasSuffixFold(hostLower: string, suffixLower: string): boolean {
  return hostLower.endsWith(suffixLower);
}

/** Upstream lower-cases the entry first, then looks at its prefix; `*example.com` (no dot) stays a literal. */
export function compileDomain(text: string): DomainMatcher {
  const d = text.toLowerCase();
  if (d.startsWith('*.')) {
    const name = d.slice(1);
    return {
      kind: 'wildcard',
      text,
      name,
      hasSubject: false,
      match: (_h, lower) => hasSuffixFold(lower, name),
    };
  }
  if (d.startsWith('{user}')) {
    const name = d.slice(6);
    return {
      kind: 'user',
      text,
      name,
      hasSubject: true,
      match(host, lower, subject, anonymous) {
        if (anonymous && hasSuffixFold(lower, name)) return host.length > name.length;
        // Case-sensitive concatenation, exactly as upstream's fmt.Sprintf("%s%s").
        return host === subject.username + name;
      },
    };
  }
  if (d.startsWith('{group}')) {
    const name = d.slice(7);
    return {
      kind: 'group',
      text,
      name,
      hasSubject: true,
      match(host, lower, subject, anonymous) {
        if (anonymous && hasSuffixFold(lower, name)) return host.length > name.length;
        const dot = host.indexOf('.');
        if (dot < 0) return false;
        return host.slice(dot) === name && inSliceFold(host.slice(0, dot), subject.groups);
      },
    };
  }
  return { kind: 'exact', text, name: d, hasSubject: false, match: (_h, lower) => lower === d };
}

export function compileDomainRegex(re: SubjectRegex): DomainMatcher {
  return {
    kind: 'regex',
    text: re.source,
    name: re.source,
    hasSubject: re.hasSubjectGroups,
    match: (host, _lower, subject, anonymous) => re.match(host, subject, anonymous),
  };
}
