/**
 * S6: wall time from spawning `portcullis serve` (the compiled CLI, as in production) to the first 200 from
 * /api/health, with 1,000 rules and a fresh SQLite file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { spawnTracked, stopChild } from './children.js';
import { benchConfig, usersFile } from './config.js';
import { freePort, httpRequest } from './net.js';

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
