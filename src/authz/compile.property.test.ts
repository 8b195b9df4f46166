import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { AccessControlConfig, AccessControlRuleConfig, QueryMatcherConfig } from '../config/index.js';
import type { Policy, Subject } from '../core/index.js';
import { compileAccessControl, type RequiredPolicy } from './compile.js';
import type { AccessTarget } from './path.js';
import { compileRule, Probe, ruleMatches } from './rule.js';

/** The reference: every rule in order, no index. */
function linearScan(cfg: AccessControlConfig, subject: Subject, target: AccessTarget): RequiredPolicy {
  for (const rule of cfg.rules.map(compileRule)) {
    if (ruleMatches(rule, new Probe(subject, target))) {
      return { policy: rule.policy, rule: rule.position, ruleHasSubject: rule.hasSubjects };
    }
  }
  return { policy: cfg.defaultPolicy, rule: 0, ruleHasSubject: false };
}

// Small vocabularies so random hosts and rules actually collide.
const label = fc.constantFrom('a', 'app', 'john', 'dev', 'ops', 'example', 'com', 'org', 'x');
const casing = (s: string) => fc.boolean().map((up) => (up ? s.toUpperCase() : s));
const hostName = fc.array(label, { minLength: 1, maxLength: 4 }).chain((ls) => casing(ls.join('.')));
const domainEntry = fc.oneof(
  hostName,
  hostName.map((h) => `*.${h}`),
  hostName.map((h) => `{user}.${h}`),
  hostName.map((h) => `{group}.${h}`),
  hostName.map((h) => `*${h}`),
);
const regexEntry = fc.constantFrom(
  '^a\\.',
  'example',
  '^(?P<User>\\w+)\\.',
  '(?P<Group>dev)\\.example',
  'COM$',
);
const resourceEntry = fc.constantFrom('^/a', '^/b/', '(?P<User>john)', '\\?q=', '^/$');
const queryMatcher: fc.Arbitrary<QueryMatcherConfig> = fc
  .tuple(
    fc.constantFrom('present', 'absent', 'equal', 'not equal', 'pattern', 'not pattern'),
    fc.constantFrom('q', 'r'),
    fc.constantFrom('x', '1', '^x'),
  )
  .map(([operator, key, value]) => ({
    operator: operator as QueryMatcherConfig['operator'],
    key,
    value: operator === 'present' || operator === 'absent' ? undefined : value,
  }));
const subjectEntry = fc.constantFrom('user:john', 'user:bob', 'group:dev', 'group:ops', 'oauth2:client:c');
const policy = fc.constantFrom<Policy>('bypass', 'one_factor', 'two_factor', 'deny');

const ruleArb = fc.record({
  domain: fc.array(domainEntry, { maxLength: 3 }),
  domainRegex: fc.array(regexEntry, { maxLength: 1 }),
  policy,
  subject: fc.array(fc.array(subjectEntry, { minLength: 1, maxLength: 2 }), { maxLength: 2 }),
  networks: fc.subarray(['10.0.0.0/8', 'fd00::/8', '192.168.1.0/24']),
  resources: fc.array(resourceEntry, { maxLength: 2 }),
  methods: fc.subarray(['GET', 'POST']),
  query: fc.array(fc.array(queryMatcher, { maxLength: 2 }), { maxLength: 2 }),
});

const configArb: fc.Arbitrary<AccessControlConfig> = fc
  .tuple(fc.array(ruleArb, { maxLength: 25 }), policy)
  .map(([rules, defaultPolicy]) => ({
    defaultPolicy,
    rules: rules.map((r, i): AccessControlRuleConfig => ({ ...r, position: i + 1 })),
  }));

const subjectArb: fc.Arbitrary<Subject> = fc.record({
  username: fc.constantFrom('', 'john', 'bob', 'JOHN'),
  groups: fc.subarray(['dev', 'ops', 'Dev']),
  ip: fc.constantFrom('', '10.1.2.3', '::ffff:10.0.0.1', 'fd00::1', '192.168.1.9', '8.8.8.8'),
  clientId: fc.constantFrom(undefined, 'c'),
});

const targetArb: fc.Arbitrary<AccessTarget> = fc.record({
  host: hostName,
  path: fc.constantFrom('/', '/a', '/a/../b/', '/b/x', '/bypass/..%2fa', '/home/john', ''),
  rawQuery: fc.constantFrom('', 'q=x', 'q=1&r', 'r=x&q=xx'),
  method: fc.constantFrom('GET', 'POST'),
});

test('the host-indexed engine answers exactly like a linear scan of the same rules', () => {
  fc.assert(
    fc.property(
      configArb,
      fc.array(fc.tuple(subjectArb, targetArb), { minLength: 1, maxLength: 20 }),
      (cfg, reqs) => {
        const compiled = compileAccessControl(cfg);
        for (const [subject, target] of reqs) {
          assert.deepEqual(compiled.requiredPolicy(subject, target), linearScan(cfg, subject, target));
        }
      },
    ),
    { numRuns: 400 },
  );
});

test('explain agrees with requiredPolicy: the first hit-or-may row is the rule that decides', () => {
  fc.assert(
    fc.property(configArb, subjectArb, targetArb, (cfg, subject, target) => {
      const compiled = compileAccessControl(cfg);
      const first = compiled.explain(subject, target).find((r) => r.verdict !== 'miss');
      assert.equal(compiled.requiredPolicy(subject, target).rule, first?.rule ?? 0);
    }),
    { numRuns: 300 },
  );
});
