#!/usr/bin/env node
// Entry point: runs the bundled CLI (tools/bundle.ts, run by `npm install` through the `prepare` script).
// Stack traces point into the bundle; `node --enable-source-maps bin/portcullis.js …` maps them to src/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/bundle/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  console.error(
    'portcullis: dist/bundle is missing; run `npm run build` (npm install does it through `prepare`).',
  );
  process.exit(3);
}
await import(main.href);
