/**
 * S5: heap bytes per live session. Run with --expose-gc: creates N sessions through a SessionManager over the
 * memory or the SQLite store and prints `RESULT {...}` with the heap (and RSS, and for SQLite the database
 * size) growth divided by N. Usage: memory-child.ts --store memory|sqlite --sessions N
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configFromObject, formatIssues } from '../src/config/index.js';
import { systemClock } from '../src/core/index.js';
import {
  MemorySessionStore,
  SessionManager,
  type SessionStore,
  SqlSessionStore,
} from '../src/session/index.js';
import { exitWithParent } from './lib/children.js';
import { benchConfig, USER_COUNT, userGroups, userName } from './lib/config.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('memory-child needs node --expose-gc');

const storeKind = process.argv[process.argv.indexOf('--store') + 1];
const count = Number(process.argv[process.argv.indexOf('--sessions') + 1]);
if (storeKind !== 'memory' && storeKind !== 'sqlite') throw new Error('--store memory|sqlite');
if (!Number.isInteger(count) || count < 1) throw new Error('--sessions N');

const dir = mkdtempSync(join(tmpdir(), 'portcullis-bench-mem-'));
exitWithParent(() => {
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
});

const loaded = configFromObject(benchConfig({ dir, rules: 10, port: 0, logFile: true }), {});
if (!loaded.ok) throw new Error(formatIssues(loaded.issues));
const { config } = loaded;
const cookieCfg = config.session.cookies[0]!;

// Profiles come from one users database, so their strings are shared between sessions, as in the server.
const profiles = Array.from({ length: USER_COUNT }, (_, u) => {
  const name = userName(u);
  return {
    username: name,
    displayName: `User ${name}`,
    groups: userGroups(u),
    emails: [`${name}@example.com`],
  };
});

function settle(): NodeJS.MemoryUsage {
  for (let i = 0; i < 3; i++) gc!();
  return process.memoryUsage();
}

// Loaded only for SQLite: the memory measurement needs nothing but the session domain.
const storage =
  storeKind === 'sqlite'
    ? await (await import('../src/app/index.js')).openStorage(config.storage, { clock: systemClock })
    : undefined;
const before = settle();
const store: SessionStore = storage
  ? new SqlSessionStore(storage.sql, { clock: systemClock, flushIntervalMs: 0 })
  : new MemorySessionStore({ clock: systemClock, sweepIntervalMs: 0 });
const sessions = new SessionManager({
  store,
  cookies: config.session.cookies,
  clock: systemClock,
  refreshInterval: -1,
});

const t0 = performance.now();
for (let i = 0; i < count; i++) {
  await sessions.create(cookieCfg, profiles[i % USER_COUNT]!, {
    keepMeLoggedIn: false,
    ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
  });
}
const createMs = performance.now() - t0;
const after = settle();

let dbBytes = 0;
if (storage) {
  for (const f of ['db.sqlite3', 'db.sqlite3-wal']) {
    try {
      dbBytes += statSync(join(dir, f)).size;
    } catch {
      // No WAL file in rollback-journal mode.
    }
  }
}
const result = {
  store: storeKind,
  sessions: count,
  heapBytesPerSession: (after.heapUsed - before.heapUsed) / count,
  rssBytesPerSession: (after.rss - before.rss) / count,
  dbBytesPerSession: dbBytes / count,
  createPerSec: count / (createMs / 1000),
};
// Touch the store after measuring so nothing above could have been collected early.
if ((await store.get('x'.repeat(32))) !== undefined) throw new Error('unexpected session');
await store.close();
await storage?.close();
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
rmSync(dir, { recursive: true, force: true });
process.exit(0);
