/** Starts a worker thread from a module next to the caller, both from dist/ (.js) and from source under tsx (.ts). */
import { Worker } from 'node:worker_threads';

/**
 * `base` is the caller's `import.meta.url`, `name` the worker module without extension. Under tsx the module is
 * .ts, and Node 20 does not carry the parent's loader hooks into workers, so a two-line bootstrap registers tsx
 * inside the worker first.
 */
export function startModuleWorker(base: string, name: string, workerData?: unknown): Worker {
  if (!base.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, base), { workerData });
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(new URL(`./${name}.ts`, base).href);
  return new Worker(`import(${tsx}).then((m) => { m.register(); return import(${entry}); });`, {
    eval: true,
    workerData,
  });
}
