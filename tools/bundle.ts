/**
 * Builds what `bin/portcullis.js` runs: src/ bundled by esbuild into a few ES module files under
 * dist/bundle/ (the CLI entry, the hash-pool worker, shared chunks loaded on demand). Start-up then reads a
 * handful of files instead of about two hundred, which brought `portcullis serve` with 1,000 rules to its
 * first health answer about 70 ms sooner (bench/startup-ab.ts, docs/performance.md). Packages from node_modules stay
 * external, so native modules and lazy imports (pg, ioredis, nodemailer…) load exactly as before.
 *
 * Usage: tsx tools/bundle.ts [outdir]   (default: dist/bundle)
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The entries sit directly in `outdir` with every chunk: the pool finds its worker next to itself
 * (`./pool-worker.js`), and the portal's files are found at `../../dist/portal/` from there, as from
 * `src/http/`.
 */
export async function bundle(repo = REPO, outdir = join(repo, 'dist', 'bundle')): Promise<{ main: string }> {
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: {
      main: join(repo, 'src/cli/main.ts'),
      'pool-worker': join(repo, 'src/authn/password/pool-worker.ts'),
    },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    chunkNames: 'chunk-[hash]',
    logLevel: 'warning',
  });
  return { main: join(outdir, 'main.js') };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ? resolve(process.argv[2]) : undefined;
  const { main } = await bundle(REPO, out);
  console.log(`bundle: ${main}`);
}
