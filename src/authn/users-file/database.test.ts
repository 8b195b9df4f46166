import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Logger } from '../../core/index.js';
import { verifyPassword } from '../password/verify.js';
import { UsersDatabase } from './database.js';
import { USERS_FILE_TEMPLATE } from './template.js';

const FIXTURES = new URL('../../../test/fixtures/users/', import.meta.url);
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function scratch(fixture?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-users-'));
  dirs.push(dir);
  const path = join(dir, 'users_database.yml');
  if (fixture) copyFileSync(new URL(fixture, FIXTURES), path);
  return path;
}

function recordingLogger(): Logger & {
  lines: Array<{ level: string; obj: object; msg?: string | undefined }>;
} {
  const lines: Array<{ level: string; obj: object; msg?: string | undefined }> = [];
  const logger = {
    lines,
    error: (obj: object, msg?: string) => lines.push({ level: 'error', obj, msg }),
    warn: (obj: object, msg?: string) => lines.push({ level: 'warn', obj, msg }),
    info: (obj: object, msg?: string) => lines.push({ level: 'info', obj, msg }),
    debug: (obj: object, msg?: string) => lines.push({ level: 'debug', obj, msg }),
    child: () => logger,
  };
  return logger;
}

const PLAIN = { email: false, caseInsensitive: false };
const DIGEST = '$2b$05$iXOxobuzh.DOcKCPo95n1OZe5hok.1Tbnm0FNBeQBv.Nxm9KN.pYy';
const usersYaml = (names: string[]) =>
  `users:\n${names.map((n) => `  ${n}:\n    displayname: ${n}\n    password: "${DIGEST}"\n`).join('')}`;

/** Atomic replace, as editors and config management do it. */
function replace(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

test('exact lookups; disabled users behave as if they did not exist', async () => {
  const db = await UsersDatabase.open({ path: scratch('valid.yml'), watch: false, search: PLAIN });
  assert.equal(db.lookup('john')?.displayName, 'John Doe');
  assert.equal(db.lookup('John'), undefined, 'case matters without case-insensitive search');
  assert.equal(db.lookup('john.doe@example.com'), undefined, 'no email login without email search');
  assert.equal(db.lookup('james'), undefined, 'disabled');
  assert.equal(db.get('james'), undefined, 'disabled');
  assert.equal(db.get('harry')?.groups[0], 'dev');
  assert.equal(db.lookup('nobody'), undefined);
  assert.equal(await verifyPassword('password', db.lookup('harry')!.digest), true);
  db.close();
});

test('case-insensitive and email lookups return the canonical user', async () => {
  const db = await UsersDatabase.open({
    path: scratch('valid.yml'),
    watch: false,
    search: { email: true, caseInsensitive: true },
  });
  assert.equal(db.lookup('JOHN')?.username, 'john');
  assert.equal(db.lookup('john.doe@EXAMPLE.com')?.username, 'john');
  assert.equal(db.lookup('Harry.Potter@example.com')?.username, 'harry');
  assert.equal(db.lookup('james.dean@example.com'), undefined, 'disabled stays hidden by email too');
  assert.equal(db.get('JOHN'), undefined, 'get() takes only the canonical username');
  db.close();
});

test('an invalid file fails open() with ERR_USERS_FILE_INVALID and every issue', async () => {
  await assert.rejects(
    UsersDatabase.open({ path: scratch('invalid.yml'), watch: false, search: PLAIN }),
    (e: unknown) => {
      const err = e as { code: string; issues: Array<{ path: string; source?: { line: number } }> };
      assert.equal(err.code, 'ERR_USERS_FILE_INVALID');
      assert.equal(err.issues.length, 12);
      assert.equal(err.issues[0]!.path, 'users.john.password');
      assert.equal(err.issues[0]!.source?.line, 4);
      return true;
    },
  );
});

test('a missing file gets the template (disabled user authelia/authelia) and ERR_USERS_FILE_CREATED', async () => {
  const path = scratch();
  await assert.rejects(UsersDatabase.open({ path, watch: false, search: PLAIN }), (e: unknown) => {
    const err = e as { code: string; message: string };
    assert.equal(err.code, 'ERR_USERS_FILE_CREATED');
    assert.match(err.message, /doesn't exist at path '.*users_database\.yml' and has been generated/);
    return true;
  });
  assert.equal(readFileSync(path, 'utf8'), USERS_FILE_TEMPLATE);
  const db = await UsersDatabase.open({ path, watch: false, search: PLAIN });
  assert.equal(db.lookup('authelia'), undefined, 'the template user is disabled');
  assert.equal(db.size, 1);
  const digest = /password: "([^"]+)"/.exec(USERS_FILE_TEMPLATE)![1]!;
  assert.equal(await verifyPassword('authelia', digest), true);
  db.close();
});

test('reload(): a good edit is applied, a broken edit keeps the last good users and logs, a fix is picked up', async () => {
  const path = scratch();
  writeFileSync(path, usersYaml(['alice']));
  const logger = recordingLogger();
  const db = await UsersDatabase.open({ path, watch: false, search: PLAIN, logger });
  assert.equal(db.generation, 1);

  replace(path, usersYaml(['alice', 'bob']));
  assert.equal(await db.reload(), true);
  assert.equal(db.generation, 2);
  assert.ok(db.lookup('bob'));

  replace(path, `${usersYaml(['carol'])}    groups: nope\n`);
  assert.equal(await db.reload(), false);
  assert.equal(db.generation, 2);
  assert.ok(db.lookup('bob'), 'last good users kept');
  assert.equal(db.lookup('carol'), undefined);
  const warn = logger.lines.find((l) => l.level === 'warn');
  assert.match(
    String((warn?.obj as { issues?: string } | undefined)?.issues),
    /users_database\.yml:5:5: error: users\.carol\.groups/,
  );

  writeFileSync(path, '');
  assert.equal(await db.reload(), false, 'an empty file (an editor mid-save) is ignored');
  assert.ok(db.lookup('bob'));

  replace(path, usersYaml(['carol']));
  assert.equal(await db.reload(), true);
  assert.equal(db.generation, 3);
  assert.ok(db.lookup('carol'));
  assert.equal(db.lookup('bob'), undefined);
  db.close();
});

async function until(cond: () => boolean, what: string): Promise<void> {
  // Waits on real file-system notifications; the deadline only turns a hang into a failure.
  const deadline = Date.now() + 5000;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('watch: picks up a replaced file, survives a broken edit, then picks up the fix', async () => {
  const path = scratch();
  writeFileSync(path, usersYaml(['alice']));
  const logger = recordingLogger();
  const db = await UsersDatabase.open({ path, watch: true, search: PLAIN, logger, debounceMs: 20 });
  try {
    replace(path, usersYaml(['alice', 'bob']));
    await until(() => db.generation === 2, 'the first reload');
    assert.ok(db.lookup('bob'));

    replace(path, 'users: [broken\n');
    await until(() => logger.lines.some((l) => l.level === 'warn'), 'the broken edit to be reported');
    assert.ok(db.lookup('bob'));
    assert.equal(db.generation, 2);

    replace(path, usersYaml(['dave']));
    await until(() => db.generation === 3, 'the fixed edit');
    assert.ok(db.lookup('dave'));
    assert.equal(db.lookup('bob'), undefined);
  } finally {
    db.close();
  }
  // After close() nothing changes any more.
  replace(path, usersYaml(['erin']));
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(db.generation, 3);
});
