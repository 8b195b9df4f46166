/** Turns a required policy and the caller's authentication into an outcome with reasons (Authelia isAuthzResult, A.3 step 8). */
import type { AuthLevel, Decision, Outcome, Policy } from '../core/index.js';
import type { RequiredPolicy } from './compile.js';

const POLICY_REASON: Record<Policy, string> = {
  bypass: 'bypass',
  one_factor: 'one-factor',
  two_factor: 'two-factor',
  deny: 'deny',
};

/**
 * bypass → allow; deny → deny once the subject is known or the rule does not depend on it (an anonymous user
 * on a deny rule with subjects must log in first, then may get 403); a satisfied level → allow; one factor
 * where two are needed → step-up; otherwise login.
 */
export function decide(required: RequiredPolicy, level: AuthLevel, authenticated: boolean): Decision {
  const { policy, rule, ruleHasSubject } = required;
  const source = `${rule === 0 ? 'default' : 'rule'}-${POLICY_REASON[policy] ?? 'deny'}`;
  const answer = (outcome: Outcome, ...why: string[]): Decision => ({
    outcome,
    policy,
    rule,
    ruleHasSubject,
    reasons: [source, ...why],
  });
  switch (policy) {
    case 'bypass':
      return answer('allow');
    case 'one_factor':
      return level >= 1 ? answer('allow', 'level-sufficient') : answer('login', 'user-unauthenticated');
    case 'two_factor':
      if (level >= 2) return answer('allow', 'level-sufficient');
      return level === 1
        ? answer('step-up', 'second-factor-required')
        : answer('login', 'user-unauthenticated');
    default:
      // Also reached by any unknown policy string: it means deny, as upstream's NewLevel.
      if (authenticated || level > 0 || !ruleHasSubject) return answer('deny');
      return answer('login', 'user-unauthenticated', 'subject-unverified');
  }
}
