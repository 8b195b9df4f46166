import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuthLevel, Policy } from '../core/index.js';
import { decide } from './decide.js';

const req = (policy: Policy, ruleHasSubject = false, rule = 3) => ({ policy, rule, ruleHasSubject });

test('bypass always allows, even anonymous', () => {
  for (const level of [0, 1, 2] as AuthLevel[])
    assert.equal(decide(req('bypass'), level, level > 0).outcome, 'allow');
  assert.deepEqual(decide(req('bypass'), 0, false).reasons, ['rule-bypass']);
});

test('one_factor: level 1 or 2 allows, anonymous must log in', () => {
  assert.equal(decide(req('one_factor'), 1, true).outcome, 'allow');
  assert.equal(decide(req('one_factor'), 2, true).outcome, 'allow');
  const d = decide(req('one_factor'), 0, false);
  assert.equal(d.outcome, 'login');
  assert.deepEqual(d.reasons, ['rule-one-factor', 'user-unauthenticated']);
});

test('two_factor: level 2 allows, level 1 steps up, anonymous logs in', () => {
  assert.equal(decide(req('two_factor'), 2, true).outcome, 'allow');
  const up = decide(req('two_factor'), 1, true);
  assert.equal(up.outcome, 'step-up');
  assert.deepEqual(up.reasons, ['rule-two-factor', 'second-factor-required']);
  assert.equal(decide(req('two_factor'), 0, false).outcome, 'login');
});

test('deny: forbidden once the subject is known or when the rule has no subject; anonymous on a subject rule logs in', () => {
  assert.equal(decide(req('deny', false), 0, false).outcome, 'deny');
  assert.equal(decide(req('deny', true), 1, true).outcome, 'deny');
  assert.equal(decide(req('deny', true), 2, true).outcome, 'deny');
  const anon = decide(req('deny', true), 0, false);
  assert.equal(anon.outcome, 'login');
  assert.deepEqual(anon.reasons, ['rule-deny', 'user-unauthenticated', 'subject-unverified']);
});

test('the decision carries the rule, policy and a default-policy reason for rule 0', () => {
  const d = decide({ policy: 'deny', rule: 0, ruleHasSubject: false }, 2, true);
  assert.deepEqual(d, {
    outcome: 'deny',
    policy: 'deny',
    rule: 0,
    ruleHasSubject: false,
    reasons: ['default-deny'],
  });
  assert.equal(decide(req('one_factor', false, 7), 1, true).rule, 7);
});
