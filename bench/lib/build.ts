/**
 * Compiles the working tree's src/ and bench/ to plain JavaScript in a temp dir (esbuild, file by file), so
 * the processes under test run as in production: no tsx loader, no on-the-fly compilation, none of the
 * `__name` wrappers tsx adds to every function it defines (per-request closures too). The CLI for start-up
 * (S6) is the production bundle, built the same way `npm install` builds it.
 */
import { readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundle } from '../../tools/bundle.js';

function sources(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) sources(p, out);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

export interface Build {
  readonly dir: string;
  /** Path of a compiled file, e.g. js('bench/gateway-child.ts'). */
  js(tsPath: string): string;
  /** The CLI as `bin/portcullis.js` runs it: the production bundle of tools/bundle.ts. */
  readonly cli: string;
}

export async function buildTree(repo: string, dir: string): Promise<Build> {
  // esbuild comes with tsx (a dev dependency); it transpiles in well under a second, without type checks.
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [...sources(join(repo, 'src')), ...sources(join(repo, 'bench'))],
    outdir: dir,
    outbase: repo,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    bundle: false,
    logLevel: 'error',
  });
  const { main } = await bundle(repo, join(dir, 'dist', 'bundle'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  symlinkSync(resolve(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return { dir, js: (tsPath) => join(dir, tsPath.replace(/\.ts$/, '.js')), cli: main };
}
