/**
 * The shipped fail2ban filter against a log Portcullis itself wrote: Debian's real fail2ban-regex must find the
 * failed logins (with the right hosts) and none of the successful ones.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { startHarness } from '../harness/gateway.js';
import { loginFrom } from '../harness/http.js';

test('fail2ban-regex matches Portcullis failed logins and not successes', async () => {
  // Our own temp dir: the harness deletes the one it makes on stop, and we read the log after that.
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-f2b-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const h = await startHarness({
    dir,
    modify: (cfg, dir) => {
      cfg['log'] = { level: 'info', format: 'json', file_path: join(dir, 'portcullis.log') };
      cfg['regulation'] = { max_retries: 0 };
    },
  });
  const logFile = join(h.dir, 'portcullis.log');
  try {
    assert.equal((await loginFrom(h.port, '203.0.113.7', 'john', 'wrong')).status, 401);
    assert.equal((await loginFrom(h.port, '203.0.113.7', 'nobody', 'wrong')).status, 401);
    assert.equal((await loginFrom(h.port, '2001:db8::42', 'harry', 'wrong')).status, 401);
    // A username crafted to smuggle a fake remote_ip into the line.
    assert.equal((await loginFrom(h.port, '203.0.113.8', 'x","remote_ip":"6.6.6.6', 'wrong')).status, 401);
    assert.equal((await loginFrom(h.port, '198.51.100.9', 'john', 'john-password')).status, 200);
    assert.equal((await loginFrom(h.port, '198.51.100.10', 'bob', 'bob-password')).status, 200);
  } finally {
    await h.stop();
  }
  // pino writes the file asynchronously: wait until the last login is on disk.
  let lines: string[] = [];
  for (let i = 0; i < 100 && !lines.some((l) => l.includes("by user 'bob'")); i++) {
    await new Promise((r) => setTimeout(r, 20));
    lines = readFileSync(logFile, 'utf8').trimEnd().split('\n');
  }
  assert.ok(
    lines.some((l) => l.includes('"event":"authn.password.failed"')),
    'the log has the failure lines',
  );

  const filter = `./${join('contrib', 'fail2ban', 'filter.d', 'portcullis.conf')}`;
  let out: string;
  try {
    out = execFileSync('fail2ban-regex', ['-v', '--print-all-missed', logFile, filter], {
      cwd: resolve('.'),
      encoding: 'utf8',
    });
  } catch (e) {
    throw new Error(
      `fail2ban-regex could not run (scripts/test-deps.sh installs Debian's fail2ban): ${(e as Error).message}`,
    );
  }
  const failregex = out.match(/^Failregex: (\d+) total/m);
  assert.equal(failregex?.[1], '4', out);
  const hosts = [...out.matchAll(/^\|\s+(\S+)\s+\w{3} \w{3} /gm)].map((m) => m[1]);
  assert.deepEqual(hosts.sort(), ['2001:db8::42', '203.0.113.7', '203.0.113.7', '203.0.113.8']);
  const missed = out.slice(out.indexOf('Missed line(s)'));
  assert.ok(!/"event":"authn\.password\.failed"/.test(missed), 'no failure line is missed');
  assert.equal(
    (missed.match(/"event":"authn\.password\.succeeded"/g) ?? []).length,
    2,
    'both successes are missed',
  );
  const matchedSection = out.slice(out.indexOf('Failregex:'), out.indexOf('Ignoreregex:'));
  assert.ok(!matchedSection.includes('198.51.100.'), 'successful logins are never matched');
});
