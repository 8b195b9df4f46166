import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withBase } from '../../../test/fixtures/config/base.js';
import { configFromObject } from '../load.js';
import { editDistance } from './check.js';

const messages = (obj: Record<string, unknown>) =>
  configFromObject(obj).issues.map((i) => `${i.severity}: ${i.message}`);

test('unknown keys are errors with Authelia wording and a did-you-mean from sibling keys', () => {
  const m = messages(withBase({ session: { expiraton: '1h' }, log: { levle: 'debug' } }));
  assert.ok(
    m.includes(
      "error: configuration key not expected: session.expiraton (did you mean 'session.expiration'?)",
    ),
    m.join('\n'),
  );
  assert.ok(m.includes("error: configuration key not expected: log.levle (did you mean 'log.level'?)"));
});

test('far-off unknown keys get no guess; curated hints cover common mistakes', () => {
  const m = messages(withBase({ totally_unknown: 1, session: { lifetime: '1h' } }));
  assert.ok(m.includes('error: configuration key not expected: totally_unknown'));
  assert.ok(
    m.includes(
      "error: configuration key not expected: session.lifetime (did you mean 'session.expiration'?)",
    ),
  );
});

test('unknown keys inside list items name the item', () => {
  const m = messages(
    withBase({ access_control: { rules: [{ domain: 'a.example.com', policy: 'deny', polcy: 'x' }] } }),
  );
  assert.ok(
    m.some((x) => x.startsWith('error: configuration key not expected: access_control.rules[0].polcy')),
  );
});

test('weak typing: numbers and booleans as strings, single values as lists', () => {
  const r = configFromObject(
    withBase({
      session: { redis: { host: 'redis', port: '6380' } },
      totp: { disable: 'true' },
      access_control: {
        rules: [{ domain: 'a.example.com,b.example.com', methods: 'GET', policy: 'bypass' }],
      },
    }),
  );
  assert.ok(r.ok, JSON.stringify(r.issues));
  assert.equal(r.config.session.redis?.port, 6380);
  assert.equal(r.config.totp.disable, true);
  assert.deepEqual(r.config.accessControl.rules[0]?.domain, ['a.example.com', 'b.example.com']);
  assert.deepEqual(r.config.accessControl.rules[0]?.methods, ['GET']);
});

test('wrong types are errors naming the key path', () => {
  const m = messages(withBase({ regulation: { max_retries: 'three' }, session: { cookies: 'example.com' } }));
  assert.ok(
    m.some((x) =>
      x.includes("'regulation.max_retries' expected type 'int', got unconvertible type 'string'"),
    ),
    m.join('\n'),
  );
  assert.ok(
    m.some(
      (x) =>
        x.includes("'session.cookies[0]' expected type 'map'") || x.includes("'session.cookies' expected"),
    ),
  );
});

test('regex fields are not split on commas, with a warning that Authelia would split them', () => {
  const r = configFromObject(
    withBase({
      access_control: { rules: [{ domain: 'a.example.com', policy: 'one_factor', resources: '^/a{1,3}$' }] },
    }),
  );
  assert.ok(r.ok, JSON.stringify(r.issues));
  assert.deepEqual(r.config.accessControl.rules[0]?.resources, ['^/a{1,3}$']);
  assert.ok(r.issues.some((i) => i.severity === 'warning' && i.message.includes('Authelia would split it')));
});

test('subjects: string, list (OR) and list of lists (AND)', () => {
  const rule = (subject: unknown) => ({ domain: 'a.example.com', policy: 'one_factor', subject });
  const r = configFromObject(
    withBase({
      access_control: {
        rules: [rule('group:admins'), rule(['user:a', 'group:b']), rule([['user:a', 'group:b']])],
      },
    }),
  );
  assert.ok(r.ok, JSON.stringify(r.issues));
  assert.deepEqual(
    r.config.accessControl.rules.map((x) => x.subject),
    [[['group:admins']], [['user:a'], ['group:b']], [['user:a', 'group:b']]],
  );
});

test('edit distance', () => {
  assert.equal(editDistance('require_numbers', 'require_number'), 1);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('kitten', 'sitting'), 3);
});

test('a swap of neighbouring letters is one edit', () => {
  assert.equal(editDistance('levle', 'level'), 1);
});
