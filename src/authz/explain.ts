/** Per-rule match table for `access-control check-policy` (upstream GetRuleMatchResults), with a reason per criterion. */
import type { Policy } from '../core/index.js';
import { cidrContains } from './networks.js';
import { type CompiledRule, matchesMethods, matchesQueryGroup, type Probe, ruleMatches } from './rule.js';
import { matchesSubjectsExact } from './subject.js';

export type Verdict = 'hit' | 'miss' | 'may';

export interface CriterionVerdict {
  readonly verdict: Verdict;
  readonly why: string;
  /** False when the rule does not use this criterion (it then always hits). */
  readonly configured: boolean;
}

export interface ExplainRow {
  /** 1-based rule position. */
  readonly rule: number;
  readonly policy: Policy;
  /** 'hit': the rule matches; 'may': it matches unless the (anonymous) subject turns out not to; else 'miss'. */
  readonly verdict: Verdict;
  /** An earlier rule already hit, so this one is never consulted. */
  readonly skipped: boolean;
  readonly domain: CriterionVerdict;
  readonly resources: CriterionVerdict;
  readonly query: CriterionVerdict;
  readonly methods: CriterionVerdict;
  readonly networks: CriterionVerdict;
  readonly subject: CriterionVerdict;
}

const quoteList = (xs: readonly string[]): string => xs.map((x) => `'${x}'`).join(', ');
const hit = (why: string): CriterionVerdict => ({ verdict: 'hit', why, configured: true });
const miss = (why: string): CriterionVerdict => ({ verdict: 'miss', why, configured: true });
const unused = (why: string): CriterionVerdict => ({ verdict: 'hit', why, configured: false });

function domainVerdict(r: CompiledRule, p: Probe): CriterionVerdict {
  if (r.domains.length === 0) return unused('any host');
  const found = r.domains.find((d) => d.match(p.host, p.hostLower, p.subject, p.anonymous));
  if (!found) return miss(`host '${p.host}' matches none of ${quoteList(r.domains.map((d) => d.text))}`);
  const potential = found.hasSubject && p.anonymous ? ' (anonymous: any user or group)' : '';
  return hit(`host '${p.host}' matches '${found.text}'${potential}`);
}

function resourcesVerdict(r: CompiledRule, p: Probe): CriterionVerdict {
  if (r.resources.length === 0) return unused('any path');
  const res = p.resource;
  const found = r.resources.find((re) => re.match(res, p.subject, p.anonymous));
  if (!found) return miss(`'${res}' matches none of ${quoteList(r.resources.map((re) => re.source))}`);
  return hit(`'${res}' matches '${found.source}'`);
}

function queryVerdict(r: CompiledRule, p: Probe): CriterionVerdict {
  if (r.query.length === 0) return unused('any query');
  const q = p.query;
  const found = r.query.find((group) => matchesQueryGroup(group, q));
  const show = (g: readonly { text: string }[]): string => `[${g.map((m) => m.text).join(' and ')}]`;
  const raw = p.target.rawQuery === '' ? 'empty query' : `query '${p.target.rawQuery}'`;
  if (!found) return miss(`${raw} satisfies none of ${r.query.map(show).join(' or ')}`);
  return hit(`${raw} satisfies ${show(found)}`);
}

function methodsVerdict(r: CompiledRule, p: Probe): CriterionVerdict {
  if (r.methods.length === 0) return unused('any method');
  const m = p.target.method;
  return matchesMethods(r, p) ? hit(`${m} is listed`) : miss(`${m} is not one of ${r.methods.join(', ')}`);
}

function networksVerdict(r: CompiledRule, p: Probe): CriterionVerdict {
  if (r.networks.length === 0) return unused('any network');
  const ip = p.ip;
  if (ip.length === 0) return miss(`no client IP; needs one of ${r.networks.map((n) => n.text).join(', ')}`);
  const found = r.networks.find((n) => cidrContains(n, ip));
  if (!found) return miss(`${p.subject.ip} is in none of ${r.networks.map((n) => n.text).join(', ')}`);
  return hit(`${p.subject.ip} is in ${found.text}`);
}

function subjectVerdict(r: CompiledRule, p: Probe): CriterionVerdict {
  if (r.subjects.length === 0) return unused('any subject');
  const alternatives = r.subjects.map((and) => and.map((m) => m.text).join(' and ')).join(' or ');
  if (p.anonymous) {
    return {
      verdict: 'may',
      why: `anonymous; applies if the user turns out to be ${alternatives}`,
      configured: true,
    };
  }
  const found = r.subjects.find((and) => and.every((m) => m.match(p.subject)));
  if (!found) return miss(`subject is not ${alternatives}`);
  return hit(`subject is ${found.map((m) => m.text).join(' and ')}`);
}

export function explainRules(rules: readonly CompiledRule[], p: Probe): ExplainRow[] {
  let skipped = false;
  return rules.map((r) => {
    const potential = ruleMatches(r, p);
    const exact = potential && matchesSubjectsExact(r.subjects, p.subject, p.anonymous);
    const row: ExplainRow = {
      rule: r.position,
      policy: r.policy,
      verdict: exact ? 'hit' : potential ? 'may' : 'miss',
      skipped,
      domain: domainVerdict(r, p),
      resources: resourcesVerdict(r, p),
      query: queryVerdict(r, p),
      methods: methodsVerdict(r, p),
      networks: networksVerdict(r, p),
      subject: subjectVerdict(r, p),
    };
    skipped ||= exact;
    return row;
  });
}
