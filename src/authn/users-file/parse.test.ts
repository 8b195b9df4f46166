import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { formatIssues } from '../../config/index.js';
import { parseUsersFile } from './parse.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../../test/fixtures/users/${name}`, import.meta.url), 'utf8');
const PLAIN = { email: false, caseInsensitive: false };

test('reads every field of a valid file', () => {
  const { users, issues } = parseUsersFile(fixture('valid.yml'), 'valid.yml', PLAIN);
  assert.deepEqual(issues, []);
  assert.deepEqual([...users.keys()], ['john', 'harry', 'bob', 'james']);
  const john = users.get('john')!;
  assert.equal(john.displayName, 'John Doe');
  assert.deepEqual(john.emails, ['John.Doe@Example.com']);
  assert.deepEqual(john.groups, ['admins', 'dev']);
  assert.equal(john.disabled, false);
  assert.match(john.digest, /^\$argon2id\$/);
  assert.deepEqual(john.claims, {
    given_name: 'John',
    family_name: 'Doe',
    locale: 'en-GB',
    phone_number: '+1 555 0100',
    website: 'https://john.example.com',
    address: { street_address: '1 Main St', locality: 'Springfield', country: 'US' },
    extra: { employee_id: 42, teams: ['red', 'blue'] },
  });
  assert.deepEqual(users.get('bob')!.emails, []);
  assert.deepEqual(users.get('bob')!.groups, []);
  assert.equal(users.get('james')!.disabled, true);
  assert.ok(Object.isFrozen(john) && Object.isFrozen(john.groups));
});

test('reports every problem with file:line:col and the key path', () => {
  const { issues } = parseUsersFile(fixture('invalid.yml'), 'invalid.yml', PLAIN);
  assert.deepEqual(formatIssues(issues).split('\n'), [
    "invalid.yml:4:5: error: users.john.password: the password digest cannot be used: unknown password digest format '$1$' (md5crypt): accepted formats are argon2 ($argon2id$, $argon2i$, $argon2d$), scrypt ($scrypt$), pbkdf2 ($pbkdf2$, $pbkdf2-sha256$ …), sha2crypt ($5$, $6$) and bcrypt ($2b$, $bcrypt-sha256$ …)",
    "invalid.yml:5:5: error: configuration key not expected: users.john.emails (did you mean 'users.john.email' (a single address)?)",
    'invalid.yml:6:5: error: users.john.groups: must be a list of group names',
    'invalid.yml:7:3: error: users.mary.displayname: option is required',
    'invalid.yml:8:5: error: users.mary.password: the password digest cannot be used: malformed argon2id digest: expected $<variant>$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<key>',
    'invalid.yml:9:5: error: users.mary.email: must be a single address, not a list',
    "invalid.yml:10:5: error: users.mary.disabled: must be true or false but it's 'no'",
    "invalid.yml:14:5: error: users.sam.email: 'not-an-email' is not a valid email address",
    'invalid.yml:15:18: error: users.sam.groups[1]: a group must be a non-empty string',
    "invalid.yml:16:5: error: users.sam.website: 'not a url' is not an absolute URL",
    'invalid.yml:17:15: error: configuration key not expected: users.sam.address.street',
    'invalid.yml:18:1: error: configuration key not expected: groups',
  ]);
  assert.ok(issues.some((i) => i.path === 'users.john.password'));
});

test('suggests the nearest key for a typo', () => {
  const { issues } = parseUsersFile(
    'users:\n  a:\n    displayname: A\n    password: "$2b$05$iXOxobuzh.DOcKCPo95n1OZe5hok.1Tbnm0FNBeQBv.Nxm9KN.pYy"\n    gropus: [x]\n',
    'u.yml',
    PLAIN,
  );
  assert.equal(
    formatIssues(issues),
    "u.yml:5:5: error: configuration key not expected: users.a.gropus (did you mean 'users.a.groups'?)",
  );
});

test('YAML syntax errors and an empty or shapeless file are issues, not exceptions', () => {
  assert.match(
    formatIssues(parseUsersFile('users: [\n', 'u.yml', PLAIN).issues),
    /^u\.yml:\d+:\d+: error: error parsing YAML/,
  );
  assert.match(formatIssues(parseUsersFile('', 'u.yml', PLAIN).issues), /the users file is empty/);
  assert.match(formatIssues(parseUsersFile('- a\n', 'u.yml', PLAIN).issues), /must be a map/);
  assert.match(formatIssues(parseUsersFile('users:\n', 'u.yml', PLAIN).issues), /users: option is required/);
  assert.match(
    formatIssues(parseUsersFile('users: 3\n', 'u.yml', PLAIN).issues),
    /must be a map of username/,
  );
});

const DIGEST = '"$2b$05$iXOxobuzh.DOcKCPo95n1OZe5hok.1Tbnm0FNBeQBv.Nxm9KN.pYy"';
const user = (name: string, email?: string) =>
  `  ${name}:\n    displayname: X\n    password: ${DIGEST}\n${email ? `    email: ${email}\n` : ''}`;

test("case-insensitive search requires lowercase usernames that are nobody else's email", () => {
  const text = `users:\n${user('John')}${user('mary', 'bob@example.com')}${user('bob@example.com')}`;
  const messages = parseUsersFile(text, 'u.yml', { email: false, caseInsensitive: true }).issues.map(
    (i) => i.message,
  );
  assert.deepEqual(messages, [
    "users.John: username 'John' is not lowercase but this is required when case-insensitive search is enabled",
    "users.bob@example.com: username 'bob@example.com' is configured as an email for user with username 'mary' which isn't allowed when case-insensitive search is enabled",
  ]);
  assert.deepEqual(parseUsersFile(text, 'u.yml', PLAIN).issues, []);
});

test('email search requires unique emails that are not usernames', () => {
  const text = `users:\n${user('a', 'Shared@example.com')}${user('b', 'shared@EXAMPLE.com')}${user('c', 'd@example.com')}${user('d@example.com')}`;
  const messages = parseUsersFile(text, 'u.yml', { email: true, caseInsensitive: false }).issues.map(
    (i) => i.message,
  );
  assert.deepEqual(messages, [
    "users.a.email: email 'shared@example.com' is configured for more than one user (users are 'a', 'b') which isn't allowed when email search is enabled",
    "users.c.email: email 'd@example.com' is also a username which isn't allowed when email search is enabled",
  ]);
});
