import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PasswordPolicyConfig } from '../../config/index.js';
import { createPasswordPolicy } from './policy.js';

const OFF: PasswordPolicyConfig = {
  standard: {
    enabled: false,
    minLength: 8,
    maxLength: 0,
    requireUppercase: false,
    requireLowercase: false,
    requireNumber: false,
    requireSpecial: false,
  },
  zxcvbn: { enabled: false, minScore: 3 },
};

test('standard policy: each rule is checked and named', () => {
  const p = createPasswordPolicy({
    ...OFF,
    standard: {
      enabled: true,
      minLength: 10,
      maxLength: 16,
      requireUppercase: true,
      requireLowercase: true,
      requireNumber: true,
      requireSpecial: true,
    },
  });
  assert.equal(p.description.mode, 'standard');
  assert.equal(p.description.min_length, 10);
  assert.deepEqual(p.check('Abcdef1!xyz'), { ok: true });
  const short = p.check('Ab1!');
  assert.equal(short.ok, false);
  assert.ok(!short.ok && short.reasons.includes('shorter than 10 characters'));
  const weak = p.check('abcdefghijkl');
  assert.ok(!weak.ok && weak.reasons.length === 3, JSON.stringify(weak));
  assert.equal(p.check('Abcdef1!xyzAbcdef1!').ok, false, 'longer than max_length');
  // Code points, not UTF-16 units: 10 emoji-bearing characters are 10 characters.
  assert.equal(p.check('Aa1!😀😀😀😀😀😀').ok, true);
});

test('zxcvbn policy rejects guessable passwords and accepts strong ones', () => {
  const p = createPasswordPolicy({ ...OFF, zxcvbn: { enabled: true, minScore: 3 } });
  assert.equal(p.description.mode, 'zxcvbn');
  assert.equal(p.description.min_score, 3);
  assert.equal(p.check('password1').ok, false);
  assert.equal(p.check('quxbarzilaplonk').ok, true);
  assert.equal(p.check('quxbarzilaplonk', ['quxbarzilaplonk']).ok, false, 'user inputs lower the score');
  assert.equal(p.check('correct-horse-battery-staple-91!').ok, true);
});

test('disabled policy accepts anything but an empty password', () => {
  const p = createPasswordPolicy(OFF);
  assert.equal(p.description.mode, 'disabled');
  assert.equal(p.check('x').ok, true);
  assert.equal(p.check('').ok, false);
});
