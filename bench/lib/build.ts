/**
 * Compiles the working tree's src/ and bench/ to plain JavaScript in a temp dir (esbuild, file by file, the
 * shape tsc emits), so the processes under test run as in production: no tsx loader, no on-the-fly
 * compilation, none of the `__name` wrappers tsx adds to every function it defines (per-request closures too).
 */
import { readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

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
  /** Path of a compiled file, e.g. js('bench/gateway-child.ts') or js('src/cli/main.ts'). */
  js(tsPath: string): string;
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
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  symlinkSync(resolve(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return { dir, js: (tsPath) => join(dir, tsPath.replace(/\.ts$/, '.js')) };
}
