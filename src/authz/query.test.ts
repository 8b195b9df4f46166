import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileQueryMatcher, parseQuery } from './query.js';

test('parseQuery keeps the first value and Go decoding rules', () => {
  const q = parseQuery('a=1&a=2&b&c=x+y%21&&d=');
  assert.equal(q.get('a'), '1');
  assert.equal(q.has('b'), true);
  assert.equal(q.get('b'), '');
  assert.equal(q.get('c'), 'x y!');
  assert.equal(q.get('d'), '');
  assert.equal(q.size, 4);
});

test('parseQuery drops pairs with semicolons or malformed escapes, like Go 1.17+', () => {
  const q = parseQuery('a=1;b=2&c=%zz&d=ok&e%=1');
  assert.deepEqual([...q.entries()], [['d', 'ok']]);
});

test('operators: equal / not equal treat an absent key as the empty string', () => {
  const eq = compileQueryMatcher({ operator: 'equal', key: 'k', value: 'v' });
  const ne = compileQueryMatcher({ operator: 'not equal', key: 'k', value: 'v' });
  assert.ok(eq && ne);
  assert.equal(eq.match(parseQuery('k=v')), true);
  assert.equal(eq.match(parseQuery('k=v2')), false);
  assert.equal(eq.match(parseQuery('')), false);
  assert.equal(ne.match(parseQuery('')), true);
  assert.equal(ne.match(parseQuery('k=v')), false);
  assert.equal(ne.match(parseQuery('k=w&k=v')), true);
  const eqEmpty = compileQueryMatcher({ operator: 'equal', key: 'k', value: '' });
  assert.equal(eqEmpty?.match(parseQuery('other=1')), true);
});

test('operators: present / absent check the key only', () => {
  const present = compileQueryMatcher({ operator: 'present', key: 'k', value: undefined });
  const absent = compileQueryMatcher({ operator: 'absent', key: 'k', value: undefined });
  assert.equal(present?.match(parseQuery('k')), true);
  assert.equal(present?.match(parseQuery('k=')), true);
  assert.equal(present?.match(parseQuery('kk=1')), false);
  assert.equal(absent?.match(parseQuery('kk=1')), true);
  assert.equal(absent?.match(parseQuery('k=1')), false);
});

test('operators: pattern / not pattern are unanchored on the first value', () => {
  const p = compileQueryMatcher({ operator: 'pattern', key: 't', value: 'ab+c' });
  const np = compileQueryMatcher({ operator: 'not pattern', key: 't', value: '^x' });
  assert.equal(p?.match(parseQuery('t=zzabbbcz')), true);
  assert.equal(p?.match(parseQuery('t=ac&t=abc')), false);
  assert.equal(np?.match(parseQuery('t=yx')), true);
  assert.equal(np?.match(parseQuery('t=xy')), false);
  assert.equal(np?.match(parseQuery('')), true);
});

test('a matcher without its value is skipped, as upstream', () => {
  assert.equal(compileQueryMatcher({ operator: 'equal', key: 'k', value: undefined }), undefined);
});
