import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AccessControlConfig, AccessControlRuleConfig } from '../config/index.js';
import type { Policy, Subject } from '../core/index.js';
import { compileAccessControl } from './compile.js';
import { targetFromUrl } from './path.js';

type RuleInput = Partial<Omit<AccessControlRuleConfig, 'position'>> & { policy: Policy };

function acl(rules: RuleInput[], defaultPolicy: Policy = 'deny') {
  const cfg: AccessControlConfig = {
    defaultPolicy,
    rules: rules.map((r, i) => ({
      position: i + 1,
      domain: [],
      domainRegex: [],
      subject: [],
      networks: [],
      resources: [],
      methods: [],
      query: [],
      ...r,
    })),
  };
  return compileAccessControl(cfg);
}

const anon: Subject = { username: '', groups: [], ip: '' };
const john: Subject = { username: 'john', groups: ['dev', 'admins'], ip: '192.168.1.10' };
const bob: Subject = { username: 'bob', groups: ['users'], ip: '10.0.0.5' };

/** The rule number that decides a URL (0 = default policy). */
function ruleFor(a: ReturnType<typeof acl>, url: string, subject: Subject = john, method = 'GET'): number {
  return a.requiredPolicy(subject, targetFromUrl(new URL(url), method)).rule;
}

test('wildcard domains: any subdomain, case-insensitive, never the apex or a look-alike', () => {
  const a = acl([{ domain: ['*.Example.com'], policy: 'one_factor' }]);
  assert.equal(ruleFor(a, 'https://app.example.com/'), 1);
  assert.equal(ruleFor(a, 'https://a.b.EXAMPLE.com/'), 1);
  assert.equal(
    a.requiredPolicy(john, { host: 'APP.EXAMPLE.COM', path: '/', rawQuery: '', method: 'GET' }).rule,
    1,
  );
  assert.equal(ruleFor(a, 'https://example.com/'), 0);
  assert.equal(ruleFor(a, 'https://x.example.com.evil/'), 0);
  assert.equal(ruleFor(a, 'https://xexample.com/'), 0);
});

test('plain domains match case-insensitively and exactly', () => {
  const a = acl([{ domain: ['App.Example.com'], policy: 'one_factor' }]);
  assert.equal(
    a.requiredPolicy(john, { host: 'APP.example.COM', path: '/', rawQuery: '', method: 'GET' }).rule,
    1,
  );
  assert.equal(ruleFor(a, 'https://app.example.com:8443/x'), 1);
  assert.equal(ruleFor(a, 'https://sub.app.example.com/'), 0);
  assert.equal(ruleFor(a, 'https://example.com/'), 0);
});

test('a domain like *example.com without the dot is a literal', () => {
  const a = acl([{ domain: ['*example.com'], policy: 'one_factor' }]);
  assert.equal(ruleFor(a, 'https://www.example.com/'), 0);
  assert.equal(
    a.requiredPolicy(john, { host: '*example.com', path: '/', rawQuery: '', method: 'GET' }).rule,
    1,
  );
});

test('{user} domains: the username prefix for users, any prefix for anonymous', () => {
  const a = acl([{ domain: ['{user}.example.com'], policy: 'one_factor' }]);
  const r = a.requiredPolicy(john, targetFromUrl(new URL('https://john.example.com/'), 'GET'));
  assert.deepEqual(r, { policy: 'one_factor', rule: 1, ruleHasSubject: true });
  assert.equal(ruleFor(a, 'https://bob.example.com/'), 0);
  assert.equal(ruleFor(a, 'https://bob.example.com/', bob), 1);
  assert.equal(ruleFor(a, 'https://anything.example.com/', anon), 1);
  assert.equal(ruleFor(a, 'https://example.com/', anon), 0);
  assert.equal(ruleFor(a, 'https://other.org/', anon), 0);
  // Case-sensitive concatenation with the username, as upstream.
  const upper = { ...john, username: 'John' };
  assert.equal(ruleFor(a, 'https://john.example.com/', upper), 0);
});

test('{group} domains: first label is one of the groups (case-insensitive), any prefix for anonymous', () => {
  const a = acl([{ domain: ['{group}.example.com'], policy: 'two_factor' }]);
  assert.equal(ruleFor(a, 'https://dev.example.com/'), 1);
  assert.equal(ruleFor(a, 'https://admins.example.com/'), 1);
  assert.equal(ruleFor(a, 'https://users.example.com/'), 0);
  assert.equal(ruleFor(a, 'https://users.example.com/', bob), 1);
  assert.equal(ruleFor(a, 'https://x.dev.example.com/'), 0);
  assert.equal(ruleFor(a, 'https://DEV.example.com/', { ...john, groups: ['Dev'] }), 1);
  assert.equal(ruleFor(a, 'https://whatever.example.com/', anon), 1);
  assert.equal(ruleFor(a, 'https://example.com/', anon), 0);
  assert.equal(
    a.requiredPolicy(anon, targetFromUrl(new URL('https://w.example.com/'), 'GET')).ruleHasSubject,
    true,
  );
});

test('domain_regex: unanchored RE2, case-sensitive, (?P<User>)/(?P<Group>) compared with EqualFold', () => {
  const a = acl([
    { domainRegex: ['^(?P<User>\\w+)\\.users\\.example\\.com$'], policy: 'one_factor' },
    { domainRegex: ['^(?P<Group>\\w+)\\.groups\\.example\\.com$'], policy: 'two_factor' },
    { domainRegex: ['internal'], policy: 'bypass' },
  ]);
  assert.equal(ruleFor(a, 'https://john.users.example.com/'), 1);
  assert.equal(ruleFor(a, 'https://john.users.example.com/', { ...john, username: 'JOHN' }), 1);
  assert.equal(ruleFor(a, 'https://bob.users.example.com/'), 0);
  assert.equal(ruleFor(a, 'https://bob.users.example.com/', anon), 1);
  assert.equal(ruleFor(a, 'https://ADMINS.groups.example.com/'.toLowerCase()), 2);
  assert.equal(ruleFor(a, 'https://admins.groups.example.com/', { ...john, groups: ['Admins'] }), 2);
  assert.equal(ruleFor(a, 'https://users.groups.example.com/'), 0);
  assert.equal(ruleFor(a, 'https://my-internal-app.example.com/'), 3);
  assert.equal(
    a.requiredPolicy(john, { host: 'my-INTERNAL.example.com', path: '/', rawQuery: '', method: 'GET' }).rule,
    0,
  );
  assert.equal(
    a.requiredPolicy(john, targetFromUrl(new URL('https://john.users.example.com/'), 'GET')).ruleHasSubject,
    true,
  );
  assert.equal(
    a.requiredPolicy(john, targetFromUrl(new URL('https://internal/'), 'GET')).ruleHasSubject,
    false,
  );
});

test('domain and domain_regex in one rule are OR-ed', () => {
  const a = acl([{ domain: ['a.example.com'], domainRegex: ['^b\\.'], policy: 'one_factor' }]);
  assert.equal(ruleFor(a, 'https://a.example.com/'), 1);
  assert.equal(ruleFor(a, 'https://b.example.org/'), 1);
  assert.equal(ruleFor(a, 'https://c.example.com/'), 0);
});

test('resources run on the cleaned path plus raw query, so traversal cannot reach a bypass', () => {
  const a = acl([
    { domain: ['app.example.com'], resources: ['^/bypass([/?].*)?$'], policy: 'bypass' },
    { domain: ['app.example.com'], resources: ['^/x\\?q=%2F$'], policy: 'two_factor' },
  ]);
  assert.equal(ruleFor(a, 'https://app.example.com/bypass/file'), 1);
  assert.equal(ruleFor(a, 'https://app.example.com/bypass?x=1'), 1);
  for (const p of ['/bypass/../x', '/bypass/..%2f/x', '/bypass/%2e%2e/x', '/bypass/..%2F..%2Fx']) {
    assert.equal(
      a.requiredPolicy(john, { host: 'app.example.com', path: p, rawQuery: '', method: 'GET' }).rule,
      0,
      p,
    );
  }
  assert.equal(
    a.requiredPolicy(john, {
      host: 'app.example.com',
      path: '/bypass/..%2f/x',
      rawQuery: 'q=%2F',
      method: 'GET',
    }).rule,
    2,
  );
});

test('resources with named groups bind to the subject', () => {
  const a = acl([
    { domain: ['files.example.com'], resources: ['^/home/(?P<User>[^/]+)/'], policy: 'one_factor' },
  ]);
  assert.equal(ruleFor(a, 'https://files.example.com/home/john/notes'), 1);
  assert.equal(ruleFor(a, 'https://files.example.com/home/bob/notes'), 0);
  assert.equal(ruleFor(a, 'https://files.example.com/home/bob/notes', anon), 1);
  assert.equal(
    a.requiredPolicy(john, targetFromUrl(new URL('https://files.example.com/home/john/'), 'GET'))
      .ruleHasSubject,
    true,
  );
});

test('query: OR of AND groups over every operator', () => {
  const a = acl([
    {
      domain: ['q.example.com'],
      query: [
        [
          { operator: 'present', key: 'secure', value: undefined },
          { operator: 'absent', key: 'insecure', value: undefined },
        ],
        [{ operator: 'pattern', key: 'token', value: '^(abc|xyz)$' }],
        [{ operator: 'equal', key: 'mode', value: 'admin' }],
      ],
      policy: 'two_factor',
    },
    {
      domain: ['q.example.com'],
      query: [[{ operator: 'not equal', key: 'v', value: '1' }]],
      policy: 'one_factor',
    },
    {
      domain: ['q.example.com'],
      query: [[{ operator: 'not pattern', key: 'v', value: '^1' }]],
      policy: 'deny',
    },
  ]);
  const at = (q: string) => ruleFor(a, `https://q.example.com/${q}`);
  assert.equal(at('?secure'), 1);
  assert.equal(at('?secure&insecure=1'), 2);
  assert.equal(at('?token=xyz'), 1);
  assert.equal(at('?token=xyzz&v=1'), 0);
  assert.equal(at('?mode=admin&mode=user'), 1);
  assert.equal(at('?mode=user&mode=admin'), 2);
  assert.equal(at(''), 2);
  assert.equal(at('?v=2'), 2);
  assert.equal(at('?v=10'), 2);
  assert.equal(at('?v=1'), 0);
  assert.equal(at('?v=1&secure'), 1);
});

test('methods match exactly against the upper-cased list', () => {
  const a = acl([{ domain: ['m.example.com'], methods: ['post', 'PUT'], policy: 'one_factor' }]);
  assert.equal(ruleFor(a, 'https://m.example.com/', john, 'POST'), 1);
  assert.equal(ruleFor(a, 'https://m.example.com/', john, 'PUT'), 1);
  assert.equal(ruleFor(a, 'https://m.example.com/', john, 'GET'), 0);
  assert.equal(ruleFor(a, 'https://m.example.com/', john, 'post'), 0);
});

test('networks: IPv4, IPv6, IPv4-mapped clients, and no IP', () => {
  const a = acl([{ domain: ['n.example.com'], networks: ['10.0.0.0/8', 'fd00::/8'], policy: 'bypass' }]);
  const at = (ip: string) => ruleFor(a, 'https://n.example.com/', { ...john, ip });
  assert.equal(at('10.0.0.1'), 1);
  assert.equal(at('::ffff:10.0.0.1'), 1);
  assert.equal(at('fd01::1'), 1);
  assert.equal(at('192.168.1.1'), 0);
  assert.equal(at('::ffff:192.168.1.1'), 0);
  assert.equal(at(''), 0);
  assert.equal(at('garbage'), 0);
});

test('subject: OR of AND groups, exact and case-sensitive', () => {
  const a = acl([
    {
      domain: ['s.example.com'],
      subject: [['user:bob'], ['group:dev', 'group:admins']],
      policy: 'two_factor',
    },
    { domain: ['s.example.com'], subject: [['group:dev', 'group:ops']], policy: 'deny' },
    { domain: ['s.example.com'], subject: [['oauth2:client:robot']], policy: 'one_factor' },
    { domain: ['s.example.com'], policy: 'one_factor' },
  ]);
  assert.equal(ruleFor(a, 'https://s.example.com/', bob), 1);
  assert.equal(ruleFor(a, 'https://s.example.com/', john), 1);
  assert.equal(ruleFor(a, 'https://s.example.com/', { ...john, groups: ['dev'] }), 4);
  assert.equal(ruleFor(a, 'https://s.example.com/', { ...john, groups: ['dev', 'ops'] }), 2);
  assert.equal(ruleFor(a, 'https://s.example.com/', { ...john, groups: ['DEV', 'admins'] }), 4);
  assert.equal(ruleFor(a, 'https://s.example.com/', { ...bob, username: 'Bob' }), 4);
  assert.equal(
    ruleFor(a, 'https://s.example.com/', { username: '', groups: [], ip: '', clientId: 'robot' }),
    3,
  );
});

test('anonymous subjects "may" match subject rules: the first one is returned with ruleHasSubject', () => {
  const a = acl([
    { domain: ['s.example.com'], subject: [['user:bob']], policy: 'deny' },
    { domain: ['s.example.com'], policy: 'one_factor' },
  ]);
  assert.deepEqual(a.requiredPolicy(anon, targetFromUrl(new URL('https://s.example.com/'), 'GET')), {
    policy: 'deny',
    rule: 1,
    ruleHasSubject: true,
  });
  // Once logged in, a non-matching user falls through to the next rule.
  assert.deepEqual(a.requiredPolicy(john, targetFromUrl(new URL('https://s.example.com/'), 'GET')), {
    policy: 'one_factor',
    rule: 2,
    ruleHasSubject: false,
  });
  // A user with only groups is not anonymous.
  assert.equal(ruleFor(a, 'https://s.example.com/', { username: '', groups: ['x'], ip: '' }), 2);
});

test('first match wins across index buckets, and the default policy applies when nothing matches', () => {
  const a = acl(
    [
      { domainRegex: ['^nothing$'], policy: 'deny' },
      { domain: ['*.example.com'], resources: ['^/api'], policy: 'bypass' },
      { domain: ['app.example.com'], policy: 'two_factor' },
      { domain: ['*.app.example.com', 'app.example.com'], policy: 'one_factor' },
      { policy: 'deny' },
    ],
    'one_factor',
  );
  assert.equal(ruleFor(a, 'https://app.example.com/api/x'), 2);
  assert.equal(ruleFor(a, 'https://app.example.com/web'), 3);
  assert.equal(ruleFor(a, 'https://x.app.example.com/web'), 4);
  assert.equal(ruleFor(a, 'https://other.org/'), 5);
  const none = acl([{ domain: ['a.example.com'], policy: 'bypass' }], 'two_factor');
  assert.deepEqual(none.requiredPolicy(john, targetFromUrl(new URL('https://b.example.com/'), 'GET')), {
    policy: 'two_factor',
    rule: 0,
    ruleHasSubject: false,
  });
});

test('an unknown policy string means deny', () => {
  const a = acl([{ domain: ['a.example.com'], policy: 'allow_all' as Policy }], 'whatever' as Policy);
  assert.equal(
    a.requiredPolicy(john, targetFromUrl(new URL('https://a.example.com/'), 'GET')).policy,
    'deny',
  );
  assert.equal(
    a.requiredPolicy(john, targetFromUrl(new URL('https://b.example.com/'), 'GET')).policy,
    'deny',
  );
});

test('isSecondFactorEnabled and ruleCount', () => {
  assert.equal(acl([{ domain: ['a'], policy: 'one_factor' }]).isSecondFactorEnabled, false);
  assert.equal(acl([{ domain: ['a'], policy: 'two_factor' }]).isSecondFactorEnabled, true);
  assert.equal(acl([], 'two_factor').isSecondFactorEnabled, true);
  assert.equal(
    acl([
      { domain: ['a'], policy: 'bypass' },
      { domain: ['b'], policy: 'deny' },
    ]).ruleCount,
    2,
  );
});

test('a catastrophic-backtracking pattern runs in linear time on hostile input', { timeout: 60_000 }, () => {
  const a = acl([{ domain: ['r.example.com'], resources: ['^/(a+)+$'], policy: 'bypass' }]);
  const path = `/${'a'.repeat(50_000)}!`;
  assert.equal(a.requiredPolicy(john, { host: 'r.example.com', path, rawQuery: '', method: 'GET' }).rule, 0);
  assert.equal(
    a.requiredPolicy(john, {
      host: 'r.example.com',
      path: `/${'a'.repeat(50_000)}`,
      rawQuery: '',
      method: 'GET',
    }).rule,
    1,
  );
});

test('explain: hit, miss and may per rule and per criterion, with skipped rules after the first hit', () => {
  const a = acl([
    { domain: ['public.example.com'], policy: 'bypass' },
    { domain: ['app.example.com'], methods: ['POST'], policy: 'one_factor' },
    { domain: ['app.example.com'], subject: [['user:john']], policy: 'two_factor' },
    { domain: ['app.example.com'], networks: ['10.0.0.0/8'], policy: 'one_factor' },
    { domain: ['app.example.com'], policy: 'one_factor' },
    { domain: ['app.example.com'], policy: 'deny' },
  ]);
  const target = targetFromUrl(new URL('https://app.example.com/x'), 'GET');
  const rows = a.explain(anon, target);
  assert.deepEqual(
    rows.map((r) => [r.rule, r.verdict, r.skipped]),
    [
      [1, 'miss', false],
      [2, 'miss', false],
      [3, 'may', false],
      [4, 'miss', false],
      [5, 'hit', false],
      [6, 'hit', true],
    ],
  );
  assert.equal(rows[0]?.domain.verdict, 'miss');
  assert.match(rows[0]?.domain.why ?? '', /host 'app.example.com' matches none of 'public.example.com'/);
  assert.equal(rows[1]?.methods.verdict, 'miss');
  assert.match(rows[1]?.methods.why ?? '', /GET is not one of POST/);
  assert.equal(rows[2]?.subject.verdict, 'may');
  assert.match(rows[2]?.subject.why ?? '', /user:john/);
  assert.equal(rows[3]?.networks.verdict, 'miss');
  assert.equal(rows[4]?.domain.verdict, 'hit');
  // The engine returns the potential match, exactly as GetRequiredLevel does.
  assert.equal(a.requiredPolicy(anon, target).rule, 3);
  const asJohn = a.explain(john, target);
  assert.deepEqual(
    asJohn.map((r) => r.verdict),
    ['miss', 'miss', 'hit', 'miss', 'hit', 'hit'],
  );
  assert.equal(asJohn[2]?.subject.verdict, 'hit');
  assert.equal(a.explain(bob, target)[2]?.subject.verdict, 'miss');
  assert.equal(a.explain(bob, target)[3]?.networks.verdict, 'hit');
});
