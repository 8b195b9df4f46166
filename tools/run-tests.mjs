#!/usr/bin/env node
// Runs every test: installs/starts what the tests need, checks the repository rules, then node's test runner.
// Node 20's --test does not expand globs, so the files are listed here.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const unitOnly = process.argv.includes('--unit');
const filters = process.argv.slice(2).filter((a) => !a.startsWith('--'));

function collect(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'fixtures' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) collect(p, out);
    else if (/\.(test|e2e)\.ts$/.test(name)) out.push(p);
  }
  return out;
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (!unitOnly) run('bash', ['scripts/test-deps.sh']);
run(process.execPath, ['--import', 'tsx', 'tools/check-imports.ts']);
run(process.execPath, ['--import', 'tsx', 'tools/check-docs.ts']);

let files = [...collect('src'), ...collect('test')].sort();
if (unitOnly) files = files.filter((f) => f.endsWith('.test.ts') && f.startsWith('src'));
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
run(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files]);
