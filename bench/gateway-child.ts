/**
 * The gateway under test, in its own process: a config with N rules (configFromObject), a users file with a
 * real default-cost argon2id digest, M live sessions created through the runtime's SessionManager, then
 * `READY {"port", "cookie", ...}` on stdout.
 * Usage: gateway-child.ts --rules N --sessions M [--no-decision-log] [--no-monitoring] (the flags measure
 * what decision logging and the audit log + detection cost)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { createRuntime } from '../src/app/index.js';
import { hashPassword } from '../src/authn/index.js';
import { startGateway } from '../src/cli/commands/serve-run.js';
import { configFromObject, formatIssues } from '../src/config/index.js';
import { answerCpuQueries, exitWithParent } from './lib/children.js';
import {
  BENCH_PASSWORD,
  benchConfig,
  COOKIE_NAME,
  USER_COUNT,
  userGroups,
  userName,
  usersFile,
} from './lib/config.js';
import { assertLoopbackHost, LOOPBACK } from './lib/loopback.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i < 0 ? fallback : Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} must be a non-negative integer`);
  return v;
}

const rules = arg('rules', 1000);
const logLevel = process.argv.includes('--no-decision-log') ? 'warn' : 'info';
const monitoring = !process.argv.includes('--no-monitoring');
const sessionCount = Math.max(1, arg('sessions', 100_000));
const host = process.env['BENCH_HOST'] ?? LOOPBACK;
assertLoopbackHost(host);

const dir = mkdtempSync(join(tmpdir(), 'portcullis-bench-'));
let stopping: (() => Promise<void>) | undefined;
exitWithParent(() => {
  const stop = stopping ?? (async () => {});
  // process.exit (not a signal death) is what makes --cpu-prof write its profile.
  stop()
    .catch(() => {})
    .finally(() => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    });
});

answerCpuQueries();

const loaded = configFromObject(
  benchConfig({ dir, rules, port: 0, logFile: true, logLevel, monitoring }),
  {},
);
if (!loaded.ok) throw new Error(`bench config is invalid:\n${formatIssues(loaded.issues)}`);
const { config } = loaded;
const file = config.authenticationBackend.file!;

const digest = await hashPassword(BENCH_PASSWORD, file.password);
writeFileSync(file.path, stringify(usersFile(digest)));

const runtime = await createRuntime(config);
const cookieCfg = config.session.cookies[0]!;
const t0 = performance.now();
let benchCookie = '';
for (let i = 0; i < sessionCount; i++) {
  // The last session belongs to the bench user: its cookie is the one the load generator sends.
  const u = i === sessionCount - 1 ? 0 : (i % (USER_COUNT - 1)) + 1;
  const name = userName(u);
  const { session } = await runtime.sessions.create(
    cookieCfg,
    { username: name, displayName: `User ${name}`, groups: userGroups(u), emails: [`${name}@example.com`] },
    { keepMeLoggedIn: false, ip: `10.0.${(i >> 8) & 255}.${i & 255}` },
  );
  if (u === 0) benchCookie = `${COOKIE_NAME}=${session.id}`;
}
const sessionsMs = performance.now() - t0;

const started = await startGateway(runtime, { host, port: 0 });
stopping = () => started.stop();
const port = Number(new URL(started.url).port);
process.stdout.write(
  `READY ${JSON.stringify({ port, cookie: benchCookie, rules: runtime.acl.ruleCount, sessions: sessionCount, sessionsMs })}\n`,
);
