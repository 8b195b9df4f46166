/**
 * `npm run bench`: runs scenarios S1–S7 (issue 5) on 127.0.0.1 against their baselines in the same run, with
 * wrk as the load generator, and writes a table plus bench/results.json. See docs/performance.md.
 *
 *   npm run bench                 full: median of 3 runs per scenario, 10 s each (~10 min)
 *   npm run bench -- --quick      one 4 s run per scenario, 100k sessions (< 2 min)
 *   npm run bench -- --only S1,S3 a subset
 *   npm run bench -- --profile    S1, S2 and S4 under node --cpu-prof, then the top self-time functions
 *                                 (add --no-decision-log / --no-monitoring to profile what is left without them)
 *   npm run bench -- --ablation   S1/S2 CPU per request without decision logging, audit/detection, or both
 */
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashPassword } from '../src/authn/index.js';
import { configFromObject } from '../src/config/index.js';
import { type Build, buildTree } from './lib/build.js';
import { cpuOf, killAllNow, spawnTracked, stopAll, stopChild, waitForLine } from './lib/children.js';
import { BENCH_PASSWORD, BENCH_USER, benchConfig, PORTAL, TARGET } from './lib/config.js';
import { type LoginStats, startLoginLoad } from './lib/logins.js';
import { assertLoopbackHost, LOOPBACK } from './lib/loopback.js';
import { httpRequest } from './lib/net.js';
import { monotonicUs, summarizeProfile } from './lib/profile.js';
import { caddyPath, nginxPath, type RunningProxy, startCaddy, startNginx } from './lib/proxies.js';
import { measureStartup } from './lib/startup.js';
import { median, round } from './lib/stats.js';
import { runWrk, type WrkResult, wrkAvailable } from './lib/wrk.js';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(BENCH_DIR, '..');
const SCENARIOS = ['S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7'] as const;

// ---------------------------------------------------------------------------------------------- arguments

interface Args {
  readonly quick: boolean;
  readonly profile: boolean;
  readonly ablation: boolean;
  /** --no-decision-log / --no-monitoring, passed to the gateway under --profile. */
  readonly gatewayFlags: readonly string[];
  readonly only: ReadonlySet<string>;
  readonly out: string;
}

function usage(): never {
  console.log(
    'usage: npm run bench -- [--quick] [--only S1,S2,...] [--profile | --ablation] [--host 127.0.0.1] [--out bench/results.json]',
  );
  process.exit(0);
}

function parseArgs(argv: readonly string[]): Args {
  let quick = false;
  let profile = false;
  let ablation = false;
  const gatewayFlags: string[] = [];
  let only: Set<string> = new Set(SCENARIOS);
  let out = join(BENCH_DIR, 'results.json');
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--quick') quick = true;
    else if (a === '--full') quick = false;
    else if (a === '--profile') profile = true;
    else if (a === '--ablation') ablation = true;
    else if (a === '--no-decision-log' || a === '--no-monitoring') gatewayFlags.push(a);
    else if (a === '--host' || a === '--target') assertLoopbackHost(value());
    else if (a === '--out') out = resolve(value());
    else if (a === '--only') {
      only = new Set(value().toUpperCase().split(','));
      for (const s of only) {
        if (!(SCENARIOS as readonly string[]).includes(s)) throw new Error(`unknown scenario ${s}`);
      }
    } else if (a === '--help' || a === '-h') usage();
    else throw new Error(`unknown argument ${a}`);
  }
  return { quick, profile, ablation, gatewayFlags, only, out };
}

// ---------------------------------------------------------------------------------------------- settings

interface Mode {
  readonly name: 'quick' | 'full';
  readonly durationS: number;
  readonly warmupS: number;
  readonly runs: number;
  readonly sessions: number;
  /** Live sessions in S3's two gateways (the ratio compares rule counts; quick mode saves their start-up). */
  readonly ruleScalingSessions: number;
  readonly memoryCounts: readonly number[];
  readonly startupRuns: number;
  /** Hard stop for the whole run: everything is killed and the bench exits non-zero. */
  readonly deadlineS: number;
}

const QUICK: Mode = {
  name: 'quick',
  durationS: 4,
  warmupS: 1,
  runs: 1,
  sessions: 100_000,
  ruleScalingSessions: 10_000,
  memoryCounts: [100_000],
  startupRuns: 3,
  deadlineS: 240,
};
const FULL: Mode = {
  name: 'full',
  durationS: 10,
  warmupS: 3,
  runs: 3,
  sessions: 100_000,
  ruleScalingSessions: 100_000,
  memoryCounts: [100_000, 1_000_000],
  startupRuns: 5,
  deadlineS: 45 * 60,
};

const WRK = { threads: 2, connections: 50 } as const;
const LOGINS_PER_S = 20;

const FORWARD_HEADERS: Record<string, string> = {
  'X-Forwarded-Proto': 'https',
  'X-Forwarded-Host': TARGET.host,
  'X-Forwarded-Uri': TARGET.uri,
  'X-Forwarded-Method': TARGET.method,
  'X-Forwarded-For': TARGET.clientIp,
  Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
};

// ---------------------------------------------------------------------------------------------- results

interface ScenarioResult {
  readonly id: string;
  readonly name: string;
  readonly rps?: number;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  /** What the ratio is taken against (the bare node:http server, the same proxy without auth, ...). */
  readonly baselineName?: string;
  readonly baselineRps?: number;
  readonly baselineP99Ms?: number;
  /** CPU time (user + system, all threads) the process under test spent per request. */
  readonly cpuUsPerReq?: number;
  readonly baselineCpuUsPerReq?: number;
  readonly ratio?: number;
  readonly value?: number;
  readonly unit?: string;
  readonly target: string;
  /** null: reported, no target. */
  readonly met: boolean | null;
  readonly runs?: readonly unknown[];
  readonly notes?: readonly string[];
}

const results: ScenarioResult[] = [];

type Measured = WrkResult & { readonly cpuUsPerReq?: number };

function summary(runs: readonly Measured[]) {
  const cpu = runs.flatMap((r) => (r.cpuUsPerReq === undefined ? [] : [r.cpuUsPerReq]));
  return {
    rps: Math.round(median(runs.map((r) => r.rps))),
    p50Ms: round(median(runs.map((r) => r.p50Ms)), 3),
    p99Ms: round(median(runs.map((r) => r.p99Ms)), 3),
    ...(cpu.length ? { cpuUsPerReq: round(median(cpu), 1) } : {}),
  };
}

function errorsNote(label: string, runs: readonly Measured[]): string[] {
  const bad = runs.reduce((n, r) => n + r.non2xx3xx, 0);
  const sock = runs.reduce((n, r) => n + r.socketErrors, 0);
  const out: string[] = [];
  if (bad) out.push(`${label}: ${bad} responses were not 2xx/3xx`);
  if (sock) out.push(`${label}: ${sock} socket errors`);
  return out;
}

const compactRun = (r: Measured) => ({
  rps: Math.round(r.rps),
  p50Ms: r.p50Ms,
  p99Ms: r.p99Ms,
  ...(r.cpuUsPerReq === undefined ? {} : { cpuUsPerReq: r.cpuUsPerReq }),
});

// ---------------------------------------------------------------------------------------------- children

interface Gateway {
  readonly child: ChildProcess;
  readonly port: number;
  readonly cookie: string;
  readonly sessionsMs: number;
}

/** The compiled tree the children run from (set up first thing in main). */
let build: Build | undefined;

function nodeChild(script: string, args: readonly string[], nodeFlags: readonly string[] = []): ChildProcess {
  if (!build) throw new Error('the bench tree is not built');
  return spawnTracked(process.execPath, [...nodeFlags, build.js(`bench/${script}`), ...args], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: { ...process.env, BENCH_HOST: LOOPBACK },
  });
}

async function startBaseline(): Promise<{ child: ChildProcess; port: number }> {
  const child = nodeChild('baseline-child.ts', []);
  const ready = JSON.parse(await waitForLine(child, 'READY ', 30_000, 'baseline server')) as { port: number };
  return { child, port: ready.port };
}

async function startGateway(
  rules: number,
  sessions: number,
  nodeFlags: readonly string[] = [],
  childFlags: readonly string[] = [],
): Promise<Gateway> {
  const child = nodeChild(
    'gateway-child.ts',
    ['--rules', String(rules), '--sessions', String(sessions), ...childFlags],
    nodeFlags,
  );
  const ready = JSON.parse(await waitForLine(child, 'READY ', 300_000, `gateway (${rules} rules)`)) as {
    port: number;
    cookie: string;
    sessionsMs: number;
  };
  return { child, port: ready.port, cookie: ready.cookie, sessionsMs: ready.sessionsMs };
}

const authzUrl = (port: number) => `http://${LOOPBACK}:${port}/api/authz/forward-auth`;

/** Fails the run early when the gateway does not answer what the scenario claims to measure. */
async function checkGateway(gw: Gateway): Promise<void> {
  const allow = await httpRequest(gw.port, '/api/authz/forward-auth', {
    headers: { ...FORWARD_HEADERS, Cookie: gw.cookie },
  });
  if (allow.status !== 200 || allow.headers['remote-user'] !== BENCH_USER) {
    throw new Error(
      `S1 sanity check: expected 200 for ${BENCH_USER}, got ${allow.status} ${allow.body.slice(0, 200)}`,
    );
  }
  const anon = await httpRequest(gw.port, '/api/authz/forward-auth', { headers: FORWARD_HEADERS });
  const loc = String(anon.headers['location'] ?? '');
  if (anon.status !== 302 || !loc.startsWith(PORTAL)) {
    throw new Error(`S2 sanity check: expected 302 to the portal, got ${anon.status} ${loc}`);
  }
}

// ---------------------------------------------------------------------------------------------- scenarios

/** One wrk run; with `child`, also the CPU time that node child spent per request (less noisy than req/s). */
async function measure(
  mode: Mode,
  url: string,
  headers: Record<string, string>,
  child?: ChildProcess,
  durationS = mode.durationS,
): Promise<Measured> {
  const before = child ? await cpuOf(child) : 0;
  const r = await runWrk({ url, headers, durationS, ...WRK });
  if (!child) return r;
  const after = await cpuOf(child);
  return { ...r, cpuUsPerReq: round((after - before) / Math.max(1, r.requests), 1) };
}

async function warm(mode: Mode, url: string, headers: Record<string, string>): Promise<void> {
  await measure(mode, url, headers, undefined, mode.warmupS);
}

async function withLogins(
  gw: Gateway,
  run: () => Promise<WrkResult>,
): Promise<{ wrk: WrkResult; logins: LoginStats }> {
  const load = startLoginLoad({
    port: gw.port,
    perSecond: LOGINS_PER_S,
    username: BENCH_USER,
    password: BENCH_PASSWORD,
  });
  // Let the login queue reach its steady state before the checks are measured.
  await new Promise((r) => setTimeout(r, 1000));
  try {
    const wrk = await run();
    return { wrk, logins: await load.stop() };
  } catch (e) {
    await load.stop();
    throw e;
  }
}

/** S1, S2, S4 (and S7, which needs the same gateway) against the 1,000-rule gateway. */
async function mainScenarios(
  mode: Mode,
  only: ReadonlySet<string>,
  baseline: { child: ChildProcess; port: number },
): Promise<void> {
  const baselinePort = baseline.port;
  const needGw = ['S1', 'S2', 'S4', 'S7'].some((s) => only.has(s));
  if (!needGw) return;
  log(`starting gateway: 1,000 rules, ${mode.sessions.toLocaleString('en')} sessions`);
  const gw = await startGateway(1000, mode.sessions);
  log(`  ready (sessions created in ${(gw.sessionsMs / 1000).toFixed(1)} s)`);
  await checkGateway(gw);
  const s1Headers = { ...FORWARD_HEADERS, Cookie: gw.cookie };
  const base = `http://${LOOPBACK}:${baselinePort}/api/authz/forward-auth`;

  if (only.has('S1') || only.has('S2') || only.has('S4')) {
    await warm(mode, base, FORWARD_HEADERS);
    await warm(mode, authzUrl(gw.port), s1Headers);
    if (only.has('S2')) await warm(mode, authzUrl(gw.port), FORWARD_HEADERS);
    const base0: Measured[] = [];
    const s1: Measured[] = [];
    const s2: Measured[] = [];
    const s4: Measured[] = [];
    const logins: LoginStats[] = [];
    for (let r = 0; r < mode.runs; r++) {
      log(
        `round ${r + 1}/${mode.runs}: baseline, S1${only.has('S2') ? ', S2' : ''}${only.has('S4') ? ', S4' : ''}`,
      );
      base0.push(await measure(mode, base, FORWARD_HEADERS, baseline.child));
      s1.push(await measure(mode, authzUrl(gw.port), s1Headers, gw.child));
      if (only.has('S2')) s2.push(await measure(mode, authzUrl(gw.port), FORWARD_HEADERS, gw.child));
      if (only.has('S4')) {
        const x = await withLogins(gw, () => measure(mode, authzUrl(gw.port), s1Headers, gw.child));
        s4.push(x.wrk);
        logins.push(x.logins);
      }
    }
    const b = summary(base0);
    results.push({
      id: 'S0',
      name: 'baseline: bare node:http, 200 + fixed header',
      ...b,
      target: 'reference',
      met: null,
      runs: base0.map(compactRun),
      notes: errorsNote('baseline', base0),
    });
    const a = summary(s1);
    const s1Ratio = round(a.rps / b.rps, 3);
    if (only.has('S1')) {
      results.push({
        id: 'S1',
        name: 'forward-auth allow (cookie, 1k rules, 100k sessions, JSON log)',
        ...a,
        baselineName: 'S0',
        baselineRps: b.rps,
        baselineCpuUsPerReq: b.cpuUsPerReq,
        ratio: s1Ratio,
        target: '≥ 0.85× baseline req/s; p99 ≤ 2 ms',
        met: s1Ratio >= 0.85 && a.p99Ms <= 2,
        runs: s1.map(compactRun),
        notes: errorsNote('S1', s1),
      });
    }
    if (only.has('S2')) {
      const c = summary(s2);
      const ratio = round(c.rps / b.rps, 3);
      results.push({
        id: 'S2',
        name: 'forward-auth anonymous → 302 to the portal',
        ...c,
        baselineName: 'S0',
        baselineRps: b.rps,
        baselineCpuUsPerReq: b.cpuUsPerReq,
        ratio,
        target: '≥ 0.85× baseline req/s',
        met: ratio >= 0.85,
        runs: s2.map(compactRun),
        notes: errorsNote('S2', s2),
      });
    }
    if (only.has('S4')) {
      const d = summary(s4);
      const ratio = round(d.p99Ms / a.p99Ms, 2);
      const all = logins.reduce<Record<string, number>>((acc, l) => {
        for (const [k, v] of Object.entries(l.statuses)) acc[k] = (acc[k] ?? 0) + v;
        return acc;
      }, {});
      const loginP99 = round(median(logins.map((l) => l.p99Ms)), 1);
      results.push({
        id: 'S4',
        name: `S1 while ${LOGINS_PER_S} logins/s run (argon2id t=3 m=64MiB p=4)`,
        ...d,
        baselineName: 'S1 idle (same rounds)',
        baselineRps: a.rps,
        baselineP99Ms: a.p99Ms,
        ratio,
        value: loginP99,
        unit: 'login p99 ms',
        target: 'S1 p99 under logins ≤ 2× idle p99 (ratio is p99 ÷ idle p99)',
        met: ratio <= 2,
        runs: s4.map((w, i) => ({ ...compactRun(w), logins: logins[i] })),
        notes: [
          `login p50 ${round(median(logins.map((l) => l.p50Ms)), 1)} ms, p99 ${loginP99} ms; statuses ${JSON.stringify(all)}`,
          ...errorsNote('S4', s4),
        ],
      });
    }
  }

  if (only.has('S7')) await proxyScenarios(mode, gw, baselinePort);
  await stopChild(gw.child);
}

async function proxyScenarios(mode: Mode, gw: Gateway, upstreamPort: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-bench-proxy-'));
  try {
    const starters: [string, string | undefined, (d: string) => Promise<RunningProxy>][] = [
      ['caddy', caddyPath(), (d) => startCaddy(d, { upstream: upstreamPort, gateway: gw.port })],
      ['nginx', nginxPath(), (d) => startNginx(d, { upstream: upstreamPort, gateway: gw.port })],
    ];
    for (const [name, bin, start] of starters) {
      if (!bin) {
        results.push({ id: `S7-${name}`, name: `${name}: not installed`, target: 'report', met: null });
        continue;
      }
      const pdir = join(dir, name);
      mkdirSync(pdir);
      log(`S7: ${name}`);
      const proxy = await start(pdir);
      try {
        const headers = { Host: TARGET.host, Cookie: gw.cookie, Accept: FORWARD_HEADERS['Accept']! };
        const authed = await httpRequest(proxy.authPort, TARGET.uri, { headers });
        if (authed.status !== 200 || authed.body !== '200 OK') {
          throw new Error(
            `S7 ${name}: expected the upstream's 200 through auth, got ${authed.status} ${authed.body}`,
          );
        }
        const anon = await httpRequest(proxy.authPort, TARGET.uri, {
          headers: { Host: TARGET.host, Accept: FORWARD_HEADERS['Accept']! },
        });
        if (anon.status !== 302)
          throw new Error(`S7 ${name}: expected 302 without a cookie, got ${anon.status}`);
        const plainUrl = `http://${LOOPBACK}:${proxy.plainPort}${TARGET.uri}`;
        const authUrl = `http://${LOOPBACK}:${proxy.authPort}${TARGET.uri}`;
        await warm(mode, plainUrl, headers);
        await warm(mode, authUrl, headers);
        const plain: Measured[] = [];
        const auth: Measured[] = [];
        for (let r = 0; r < mode.runs; r++) {
          plain.push(await measure(mode, plainUrl, headers));
          auth.push(await measure(mode, authUrl, headers));
        }
        const p = summary(plain);
        const a = summary(auth);
        results.push({
          id: `S7-${name}`,
          name: `${name} ${name === 'caddy' ? 'forward_auth' : 'auth_request'} → upstream, vs same proxy without auth`,
          ...a,
          baselineName: `${name} without auth`,
          baselineRps: p.rps,
          baselineP99Ms: p.p99Ms,
          ratio: round(a.rps / p.rps, 3),
          target: 'report (cost of adding Portcullis)',
          met: null,
          runs: auth.map((w, i) => ({ auth: compactRun(w), plain: compactRun(plain[i]!) })),
          notes: [...errorsNote(`${name} plain`, plain), ...errorsNote(`${name} auth`, auth)],
        });
      } finally {
        await stopChild(proxy.child);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function ruleScaling(mode: Mode): Promise<void> {
  const n = mode.ruleScalingSessions;
  log(`S3: starting gateways with 10 and 10,000 rules (${n.toLocaleString('en')} sessions each)`);
  const [small, large] = await Promise.all([startGateway(10, n), startGateway(10_000, n)]);
  try {
    await checkGateway(small);
    await checkGateway(large);
    const hs = { ...FORWARD_HEADERS, Cookie: small.cookie };
    const hl = { ...FORWARD_HEADERS, Cookie: large.cookie };
    await warm(mode, authzUrl(small.port), hs);
    await warm(mode, authzUrl(large.port), hl);
    const s: Measured[] = [];
    const l: Measured[] = [];
    for (let r = 0; r < mode.runs; r++) {
      log(`round ${r + 1}/${mode.runs}: S1 with 10 rules, with 10,000 rules`);
      s.push(await measure(mode, authzUrl(small.port), hs, small.child));
      l.push(await measure(mode, authzUrl(large.port), hl, large.child));
    }
    const a = summary(s);
    const b = summary(l);
    const ratio = round(b.rps / a.rps, 3);
    results.push({
      id: 'S3',
      name: 'rule scaling: S1 with 10,000 rules vs 10 rules',
      ...b,
      baselineName: 'S1 with 10 rules',
      baselineRps: a.rps,
      baselineCpuUsPerReq: a.cpuUsPerReq,
      baselineP99Ms: a.p99Ms,
      ratio,
      target: '≥ 0.8× S1 with 10 rules',
      met: ratio >= 0.8,
      runs: l.map((w, i) => ({ rules10k: compactRun(w), rules10: compactRun(s[i]!) })),
      notes: [...errorsNote('10 rules', s), ...errorsNote('10k rules', l)],
    });
  } finally {
    await Promise.all([stopChild(small.child), stopChild(large.child)]);
  }
}

async function memoryScenarios(mode: Mode): Promise<void> {
  for (const count of mode.memoryCounts) {
    for (const store of ['memory', 'sqlite'] as const) {
      log(`S5: ${store} store, ${count.toLocaleString('en')} sessions`);
      const child = nodeChild(
        'memory-child.ts',
        ['--store', store, '--sessions', String(count)],
        ['--expose-gc', '--max-old-space-size=8192'],
      );
      const r = JSON.parse(await waitForLine(child, 'RESULT ', 600_000, `S5 ${store}`)) as {
        heapBytesPerSession: number;
        rssBytesPerSession: number;
        dbBytesPerSession: number;
        createPerSec: number;
      };
      await stopChild(child);
      const heap = Math.round(r.heapBytesPerSession);
      results.push({
        id: `S5-${store}-${count >= 1e6 ? `${count / 1e6}M` : `${count / 1e3}k`}`,
        name: `heap per live session, ${store} store, ${count.toLocaleString('en')} sessions`,
        value: heap,
        unit: 'heap bytes/session',
        target: store === 'memory' ? '≤ 1024 B/session' : 'report',
        met: store === 'memory' ? heap <= 1024 : null,
        notes: [
          `RSS ${Math.round(r.rssBytesPerSession)} B/session` +
            (store === 'sqlite' ? `, database file ${Math.round(r.dbBytesPerSession)} B/session` : '') +
            `, created ${Math.round(r.createPerSec).toLocaleString('en')}/s`,
        ],
      });
    }
  }
}

async function startupScenario(mode: Mode, digest: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-bench-start-'));
  try {
    const cli = build!.cli;
    const times: number[] = [];
    for (let i = 0; i < mode.startupRuns; i++) {
      const r = await measureStartup({
        cli,
        dir: join(dir, `run${i}`),
        rules: 1000,
        digest,
        timeoutMs: 15_000,
      });
      times.push(round(r.ms, 1));
    }
    const ms = round(median(times), 1);
    results.push({
      id: 'S6',
      name: 'start-up: process start → /api/health 200, 1,000 rules, fresh SQLite',
      value: ms,
      unit: 'ms',
      target: '≤ 500 ms',
      met: ms <= 500,
      runs: times,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * S1, S2, then S4 against one gateway started under node --cpu-prof; each summary covers only its own load window
 * (sample timestamps share the monotonic clock), so start-up and warm-up are left out.
 */
async function profileScenarios(mode: Mode, gatewayFlags: readonly string[]): Promise<void> {
  const dir = join(tmpdir(), `portcullis-bench-profile-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  log(`profiling S1, S2 and S4 (--cpu-prof into ${dir})`);
  const gw = await startGateway(1000, mode.sessions, ['--cpu-prof', '--cpu-prof-dir', dir], gatewayFlags);
  await checkGateway(gw);
  const windows: { id: string; fromUs: number; toUs: number; w: Measured }[] = [];
  const allowed = { ...FORWARD_HEADERS, Cookie: gw.cookie };
  for (const [id, headers] of [
    ['S1', allowed],
    ['S2', FORWARD_HEADERS],
  ] as const) {
    await warm(mode, authzUrl(gw.port), headers);
    const fromUs = monotonicUs();
    const w = await measure(mode, authzUrl(gw.port), headers, gw.child, Math.max(10, mode.durationS));
    windows.push({ id, fromUs, toUs: monotonicUs(), w });
  }
  // S4: what the event loop does for the logins (the hashes themselves run on other threads).
  const fromUs = monotonicUs();
  const s4 = await withLogins(gw, () =>
    measure(mode, authzUrl(gw.port), allowed, gw.child, Math.max(10, mode.durationS)),
  );
  windows.push({ id: 'S4', fromUs, toUs: monotonicUs(), w: s4.wrk });
  await stopChild(gw.child, 15_000);
  // One profile per thread; the main thread's is CPU.<date>.<time>.<pid>.0.<n>.cpuprofile.
  const profiles = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const file = profiles.find((f) => /\.0\.\d+\.cpuprofile$/.test(f)) ?? profiles[0];
  if (!file) throw new Error(`no .cpuprofile written in ${dir}`);
  console.log(`\nprofile: ${join(dir, file)}`);
  const out: Record<string, unknown> = {};
  for (const { id, fromUs, toUs, w } of windows) {
    const s = summarizeProfile(join(dir, file), 30, { fromUs, toUs });
    out[id] = { wrk: compactRun(w), ...s };
    console.log(
      `\n${id} under the profiler: ${Math.round(w.rps)} req/s, p99 ${w.p99Ms} ms, ${w.cpuUsPerReq} µs CPU/request` +
        ` (the profiler slows it down); window busy ${s.busyMs} ms, idle ${s.idleMs} ms`,
    );
    console.log('self time by area:');
    for (const a of s.areas) console.log(`  ${a.pct.toFixed(1).padStart(5)} %  ${a.area}`);
    console.log('top self-time functions:');
    for (const t of s.top) console.log(`  ${t.pct.toFixed(1).padStart(5)} %  ${t.name}  ${t.where}`);
  }
  writeFileSync(join(dir, 'summary.json'), `${JSON.stringify(out, null, 2)}\n`);
}

/**
 * What the optional parts of a check cost: S1 and S2 CPU per request with decision logging and/or the audit
 * log + detection turned off. CPU time per request is far less noisy than req/s on a shared machine.
 */
async function ablation(mode: Mode): Promise<void> {
  const variants: [string, string[]][] = [
    ['as configured (decision log + audit + detection)', []],
    ['no decision log', ['--no-decision-log']],
    ['no audit/detection', ['--no-monitoring']],
    ['neither', ['--no-decision-log', '--no-monitoring']],
  ];
  console.log(
    '\nvariant                                            S1 req/s  S1 µs/req  S2 req/s  S2 µs/req',
  );
  for (const [name, flags] of variants) {
    const gw = await startGateway(1000, 10_000, [], flags);
    try {
      await checkGateway(gw);
      const h1 = { ...FORWARD_HEADERS, Cookie: gw.cookie };
      await warm(mode, authzUrl(gw.port), h1);
      const s1 = await measure(mode, authzUrl(gw.port), h1, gw.child);
      const s2 = await measure(mode, authzUrl(gw.port), FORWARD_HEADERS, gw.child);
      console.log(
        `${name.padEnd(50)} ${fmt(s1.rps).padStart(8)}  ${fmt(s1.cpuUsPerReq, 1).padStart(9)}  ${fmt(s2.rps).padStart(8)}  ${fmt(s2.cpuUsPerReq, 1).padStart(9)}`,
      );
    } finally {
      await stopChild(gw.child);
    }
  }
}

// ---------------------------------------------------------------------------------------------- output

function machine() {
  let wrkVersion = '';
  try {
    execFileSync('wrk', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    wrkVersion = String((e as { stdout?: string }).stdout ?? '')
      .split('\n')[0]!
      .trim();
  }
  return {
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    nodeVersion: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverageAtStart: loadavg().map((v) => round(v, 2)),
    loadGenerator: { tool: 'wrk', version: wrkVersion, ...WRK },
  };
}

function fmt(v: number | undefined, digits = 0): string {
  if (v === undefined || !Number.isFinite(v)) return '';
  return digits ? v.toFixed(digits) : Math.round(v).toLocaleString('en');
}

function printTable(rows: readonly ScenarioResult[]): void {
  const head = [
    'id',
    'req/s',
    'p50 ms',
    'p99 ms',
    'cpu µs/req',
    'vs',
    'base req/s',
    'base cpu',
    'ratio',
    'value',
    'target',
    'met',
  ];
  const body = rows.map((r) => [
    r.id,
    fmt(r.rps),
    fmt(r.p50Ms, 2),
    fmt(r.p99Ms, 2),
    fmt(r.cpuUsPerReq, 1),
    r.baselineName ?? '',
    fmt(r.baselineRps),
    fmt(r.baselineCpuUsPerReq, 1),
    fmt(r.ratio, 2),
    r.value !== undefined ? `${r.value} ${r.unit ?? ''}` : '',
    r.target,
    r.met === null ? '–' : r.met ? 'yes' : 'NO',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(`\n${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const b of body) console.log(line(b));
  for (const r of rows) for (const n of r.notes ?? []) console.log(`  ${r.id}: ${n}`);
}

const log = (msg: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);

// ---------------------------------------------------------------------------------------------- main

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const mode = args.quick ? QUICK : FULL;
  if (!wrkAvailable())
    throw new Error('wrk is not installed: run scripts/bench-deps.sh (Debian package `wrk`)');
  const deadline = setTimeout(() => {
    interrupted = true;
    log(`deadline of ${mode.deadlineS} s passed: stopping every process`);
    void stopAll().finally(() => process.exit(2));
  }, mode.deadlineS * 1000);
  deadline.unref();
  const t0 = performance.now();
  const buildDir = mkdtempSync(join(tmpdir(), 'portcullis-bench-build-'));
  process.once('exit', () => rmSync(buildDir, { recursive: true, force: true }));
  build = await buildTree(REPO, buildDir);

  if (args.profile) {
    await profileScenarios(mode, args.gatewayFlags);
    return;
  }
  if (args.ablation) {
    await ablation(mode);
    return;
  }

  const info = machine();
  log(
    `${mode.name} run on ${info.cores} cores (${info.cpuModel}), node ${info.nodeVersion}, load ${info.loadAverageAtStart.join(' ')}`,
  );
  const baseline = await startBaseline();
  try {
    await mainScenarios(mode, args.only, baseline);
  } finally {
    await stopChild(baseline.child);
  }
  if (args.only.has('S3')) await ruleScaling(mode);
  if (args.only.has('S6')) {
    const loaded = configFromObject(benchConfig({ dir: tmpdir(), rules: 10, port: 0, logFile: false }), {});
    if (!loaded.ok) throw new Error('bench config is invalid');
    const digest = await hashPassword(BENCH_PASSWORD, loaded.config.authenticationBackend.file!.password);
    await startupScenario(mode, digest);
  }
  if (args.only.has('S5')) await memoryScenarios(mode);

  const order = (id: string) => Number(id.replace(/^S(\d).*$/, '$1'));
  results.sort((a, b) => order(a.id) - order(b.id));
  const report = {
    generatedAt: new Date().toISOString(),
    mode: mode.name,
    durationS: mode.durationS,
    runsPerScenario: mode.runs,
    wallClockS: round((performance.now() - t0) / 1000, 1),
    machine: { ...info, loadAverageAtEnd: loadavg().map((v) => round(v, 2)) },
    scenarios: results,
  };
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.out, `${JSON.stringify(report, null, 2)}\n`);
  printTable(results);
  console.log(`\n${mode.name} run: ${report.wallClockS} s; results in ${args.out}`);
}

let interrupted = false;
process.on('exit', killAllNow);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    interrupted = true;
    log(`${sig}: stopping every process the bench started`);
    void stopAll().finally(() => process.exit(130));
  });
}
main().then(
  () => stopAll(),
  (err: unknown) => {
    // Killed children make the step in progress fail; after Ctrl-C that is expected, not news.
    if (interrupted) return;
    console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
    return stopAll().finally(() => process.exit(1));
  },
);
