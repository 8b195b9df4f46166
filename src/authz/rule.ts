/** One access_control rule compiled into plain predicates, one per criterion, plus the lazily derived request views they share. */
import type { AccessControlRuleConfig } from '../config/index.js';
import { ConfigError, type Policy, type Subject } from '../core/index.js';
import { compileDomain, compileDomainRegex, type DomainMatcher } from './domain.js';
import { type Cidr, cidrContains, type IpBytes, parseCidr, parseIp } from './networks.js';
import { type AccessTarget, bareHost, resourceString } from './path.js';
import { compileQueryMatcher, type ParsedQuery, parseQuery, type QueryMatcher } from './query.js';
import { compileSubjectRegex, type SubjectRegex } from './regex.js';
import { compileSubjects, isAnonymous, matchesSubjectsExact, type SubjectMatcher } from './subject.js';

export interface CompiledRule {
  readonly position: number;
  readonly policy: Policy;
  /** Upstream HasSubjects: subject list, {user}/{group} domain, or a User/Group named group in a regex. */
  readonly hasSubjects: boolean;
  readonly domains: readonly DomainMatcher[];
  readonly resources: readonly SubjectRegex[];
  readonly query: readonly (readonly QueryMatcher[])[];
  readonly methods: readonly string[];
  readonly networks: readonly Cidr[];
  readonly subjects: readonly (readonly SubjectMatcher[])[];
}

const POLICIES: ReadonlySet<string> = new Set(['bypass', 'one_factor', 'two_factor', 'deny']);

/** Upstream NewLevel: anything that is not one of the four policies means deny. */
export function toPolicy(p: string): Policy {
  return POLICIES.has(p) ? (p as Policy) : 'deny';
}

function programmerError(path: string, message: string): ConfigError {
  return new ConfigError([{ path, message, severity: 'error' }]);
}

function regexOrThrow(source: string, path: string): SubjectRegex {
  try {
    return compileSubjectRegex(source);
  } catch (e) {
    throw programmerError(
      path,
      `access_control: invalid regular expression '${source}': ${(e as Error).message}`,
    );
  }
}

export function compileRule(c: AccessControlRuleConfig): CompiledRule {
  const at = `access_control.rules[${c.position - 1}]`;
  const domains: DomainMatcher[] = c.domain.map(compileDomain);
  c.domainRegex.forEach((src, i) => {
    const re = regexOrThrow(src, `${at}.domain_regex[${i}]`);
    domains.push(compileDomainRegex(re));
  });
  const resources = c.resources.map((src, i) => regexOrThrow(src, `${at}.resources[${i}]`));
  const query = c.query.map((group, g) =>
    group.flatMap((q, i) => {
      try {
        const m = compileQueryMatcher(q);
        return m ? [m] : [];
      } catch (e) {
        throw programmerError(
          `${at}.query[${g}][${i}].value`,
          `access_control: invalid pattern: ${(e as Error).message}`,
        );
      }
    }),
  );
  const networks = c.networks.map((text, i) => {
    const n = parseCidr(text);
    if (!n) throw programmerError(`${at}.networks[${i}]`, `access_control: '${text}' is not an IP or CIDR`);
    return n;
  });
  const subjects = compileSubjects(c.subject);
  return {
    position: c.position,
    policy: toPolicy(c.policy),
    hasSubjects:
      subjects.length > 0 || domains.some((d) => d.hasSubject) || resources.some((r) => r.hasSubjectGroups),
    domains,
    resources,
    query,
    methods: c.methods.map((m) => m.toUpperCase()),
    networks,
    subjects,
  };
}

const NO_IP: IpBytes = new Uint8Array(0);

/** Per-request views of subject and target, each derived at most once and only if some candidate rule needs it. */
export class Probe {
  readonly host: string;
  readonly hostLower: string;
  readonly anonymous: boolean;
  #resource: string | undefined;
  #query: ParsedQuery | undefined;
  #ip: IpBytes | undefined;

  constructor(
    readonly subject: Subject,
    readonly target: AccessTarget,
  ) {
    this.host = bareHost(target.host);
    this.hostLower = this.host.toLowerCase();
    this.anonymous = isAnonymous(subject);
  }

  get resource(): string {
    if (this.#resource === undefined) this.#resource = resourceString(this.target);
    return this.#resource;
  }

  get query(): ParsedQuery {
    if (this.#query === undefined) this.#query = parseQuery(this.target.rawQuery);
    return this.#query;
  }

  /** Empty when the client address does not parse; such a client is in no network, as in Go. */
  get ip(): IpBytes {
    if (this.#ip === undefined) this.#ip = parseIp(this.subject.ip) ?? NO_IP;
    return this.#ip;
  }
}

export function matchesDomains(r: CompiledRule, p: Probe): boolean {
  if (r.domains.length === 0) return true;
  for (const d of r.domains) if (d.match(p.host, p.hostLower, p.subject, p.anonymous)) return true;
  return false;
}

export function matchesResources(r: CompiledRule, p: Probe): boolean {
  if (r.resources.length === 0) return true;
  const res = p.resource;
  for (const re of r.resources) if (re.match(res, p.subject, p.anonymous)) return true;
  return false;
}

export function matchesQueryGroup(group: readonly QueryMatcher[], q: ParsedQuery): boolean {
  for (const m of group) if (!m.match(q)) return false;
  return true;
}

export function matchesQuery(r: CompiledRule, p: Probe): boolean {
  if (r.query.length === 0) return true;
  const q = p.query;
  for (const group of r.query) if (matchesQueryGroup(group, q)) return true;
  return false;
}

export function matchesMethods(r: CompiledRule, p: Probe): boolean {
  return r.methods.length === 0 || r.methods.includes(p.target.method);
}

export function matchesNetworks(r: CompiledRule, p: Probe): boolean {
  if (r.networks.length === 0) return true;
  const ip = p.ip;
  for (const n of r.networks) if (cidrContains(n, ip)) return true;
  return false;
}

/** Rule Matching Concept 2: an anonymous subject "matches" any subject criteria (a potential match). */
export function matchesSubjects(r: CompiledRule, p: Probe): boolean {
  return p.anonymous || matchesSubjectsExact(r.subjects, p.subject, p.anonymous);
}

/** Upstream AccessControlRule.IsMatch, criteria in the same order. */
export function ruleMatches(r: CompiledRule, p: Probe): boolean {
  return (
    matchesDomains(r, p) &&
    matchesResources(r, p) &&
    matchesQuery(r, p) &&
    matchesMethods(r, p) &&
    matchesNetworks(r, p) &&
    matchesSubjects(r, p)
  );
}
