import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isPortcullisError } from '../../core/index.js';
import { parseUsersFile } from './parse.js';
import { writeUserPassword } from './write.js';

const D1 =
  '$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0c2FsdA$ZGlnZXN0ZGlnZXN0ZGlnZXN0ZGlnZXN0ZGlnZXN0ZGk';
const D2 =
  '$argon2id$v=19$m=65536,t=3,p=4$b3RoZXJzYWx0b3RoZXJzYQ$bmV3ZGlnZXN0bmV3ZGlnZXN0bmV3ZGlnZXN0bmV3ZGk';
const FILE = `# managed by hand: keep this comment
users:
  john:
    displayname: John Doe
    password: '${D1}'
    email: john@example.com
    groups: [admins, dev]
  harry:
    displayname: Harry # inline comment
    password: '${D1}'
    email: harry@example.com
`;

function setup(): string {
  const dir = mkdtempSync(join(tmpdir(), 'users-write-'));
  const path = join(dir, 'users_database.yml');
  writeFileSync(path, FILE, { mode: 0o640 });
  return path;
}

test('replaces one password and keeps every other user, comment and the file mode', async () => {
  const path = setup();
  await writeUserPassword({ path, username: 'john', digest: D2 });
  const text = readFileSync(path, 'utf8');
  const users = parseUsersFile(text, path, { email: false, caseInsensitive: false }).users;
  assert.equal(users.get('john')?.digest, D2);
  assert.equal(users.get('harry')?.digest, D1);
  assert.deepEqual(users.get('john')?.groups, ['admins', 'dev']);
  assert.match(text, /# managed by hand: keep this comment/);
  assert.match(text, /# inline comment/);
  assert.equal(statSync(path).mode & 0o777, 0o640);
  assert.deepEqual(readdirSync(join(path, '..')), ['users_database.yml'], 'no temp file left');
});

test('refuses to overwrite a concurrent edit (ERR_USERS_FILE_WRITE_CONFLICT) and keeps that edit', async () => {
  const path = setup();
  const edited = `${FILE}  ron:\n    displayname: Ron\n    password: '${D1}'\n    email: ron@example.com\n`;
  await assert.rejects(
    writeUserPassword({
      path,
      username: 'john',
      digest: D2,
      beforeRename: async () => writeFileSync(path, edited),
    }),
    (e) => isPortcullisError(e) && e.code === 'ERR_USERS_FILE_WRITE_CONFLICT',
  );
  assert.equal(readFileSync(path, 'utf8'), edited, 'the other edit survives');
  assert.deepEqual(readdirSync(join(path, '..')), ['users_database.yml']);
});

test('concurrent writes in one process are serialized, both land', async () => {
  const path = setup();
  await Promise.all([
    writeUserPassword({ path, username: 'john', digest: D2 }),
    writeUserPassword({ path, username: 'harry', digest: D2 }),
  ]);
  const users = parseUsersFile(readFileSync(path, 'utf8'), path, {
    email: false,
    caseInsensitive: false,
  }).users;
  assert.equal(users.get('john')?.digest, D2);
  assert.equal(users.get('harry')?.digest, D2);
});

test('an unknown user is an error and the file is untouched', async () => {
  const path = setup();
  await assert.rejects(writeUserPassword({ path, username: 'nobody', digest: D2 }), /not in the file/);
  assert.equal(readFileSync(path, 'utf8'), FILE);
});
