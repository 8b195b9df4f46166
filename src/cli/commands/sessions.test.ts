import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { runCli } from '../../../test/harness/cli.js';
import { baseConfig } from '../../../test/harness/gateway.js';
import { sampleSession } from '../../../test/harness/sessions.js';
import { openSessionAdmin } from '../../app/index.js';
import { openSessionStore } from '../../app/session-store.js';
import { openStorage } from '../../app/storage.js';
import { loadConfigOrThrow } from '../../config/index.js';
import { silentLogger, systemClock } from '../../core/index.js';
import { EXIT } from '../exit-codes.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const run = (args: string[]) => runCli(['sessions', ...args]);

const session = (username: string, ip: string, keepMeLoggedIn = false) =>
  sampleSession(Date.now(), { username, ip, keepMeLoggedIn, createdAt: Date.now() - 60_000 });

// The same commands against sessions in SQLite and in Redis (a database index of its own, emptied after).
const redisDb = 1 + Math.floor(Math.random() * 15);
for (const where of ['sqlite', 'redis'] as const) {
  describe(`sessions CLI with sessions in ${where}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-cli-sessions-'));
    dirs.push(dir);
    const obj = baseConfig(dir);
    if (where === 'redis') obj['session'].redis = { host: '127.0.0.1', port: 6379, database_index: redisDb };
    const config = join(dir, 'configuration.yml');
    writeFileSync(config, stringify(obj));
    writeFileSync(join(dir, 'users_database.yml'), 'users: {}\n');
    after(async () => {
      if (where !== 'redis') return;
      const r = new Redis({ host: '127.0.0.1', port: 6379, db: redisDb });
      await r.flushdb();
      r.disconnect();
    });

    const sessions = {
      john1: session('john', '192.0.2.1', true),
      john2: session('john', '192.0.2.2'),
      alice: session('alice', '198.51.100.9'),
    };

    // Seeded once: the list test reads them, the revoke tests end them in turn.
    before(async () => {
      const { config: cfg } = await loadConfigOrThrow([config], {});
      const storage = await openStorage(cfg.storage);
      const opened = await openSessionStore(cfg, storage, systemClock, silentLogger);
      for (const s of Object.values(sessions)) await opened.store.set(s, 3_600_000);
      await opened.close();
      await storage.close();
    });

    test('list shows each live session; --user filters; --json is machine-readable', async () => {
      let r = await run(['list', '-c', config]);
      assert.equal(r.code, EXIT.OK, r.err);
      assert.match(r.out, /USER\s+IP\s+CREATED\s+LAST ACTIVITY\s+REMEMBER ME\s+DOMAIN/);
      assert.match(r.out, /^alice\s+198\.51\.100\.9\s.*\sno\s+example\.com$/m);
      assert.match(r.out, /^john\s+192\.0\.2\.1\s.*\syes\s+example\.com$/m);
      assert.match(r.out, /^3 sessions\.$/m);

      r = await run(['list', '--user', 'john', '--json', '-c', config]);
      assert.equal(r.code, EXIT.OK, r.err);
      const rows = JSON.parse(r.out) as { username: string; ip: string; rememberMe: boolean }[];
      assert.deepEqual(rows.map((x) => [x.username, x.ip, x.rememberMe]).sort(), [
        ['john', '192.0.2.1', true],
        ['john', '192.0.2.2', false],
      ]);
    });

    test('revoke needs exactly one of --user and --all', async () => {
      for (const args of [[], ['--user', 'john', '--all']]) {
        const r = await run(['revoke', ...args, '-c', config]);
        assert.equal(r.code, EXIT.USAGE, r.out);
        assert.match(r.err, /exactly one of --user <username> or --all/);
      }
    });

    test('revoke --user ends that user’s sessions only, and --all the rest; each is audited', async () => {
      let r = await run(['revoke', '--user', 'john', '-c', config]);
      assert.equal(r.code, EXIT.OK, r.err);
      assert.match(r.out, /Revoked 2 sessions of 'john'\./);
      const { config: cfg } = await loadConfigOrThrow([config], {});
      const admin = await openSessionAdmin(cfg);
      try {
        assert.deepEqual(
          (await admin.list()).map((s) => s.username),
          ['alice'],
        );
      } finally {
        await admin.close();
      }
      r = await run(['revoke', '--all', '-c', config]);
      assert.equal(r.code, EXIT.OK, r.err);
      assert.match(r.out, /Revoked 1 session of 1 user\./);
      r = await run(['list', '-c', config]);
      assert.match(r.out, /^No live sessions\.$/m);

      const storage = await openStorage(cfg.storage);
      const audited = await storage.sql.all<{ username: string; data: string }>(
        "SELECT username, data FROM audit_log WHERE type = 'session.revoked' ORDER BY seq",
      );
      await storage.close();
      assert.deepEqual(
        audited.map((a) => [a.username, JSON.parse(a.data).count, JSON.parse(a.data).reason]),
        [
          ['john', 2, 'cli'],
          ['alice', 1, 'cli'],
        ],
      );
    });
  });
}
