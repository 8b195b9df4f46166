import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cleanPath, goPathClean, percentDecode, resourceString, targetFromUrl } from './path.js';

test('goPathClean follows Go path.Clean', () => {
  const cases: [string, string][] = [
    ['', '.'],
    ['/', '/'],
    ['//a//b/', '/a/b'],
    ['/a/./b/.', '/a/b'],
    ['/a/../../b', '/b'],
    ['/..', '/'],
    ['a/..', '.'],
    ['../a/..', '..'],
    ['a/../../b', '../b'],
  ];
  for (const [input, want] of cases) assert.equal(goPathClean(input), want, input);
});

test('traversal in any encoding normalises to the real target', () => {
  assert.equal(cleanPath('/bypass/../x'), '/x');
  assert.equal(cleanPath('/bypass/..%2f/x'), '/x');
  assert.equal(cleanPath('/bypass/..%2F/x'), '/x');
  assert.equal(cleanPath('/bypass/%2e%2e/x'), '/x');
  assert.equal(cleanPath('/bypass/%2E%2E%2Fx'), '/x');
});

test('trailing slash is restored only for paths longer than one character', () => {
  assert.equal(cleanPath('/'), '/');
  assert.equal(cleanPath('/a/'), '/a/');
  assert.equal(cleanPath('/a/b/../'), '/a/');
  assert.equal(cleanPath('/a%2f'), '/a/');
  assert.equal(cleanPath('//'), '//');
  assert.equal(cleanPath(''), '.');
});

test('percent-decoding is UTF-8 and leaves malformed escapes literal', () => {
  assert.equal(percentDecode('/caf%C3%A9'), '/café');
  assert.equal(percentDecode('/100%zz'), '/100%zz');
  assert.equal(percentDecode('/a+b'), '/a+b');
});

test('resourceString appends the raw query untouched', () => {
  assert.equal(resourceString({ path: '/a/../b', rawQuery: 'x=%2F&y' }), '/b?x=%2F&y');
  assert.equal(resourceString({ path: '/b/', rawQuery: 'q=1' }), '/b/?q=1');
  assert.equal(resourceString({ path: '/b', rawQuery: '' }), '/b');
});

test('targetFromUrl strips the port and IPv6 brackets and keeps the raw path', () => {
  assert.deepEqual(targetFromUrl(new URL('https://App.Example.com:8443/a/%2e%2e/b?x=1#frag'), 'GET'), {
    host: 'app.example.com',
    path: '/b',
    rawQuery: 'x=1',
    method: 'GET',
  });
  assert.deepEqual(targetFromUrl(new URL('https://[::1]:9091/p/..%2fq?'), 'POST'), {
    host: '::1',
    path: '/p/..%2fq',
    rawQuery: '',
    method: 'POST',
  });
});
