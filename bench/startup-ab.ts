/**
 * Start-up of two commits side by side: `npx tsx bench/startup-ab.ts <rev-a> <rev-b> [pairs]` builds each in a
 * temporary git worktree as `npm install` would for that commit (the bundle where tools/bundle.ts exists, else
 * tsc's file tree), then alternates cold starts of `bin/portcullis.js serve` with S6's 1,000-rule configuration
 * (process start to the first 200 from /api/health) and prints each pair and both medians. Alternating on the
 * same machine at the same time is what makes two builds comparable on a noisy box; S6 times one build only.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { hashPassword } from '../src/authn/index.js';
import { PASSWORD_HASH_DEFAULTS } from '../src/config/index.js';
import { killAllNow } from './lib/children.js';
import { BENCH_PASSWORD } from './lib/config.js';
import { measureStartup } from './lib/startup.js';
import { median } from './lib/stats.js';

const [revA, revB, pairsArg] = process.argv.slice(2);
if (!revA || !revB) {
  console.error('usage: npx tsx bench/startup-ab.ts <rev-a> <rev-b> [pairs (default 8)]');
  process.exit(2);
}
const pairs = Number(pairsArg ?? 8);
const REPO = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'portcullis-startup-ab-'));
const git = (...args: string[]) => execFileSync('git', ['-C', REPO, ...args], { stdio: 'pipe' });

function cleanup(): void {
  killAllNow();
  for (const name of ['a', 'b']) {
    try {
      git('worktree', 'remove', '--force', join(work, name));
    } catch {
      // not created (yet)
    }
  }
  rmSync(work, { recursive: true, force: true });
}
process.once('SIGINT', () => {
  cleanup();
  process.exit(130);
});

/** A checkout of `rev` built the way its own `prepare` script builds it; returns its CLI entry. */
function build(rev: string, name: string): string {
  const dir = join(work, name);
  git('worktree', 'add', '--detach', dir, rev);
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { cwd: dir, stdio: 'pipe' });
  if (existsSync(join(dir, 'tools/bundle.ts'))) run('npx', ['tsx', 'tools/bundle.ts']);
  else run('npx', ['tsc', '-p', 'tsconfig.build.json']);
  return join(dir, 'bin/portcullis.js');
}

try {
  console.log(`building ${revA} and ${revB} in ${work}`);
  const clis = { a: build(revA, 'a'), b: build(revB, 'b') };
  const digest = await hashPassword(BENCH_PASSWORD, PASSWORD_HASH_DEFAULTS);
  const times: Record<'a' | 'b', number[]> = { a: [], b: [] };
  for (let i = 0; i < pairs; i++) {
    for (const k of ['a', 'b'] as const) {
      const r = await measureStartup({
        cli: clis[k],
        dir: join(work, `run-${k}-${i}`),
        rules: 1000,
        digest,
        timeoutMs: 15_000,
      });
      times[k].push(Math.round(r.ms));
    }
    console.log(`pair ${i + 1}/${pairs}: ${revA} ${times.a[i]} ms, ${revB} ${times.b[i]} ms`);
  }
  console.log(`median of ${pairs}: ${revA} ${median(times.a)} ms, ${revB} ${median(times.b)} ms`);
} finally {
  cleanup();
}
