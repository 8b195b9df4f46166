/**
 * S6: wall time from spawning `portcullis serve` to the first 200 from /api/health. The CLI runs as plain
 * JavaScript, as in production: the working tree's src/ is transpiled (esbuild, file by file like tsc's
 * output) into a temp dir first, so neither a stale dist/ nor tsx's on-the-fly compilation is measured.
 */
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { spawnTracked, stopChild } from './children.js';
import { benchConfig, usersFile } from './config.js';
import { freePort, httpRequest } from './net.js';

function sources(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) sources(p, out);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

/** Transpiles src/ into `dir`/dist and returns the CLI entry point. */
export async function buildCli(repo: string, dir: string): Promise<string> {
  // esbuild comes with tsx (a dev dependency); it is the fastest way to get tsc-shaped JS without type checks.
  const esbuild = await import('esbuild');
  const src = join(repo, 'src');
  await esbuild.build({
    entryPoints: sources(src),
    outdir: join(dir, 'dist'),
    outbase: src,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    bundle: false,
    logLevel: 'error',
  });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  symlinkSync(resolve(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return join(dir, 'dist', 'cli', 'main.js');
}

export interface StartupResult {
  readonly ms: number;
  readonly status: number;
}

/** One cold start with `rules` rules and a fresh SQLite file; the process is stopped afterwards. */
export async function measureStartup(o: {
  cli: string;
  dir: string;
  rules: number;
  digest: string;
  timeoutMs: number;
}): Promise<StartupResult> {
  mkdirSync(o.dir, { recursive: true });
  const port = await freePort();
  const cfgFile = join(o.dir, 'configuration.yml');
  writeFileSync(cfgFile, stringify(benchConfig({ dir: o.dir, rules: o.rules, port, logFile: true })));
  writeFileSync(join(o.dir, 'users_database.yml'), stringify(usersFile(o.digest)));
  const t0 = performance.now();
  const child = spawnTracked(process.execPath, [o.cli, 'serve', '--config', cfgFile], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  try {
    while (performance.now() - t0 < o.timeoutMs) {
      if (child.exitCode !== null) throw new Error(`portcullis serve exited with code ${child.exitCode}`);
      const r = await httpRequest(port, '/api/health', { timeoutMs: 1000 }).catch(() => undefined);
      if (r?.status === 200) return { ms: performance.now() - t0, status: r.status };
      await new Promise((res) => setTimeout(res, 5));
    }
    throw new Error(`no 200 from /api/health within ${o.timeoutMs} ms`);
  } finally {
    await stopChild(child);
  }
}
