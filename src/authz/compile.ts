/** Compiles access_control once into rules plus a host index, and answers Authelia's GetRequiredLevel from it. */
import type { AccessControlConfig } from '../config/index.js';
import type { Policy, Subject } from '../core/index.js';
import { type ExplainRow, explainRules } from './explain.js';
import type { AccessTarget } from './path.js';
import { type CompiledRule, compileRule, Probe, ruleMatches, toPolicy } from './rule.js';

/** The policy a request needs and where it came from; `rule` is the 1-based position, 0 for the default policy. */
export interface RequiredPolicy {
  readonly policy: Policy;
  readonly rule: number;
  readonly ruleHasSubject: boolean;
}

export interface CompiledAccessControl {
  /** Required policy for this subject and target (Authelia GetRequiredLevel) with the rule that decided it. */
  requiredPolicy(subject: Subject, target: AccessTarget): RequiredPolicy;
  /** Every rule's verdict for check-policy: hit/miss/may overall and per criterion, with why. */
  explain(subject: Subject, target: AccessTarget): ExplainRow[];
  /** The default policy or some rule needs two_factor (the portal then offers a second factor). */
  readonly isSecondFactorEnabled: boolean;
  readonly ruleCount: number;
  readonly defaultPolicy: Policy;
}

/**
 * Which rules can match a host, so a request evaluates only those. Exact domains file under the lower-cased
 * host, `*.x` under the suffix `.x`; rules with {user}/{group}/domain_regex entries, or no domain at all, can
 * match any host and stay in `residual`. Every list is ascending, so merging them keeps first-match order.
 */
interface HostIndex {
  readonly exact: ReadonlyMap<string, readonly number[]>;
  readonly wildcard: ReadonlyMap<string, readonly number[]>;
  /** Distinct wildcard suffix lengths, longest first: the only host suffixes worth looking up. */
  readonly suffixLengths: readonly number[];
  readonly residual: readonly number[];
}

function push(map: Map<string, number[]>, key: string, i: number): void {
  const list = map.get(key);
  if (!list) map.set(key, [i]);
  else if (list[list.length - 1] !== i) list.push(i);
}

function buildIndex(rules: readonly CompiledRule[]): HostIndex {
  const exact = new Map<string, number[]>();
  const wildcard = new Map<string, number[]>();
  const residual: number[] = [];
  rules.forEach((r, i) => {
    if (r.domains.length === 0 || r.domains.some((d) => d.kind !== 'exact' && d.kind !== 'wildcard')) {
      residual.push(i);
      return;
    }
    for (const d of r.domains) push(d.kind === 'exact' ? exact : wildcard, d.name, i);
  });
  const suffixLengths = [...new Set([...wildcard.keys()].map((k) => k.length))].sort((a, b) => b - a);
  return { exact, wildcard, suffixLengths, residual };
}

const EMPTY: readonly number[] = [];

export function compileAccessControl(cfg: AccessControlConfig): CompiledAccessControl {
  const rules = cfg.rules.map(compileRule);
  const defaultPolicy = toPolicy(cfg.defaultPolicy);
  const index = buildIndex(rules);
  const fallback: RequiredPolicy = Object.freeze({ policy: defaultPolicy, rule: 0, ruleHasSubject: false });
  const results: readonly RequiredPolicy[] = rules.map((r) =>
    Object.freeze({ policy: r.policy, rule: r.position, ruleHasSubject: r.hasSubjects }),
  );
  // Scratch space for the merge; requiredPolicy is synchronous and never re-entered, so reuse is safe.
  const lists: (readonly number[])[] = [];
  const cursors: number[] = [];

  function requiredPolicy(subject: Subject, target: AccessTarget): RequiredPolicy {
    const probe = new Probe(subject, target);
    const host = probe.hostLower;
    let n = 0;
    const exactHits = index.exact.get(host);
    if (exactHits) lists[n++] = exactHits;
    for (const len of index.suffixLengths) {
      // A `*.x` suffix starts at a dot, so only slice where the host has one.
      if (len > host.length || host.charCodeAt(host.length - len) !== 46) continue;
      const hits = index.wildcard.get(host.slice(host.length - len));
      if (hits) lists[n++] = hits;
    }
    if (index.residual.length) lists[n++] = index.residual;
    for (let k = 0; k < n; k++) cursors[k] = 0;
    for (;;) {
      let min = Number.POSITIVE_INFINITY;
      for (let k = 0; k < n; k++) {
        const v = (lists[k] ?? EMPTY)[cursors[k] ?? 0];
        if (v !== undefined && v < min) min = v;
      }
      if (min === Number.POSITIVE_INFINITY) break;
      // Advance every list at `min`, so a rule filed under several keys is evaluated once.
      for (let k = 0; k < n; k++)
        if ((lists[k] ?? EMPTY)[cursors[k] ?? 0] === min) cursors[k] = (cursors[k] ?? 0) + 1;
      const rule = rules[min];
      if (rule && ruleMatches(rule, probe)) return results[min] ?? fallback;
    }
    return fallback;
  }

  return Object.freeze({
    requiredPolicy,
    explain: (subject: Subject, target: AccessTarget) => explainRules(rules, new Probe(subject, target)),
    isSecondFactorEnabled: defaultPolicy === 'two_factor' || rules.some((r) => r.policy === 'two_factor'),
    ruleCount: rules.length,
    defaultPolicy,
  });
}
