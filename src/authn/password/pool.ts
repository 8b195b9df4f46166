/**
 * A small, lazily started pool of worker threads for the hash algorithms that are plain JavaScript
 * (sha2crypt, bcrypt), so a login never blocks the event loop. Idle workers are unref'd: the pool never
 * keeps the process alive on its own.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Sha2Variant } from './sha2crypt.js';

export type PoolTask =
  | {
      readonly op: 'sha2crypt';
      readonly variant: Sha2Variant;
      readonly password: string;
      readonly salt: string;
      readonly rounds: number;
    }
  | { readonly op: 'bcrypt'; readonly password: string; readonly setting: string };

export interface PoolRequest {
  readonly id: number;
  readonly task: PoolTask;
}

type PoolReply = { id: number; ok: true; value: string } | { id: number; ok: false; error: string };

interface Job {
  readonly id: number;
  readonly task: PoolTask;
  readonly resolve: (v: string) => void;
  readonly reject: (e: Error) => void;
}

interface Slot {
  readonly worker: Worker;
  job: Job | undefined;
}

// In dist/ the worker is plain .js. Under tsx (tests, development) it is .ts, and Node 20 does not carry the
// parent's loader hooks into workers, so a two-line bootstrap registers tsx inside the worker first.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(FROM_SOURCE ? './pool-worker.ts' : './pool-worker.js', import.meta.url);

function startWorker(): Worker {
  if (!FROM_SOURCE) return new Worker(WORKER_URL);
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(WORKER_URL.href);
  return new Worker(`import(${tsx}).then((m) => { m.register(); return import(${entry}); });`, {
    eval: true,
  });
}

export class HashPool {
  readonly size: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;

  constructor(size = Math.max(1, Math.min(4, availableParallelism() - 1))) {
    this.size = size;
  }

  run(task: PoolTask): Promise<string> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, task, resolve, reject });
      this.pump();
    });
  }

  /** Terminates every worker (tests; the process may also just exit). Queued jobs are rejected. */
  async close(): Promise<void> {
    for (const job of this.queue.splice(0)) job.reject(new Error('hash pool closed'));
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }

  private pump(): void {
    while (this.queue.length) {
      let slot = this.slots.find((s) => !s.job);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.worker.ref();
      slot.worker.postMessage({ id: job.id, task: job.task } satisfies PoolRequest);
    }
  }

  private spawn(): Slot {
    const worker = startWorker();
    const slot: Slot = { worker, job: undefined };
    worker.unref();
    worker.on('message', (reply: PoolReply) => {
      const job = slot.job;
      if (!job || job.id !== reply.id) return;
      slot.job = undefined;
      worker.unref();
      if (reply.ok) job.resolve(reply.value);
      else job.reject(new Error(reply.error));
      this.pump();
    });
    const fail = (err: Error) => {
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      slot.job?.reject(err);
      slot.job = undefined;
      this.pump();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`hash worker exited with code ${code}`)));
    this.slots.push(slot);
    return slot;
  }
}

let shared: HashPool | undefined;

/** The process-wide pool, created on first use. */
export function hashPool(): HashPool {
  shared ??= new HashPool();
  return shared;
}
